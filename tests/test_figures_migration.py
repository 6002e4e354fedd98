"""Migration 0017 fills what each task keeps of its results (and TaskTally's sums) for the
rows from before it: the same values the services keep from then on."""

import datetime
import importlib
from decimal import Decimal

from django.apps import apps

from planner import rollups
from planner.models import Task, TaskTally
from tests.factories import ResultEntryFactory, SmmTaskFactory, SmoTaskFactory

migration = importlib.import_module("planner.migrations.0017_task_figures_and_sorts")


def _kept(business):
    tasks = sorted(Task.objects.filter(business=business).values_list("pk", *rollups.FIGURE_FIELDS))
    tallies = sorted(
        TaskTally.objects.filter(business=business).values_list(
            "kind", "status", "platform_id", "campaign_id", "count", *rollups.TALLY_SUMS
        )
    )
    return tasks, tallies


def test_the_migration_fills_the_figures_the_services_keep(business, platform):
    ad = SmmTaskFactory(business=business, platform=platform, budget_type="lifetime",
                        budget_amount=Decimal("300"))  # fmt: skip
    post = SmoTaskFactory(business=business, platform=platform)
    SmmTaskFactory(business=business, platform=platform, budget_amount=None)
    for n, task in enumerate((ad, ad, post)):
        ResultEntryFactory(task=task, date=datetime.date(2026, 11, 2 + n), impressions=100 * n + 50,
                           reach=40, clicks=5 + n, conversions=1, spend=Decimal("4.5"))  # fmt: skip
    kept = _kept(business)
    # As before the migration: nothing kept on the rows, no sums in the tallies.
    Task.objects.update(total_impressions=0, total_reach=0, total_engagements=0, total_clicks=0,
                        total_conversions=0, total_conversion_value=0, budget_total=None,
                        cost_per_click=None, click_through_rate=None, cost_per_conversion=None,
                        budget_spent=None)  # fmt: skip
    TaskTally.objects.all().delete()
    migration.fill_figures(apps, None)
    assert _kept(business) == kept
