"""The lists' text search: any of the title, post text, ad headline or ad text contains the
words, in any case; nothing matches across two fields; and on PostgreSQL it is a lookup in the
trigram index, not a scan of the business's tasks."""

import pytest
from django.db import connection
from django.urls import reverse

from planner.forms import TaskFilterForm
from planner.models import Kind, Task
from tests.factories import SmmTaskFactory, SmoTaskFactory


def found(business, kind, q):
    form = TaskFilterForm({"q": q}, business=business, kind=kind)
    tasks = form.apply(Task.objects.for_business(business).filter(kind=kind))
    return sorted(task.title for task in tasks)


def test_each_text_field_is_searched_in_any_case(business, platform):
    SmoTaskFactory(business=business, platform=platform, title="Espresso Launch", post_text="")
    SmoTaskFactory(business=business, platform=platform, title="b", post_text="our LAUNCH day")
    SmmTaskFactory(business=business, platform=platform, title="c", ad_headline="Launch week")
    SmmTaskFactory(business=business, platform=platform, title="d", ad_text="…the launch…")
    SmmTaskFactory(business=business, platform=platform, title="e", ad_text="nothing here")
    assert found(business, Kind.SMO, "launch") == ["Espresso Launch", "b"]
    assert found(business, Kind.SMM, "lAuNcH") == ["c", "d"]
    assert found(business, Kind.SMO, "  ") == ["Espresso Launch", "b"]  # no words: no filter


def test_no_match_across_fields_and_wildcards_are_plain_characters(business, platform):
    SmoTaskFactory(business=business, platform=platform, title="Beans", post_text="Fresh")
    SmoTaskFactory(business=business, platform=platform, title="100% arabica", post_text="")
    assert found(business, Kind.SMO, "beansfresh") == []
    assert found(business, Kind.SMO, "beans\x1ffresh") == []
    assert found(business, Kind.SMO, "100%") == ["100% arabica"]
    assert found(business, Kind.SMO, "%") == ["100% arabica"]
    assert found(business, Kind.SMO, "_") == []


def test_another_business_is_never_searched(client_for, business, editor, platform, outsider):
    other = outsider.memberships.get().business
    SmoTaskFactory(business=other, title="Their launch")
    url = reverse("smo_list", args=[business.pk]) + "?q=launch"
    assert "Their launch" not in client_for(editor).get(url).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
@pytest.mark.parametrize("kind", ["smo", "smm"])
def test_postgresql_has_a_trigram_index_per_kind_with_the_business(db, kind):
    # Which plan uses it depends on the table's size (docs/performance.md has the plans at
    # 1,000,000 tasks); here: that it exists as the search's WHERE needs it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"task_search_{kind}"]
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (business_id, search_text gin_trgm_ops)" in definition
    assert f"WHERE ((kind)::text = '{kind}'::text)" in definition


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(
    ("matching", "turned_off"), [(30, "enable_bitmapscan"), (3, "enable_indexscan")]
)
def test_a_common_word_walks_the_list_and_a_rare_one_the_index(
    business, platform, matching, turned_off
):
    from planner import selectors

    for n in range(40):
        title = f"Launch {n}" if n < matching else f"Other {n}"
        SmoTaskFactory(business=business, platform=platform, title=title)
    tasks = Task.objects.for_business(business).filter(kind=Kind.SMO)
    form = TaskFilterForm({"q": "launch"}, business=business, kind=Kind.SMO)
    with selectors.steered_search(tasks, form.apply(tasks), 25), connection.cursor() as cursor:
        cursor.execute(f"SHOW {turned_off}")
        assert cursor.fetchone()[0] == "off"
        assert len(form.apply(tasks)) == matching  # the same answer either way
    with connection.cursor() as cursor:  # and only inside the block
        cursor.execute(f"SHOW {turned_off}")
        assert cursor.fetchone()[0] == "on"
