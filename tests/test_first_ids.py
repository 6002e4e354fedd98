"""selectors.first_ids and ids_sql_between: one UNION ALL of small ordered queries, and the
same query compiled once for many time ranges."""

import datetime

import pytest

from planner.models import Task
from planner.selectors import first_ids, ids_sql, ids_sql_between
from tests.factories import SmoTaskFactory

UTC = datetime.UTC
START = datetime.datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture
def posts(business, platform):
    return [
        SmoTaskFactory(
            business=business,
            platform=platform,
            scheduled_at=START + datetime.timedelta(hours=7 * n),
        )  # fmt: skip
        for n in range(30)
    ]


def _between(business):
    def make(low, high):
        tasks = Task.objects.for_business(business).filter(
            kind="smo", scheduled_at__gte=low, scheduled_at__lt=high
        )
        return tasks.order_by("scheduled_at", "pk")[:3]

    return make


def test_compiled_once_gives_what_each_query_gives(business, posts, other_business):
    days = [(START + datetime.timedelta(days=n), START + datetime.timedelta(days=n + 1))
            for n in range(8)]  # fmt: skip
    make = _between(business)
    once = first_ids(ids_sql_between(make, days))
    each = first_ids([make(low, high) for low, high in days])
    assert once == each
    assert [len(ids) for ids in once[:7]] == [3, 3, 3, 3, 3, 3, 3]  # 3-4 posts a day, 3 kept
    assert once[0] == [posts[0].pk, posts[1].pk, posts[2].pk]
    # Another business's query never meets these posts.
    assert first_ids(ids_sql_between(_between(other_business), days)) == [[]] * 8


def test_a_query_without_the_marks_once_each_is_built_for_each_range(business, posts):
    def make(low, high):  # the low bound twice: its place is not one slot
        tasks = Task.objects.for_business(business).filter(
            kind="smo", scheduled_at__gte=low, updated_at__gte=low, scheduled_at__lt=high
        )
        return tasks.order_by("scheduled_at", "pk")[:2]

    days = [(START, START + datetime.timedelta(days=1))]
    parts = ids_sql_between(make, days)
    assert parts == [ids_sql(make(*days[0]))]
    assert first_ids(parts) == [[posts[0].pk, posts[1].pk]]
