"""The platform list, the campaign list and a campaign's page read their task counts from
TaskTally and a campaign's split from the daily rollups: the same numbers as counting and
summing the rows, after saves, moves and deletes, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import services
from planner.models import Campaign, Kind, Platform, ResultEntry, Task, TimeEntry
from planner.selectors import campaign_pacing, split_for_tasks, split_from_rollups, task_counts
from tests.factories import CampaignFactory, PlatformFactory, SmmTaskFactory, SmoTaskFactory

DAY = datetime.date(2026, 10, 5)


def build(business, owner, size):
    platforms = [PlatformFactory(business=business) for _ in range(3)]
    campaigns = [CampaignFactory(business=business) for _ in range(3)]
    for n in range(size):
        factory = SmoTaskFactory if n % 2 else SmmTaskFactory
        task = factory(
            business=business,
            platform=platforms[n % 3],
            campaign=campaigns[n % 4] if n % 4 < 3 else None,
            production_cost=Decimal(n % 5),
        )
        services.task_save(task)
        services.entry_save(
            TimeEntry(task=task, business=business, user=owner, date=DAY, hours=Decimal("0.25"))
        )
        services.entry_save(
            ResultEntry(
                task=task,
                business=business,
                date=DAY + datetime.timedelta(days=n % 3),
                clicks=n,
                impressions=10 * n,
                spend=Decimal(n) if task.kind == Kind.SMM else 0,
            )
        )
    return platforms, campaigns


def counted(business, **filters):
    tasks = Task.objects.for_business(business).filter(**filters)
    return {kind: tasks.filter(kind=kind).count() for kind in Kind.values}


def test_counts_and_the_campaign_split_equal_the_rows(business, owner):
    platforms, campaigns = build(business, owner, 24)
    # A move and a delete, as people make them.
    moved = Task.objects.filter(campaign=campaigns[0]).first()
    moved.campaign, moved.platform = campaigns[1], platforms[2]
    services.task_save(moved)
    services.task_delete(Task.objects.filter(campaign=campaigns[2]).first())
    by_platform = task_counts(business, "platform_id")
    by_campaign = task_counts(business, "campaign_id")
    for platform in Platform.objects.for_business(business):
        assert by_platform.get(platform.pk, {"smo": 0, "smm": 0}) == counted(
            business, platform=platform
        )
    for campaign in Campaign.objects.for_business(business):
        assert by_campaign[campaign.pk] == counted(business, campaign=campaign)
        tasks = Task.objects.for_business(business).filter(campaign=campaign).values("pk")
        assert split_from_rollups(business, campaign=campaign) == split_for_tasks(business, tasks)
        raw_spend = sum(
            ResultEntry.objects.filter(
                task__campaign=campaign, task__kind=Kind.SMM, date__lte=DAY + datetime.timedelta(1)
            ).values_list("spend", flat=True),
            Decimal(0),
        )
        pacing = campaign_pacing(campaign, DAY + datetime.timedelta(days=1))
        assert pacing["spend"] == raw_spend


@pytest.mark.parametrize("name", ["platform_list", "campaign_list", "campaign_detail"])
def test_the_pages_run_the_same_queries_at_two_sizes(client_for, business, owner, name):
    def queries(size):
        Task.objects.for_business(business).delete()
        Campaign.objects.for_business(business).delete()
        Platform.objects.for_business(business).delete()
        _platforms, campaigns = build(business, owner, size)
        args = [business.pk] + ([campaigns[0].pk] if name == "campaign_detail" else [])
        client = client_for(owner)
        client.get(reverse(name, args=args))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=args)).status_code == 200
        return len(captured)

    assert queries(4) == queries(40)
