"""On PostgreSQL the task lists' pages are index walks that stop at the page's last row: the
"off pace" list walks its partial index in list order, and a deep page's OFFSET runs over the
narrow list index alone (the rows themselves are read for the page only)."""

import datetime

import pytest
from django.db import connection

from planner import list_sorts
from planner.forms import TaskFilterForm
from planner.models import Kind, Task
from tests.factories import SmmTaskFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A table this small is read any way at all: the costs of a big one make the planner
        # use the index that gives the order, which is what is checked.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_off_pace_page_walks_the_partial_index_in_list_order(business, platform):
    SmmTaskFactory(business=business, platform=platform, status="active")
    form = TaskFilterForm({"pace": "off"}, business=business, kind=Kind.SMM)
    tasks = form.apply(
        Task.objects.for_business(business).filter(kind=Kind.SMM), today=datetime.date(2026, 11, 9)
    )
    found = plan(tasks.values_list("pk", flat=True)[:25])
    assert "task_pace_candidates" in found and "Sort" not in found, found


def test_a_deep_page_offsets_over_the_list_index_alone(business, platform):
    SmmTaskFactory(business=business, platform=platform)
    tasks = Task.objects.for_business(business).filter(kind=Kind.SMM)
    found = plan(tasks.values_list("pk", flat=True)[12_500:12_525])
    assert "Scan using task_business_kind_newest" in found and "Sort" not in found, found


def test_the_dashboards_due_and_overdue_lists_walk_their_status_indexes(
    business, platform, monkeypatch
):
    from planner import dashboard
    from planner.periods import period_for

    SmmTaskFactory(business=business, platform=platform)
    now = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)
    parts = []
    real = dashboard.first_ids
    monkeypatch.setattr(dashboard, "first_ids", lambda found: parts.extend(found) or real(found))
    filters = dashboard.Filters(business, period_for("30d", now.date()))
    dashboard._due_and_overdue(filters, now.date(), now)
    assert len(parts) == 8  # one per kind and status
    for part in parts:
        found = plan(part.values_list("pk", flat=True))
        assert "task_status_" in found and "Sort" not in found, found


@pytest.mark.parametrize(
    ("kind", "sort"),
    [
        (kind, f"{sign}{key}")
        for kind in Kind.values
        for key in list_sorts.SORTS[kind]
        for sign in ("", "-")
    ],
)
def test_every_sort_walks_an_index_in_its_order(business, platform, kind, sort):
    SmmTaskFactory(business=business, platform=platform)
    form = TaskFilterForm({"sort": sort}, business=business, kind=kind)
    tasks = form.apply(Task.objects.for_business(business).filter(kind=kind))
    found = plan(tasks.values_list("pk", flat=True)[:25])
    assert "Index" in found and "Sort" not in found, found
