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
def test_postgresql_searches_through_the_trigram_index(business, platform):
    SmoTaskFactory(business=business, platform=platform, title="Espresso launch")
    form = TaskFilterForm({"q": "launch"}, business=business, kind=Kind.SMO)
    # Only the search, so that no index on the business competes in so small a table.
    query = form.apply(Task.objects.all()).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "task_search_trgm" in plan, plan


def test_a_list_counts_from_the_tallies_and_a_search_counts_only_so_far(
    client_for, business, editor, platform, monkeypatch, django_assert_num_queries
):
    from planner.views import tasks as task_views

    monkeypatch.setattr(task_views, "MATCHES_COUNTED", 3)
    for n in range(5):
        SmoTaskFactory(business=business, platform=platform, title=f"Launch {n}", status="draft")
    SmoTaskFactory(business=business, platform=platform, title="Other", status="idea")
    client = client_for(editor)
    url = reverse("smo_list", args=[business.pk])
    page = client.get(url + "?status=draft").content.decode()
    assert "(5 in all)" not in page and page.count("Launch ") == 5  # one page: no pager
    page = client.get(url + "?q=launch").content.decode()
    assert 'data-testid="matches-capped"' in page and "More than 3 match" in page
    assert page.count("Launch ") == 3
    page = client.get(url + "?q=other").content.decode()
    assert 'data-testid="matches-capped"' not in page and "Other" in page
