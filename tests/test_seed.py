"""The demo seeding command: deterministic, sized, and consistent with the constraints."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db.models import Sum

from planner.entry_rules import LONG_DAY_HOURS
from planner.models import Business, Kind, Platform, ResultEntry, Task, TimeEntry


def test_demo_data(db):
    call_command("seed_demo", verbosity=0)
    business = Business.objects.get()
    assert Platform.objects.filter(business=business).count() == 4
    assert business.campaigns.count() == 3
    assert Task.objects.filter(kind=Kind.SMO).count() >= 24
    assert Task.objects.filter(kind=Kind.SMM).count() >= 5
    assert set(Task.objects.filter(kind=Kind.SMO).values_list("status", flat=True)) >= {
        "draft",
        "scheduled",
        "published",
    }
    assert ResultEntry.objects.filter(task__kind=Kind.SMM).count() > 100
    # Organic work has no media spend; every entry belongs to its task's business.
    assert not ResultEntry.objects.filter(task__kind=Kind.SMO, spend__gt=Decimal("0")).exists()
    assert not TimeEntry.objects.exclude(business=business).exists()
    assert business.memberships.count() == 3


def test_same_seed_same_data(db):
    def fingerprint():
        return (
            list(Task.objects.order_by("pk").values_list("title", "status", "budget_amount")),
            list(ResultEntry.objects.order_by("pk").values_list("date", "clicks", "spend")),
        )

    call_command("seed_demo", tasks=40, verbosity=0)
    first = fingerprint()
    Business.objects.all().delete()
    call_command("seed_demo", tasks=40, verbosity=0)
    assert fingerprint()[0] == first[0]
    assert fingerprint()[1] == first[1]


def test_size_option_and_if_empty(db):
    call_command("seed_demo", tasks=500, verbosity=0)
    assert Task.objects.count() == 500
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert Business.objects.count() == 1


def test_the_seed_keeps_every_tally_and_pacing_as_the_services_would(db):
    """The seed writes rows directly (COPY on PostgreSQL): recounting everything afterwards
    changes nothing, so the pages read the same as after saves through the services."""
    from planner import rollups
    from planner.models import CalendarTally, DailyRollup, TaskTally

    call_command("seed_demo", "--tasks", "300", "--days", "90", stdout=StringIO())
    business = Business.objects.get()

    def snapshot():
        def rows(model, *fields):
            return sorted(model.objects.filter(business=business).values_list(*fields), key=repr)

        pacing = "pk", "media_spend", "pace_over_from", "pace_over_until", "pace_under_from"
        return (
            rows(Task, "pk", "work_date", "search_text", *pacing[1:]),
            rows(TaskTally, "kind", "status", "platform", "campaign", "count"),
            rows(
                CalendarTally, "date", "kind", "status", "platform", "campaign", "count", "starts"
            ),
            rows(DailyRollup, "date", "kind", "platform", "campaign", "spend", "hours", "clicks"),
        )

    seeded = snapshot()
    assert Task.objects.filter(kind=Kind.SMM, media_spend__gt=0).exists()
    assert Task.objects.exclude(pace_under_from=None).exists()
    rollups.refresh_figures(business.pk)
    rollups.refresh_tallies(business.pk)
    rollups.refresh(business.pk)
    assert snapshot() == seeded


def test_no_one_in_the_demo_works_a_day_the_forms_would_question(db):
    call_command("seed_demo", verbosity=0)
    days = TimeEntry.objects.values("user", "date").annotate(total=Sum("hours"))
    assert max(day["total"] for day in days) <= LONG_DAY_HOURS
