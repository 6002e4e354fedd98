"""The page benchmark (`make bench-pages`) finds every page from the URLconf: a page added
tomorrow is timed tomorrow, or listed as skipped with the reason."""

import json

from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from planner import list_sorts


def business_url_names():
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and "business_id" in str(entry.pattern):
            names |= {p.name for p in entry.url_patterns if isinstance(p, URLPattern)}
    return names


def test_every_business_page_is_timed_or_skipped_with_a_reason(db, tmp_path, capsys):
    out = tmp_path / "pages.json"
    call_command("bench_pages", sizes=[40], repeat=1, json=str(out))
    rows = json.loads(out.read_text())["results"]["40"]
    assert business_url_names() <= set(rows)
    timed = {label for label, row in rows.items() if "median_ms" in row}
    skipped = {label: row["skipped"] for label, row in rows.items() if "skipped" in row}
    # The pages people read are timed, with their queries and sizes.
    timed_pages = (
        "dashboard",
        "calendar",
        "smo_list",
        "smm_list",
        "campaign_detail",
        "iCal feed",
        "notification inbox",
        "client review link",
        "business_activity",
        "task_activity",
        # The API's lists, a deep cursor of one, and its summary (issue 12).
        "api-smo-task-list",
        "api-smo-task-list, half-way",
        "api-smm-task-list, half-way",
        "api-pacing-list",
        "api-dashboard",
        # Every sort of the lists, both ways, and the money lists filtered (issue 13).
        *(
            f"{kind.upper()} list, sort {sign}{key}"
            for kind in ("smo", "smm")
            for key in list_sorts.SORTS[kind]
            for sign in ("", "-")
        ),  # fmt: skip
        "SMM list, off pace, sort -spend",
        "SMM list, a saved view",
        "campaign_list",
    )
    assert {"iCal feed, after an edit", "task save (an ad)", "results grid save, 90 days"} <= timed
    for label in (*timed_pages, "iCal feed, after an edit"):
        assert label in timed, (label, skipped.get(label))
        assert rows[label]["queries"] > 0 and rows[label]["kb"] > 0
    assert "results_grid" in timed  # its page, found from the URLconf
    # What is not timed says why: a POST-only view (405), no such row in the seed, or (the
    # bulk changes of 10,000 posts) a business too small for them.
    assert {label for label in rows if label.startswith("bulk ")} == {
        "bulk status change, 10,000 posts", "bulk shift by a day, 10,000 posts"}  # fmt: skip
    allowed = {"405", "404", "no row", "POST only", "fewer than 10,000 drafts"}
    assert set(skipped.values()) <= allowed, skipped
    assert "member_list" in timed and "healthz" in timed  # the floor and the framework's
    assert "median ms (x floor)" in capsys.readouterr().out


def test_the_bulk_change_timing_changes_every_task_and_ends_as_it_began(db):
    from planner.management.commands.bench_pages import time_bulk_change
    from planner.models import Membership, Task
    from tests.factories import SmoTaskFactory, UserFactory

    first = SmoTaskFactory(scheduled_at=timezone.now())
    business = first.business
    for _ in range(2):
        SmoTaskFactory(business=business, platform=first.platform, scheduled_at=timezone.now())
    owner = Membership.objects.create(business=business, user=UserFactory(), role="owner").user
    row = time_bulk_change(business, owner, "status", ["idea", "draft"], count=3, repeat=4)
    assert row["rows"] == 3 and row["samples"] == 4 and row["queries"] > 0
    assert set(Task.objects.values_list("status", flat=True)) == {"draft"}
    assert time_bulk_change(business, owner, "status", ["idea", "draft"], count=4) == {
        "skipped": "fewer than 4 drafts"
    }
