"""Django admin is for staff: every model is registered and its list page works."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from planner.models import (
    Business,
    Campaign,
    DailyRollup,
    ImportMapping,
    Membership,
    Platform,
    ReportUpload,
    ResultEntry,
    Task,
    TaskTally,
    TimeEntry,
)
from tests.factories import TimeEntryFactory

MODELS = [
    Business,
    Membership,
    Platform,
    Campaign,
    Task,
    TimeEntry,
    ResultEntry,
    DailyRollup,
    TaskTally,
    ReportUpload,
    ImportMapping,
]


@pytest.mark.parametrize("model", MODELS)
def test_registered_with_a_working_changelist(admin_client, model, smo_task, owner):
    assert admin.site.is_registered(model)
    url = reverse(f"admin:planner_{model._meta.model_name}_changelist")
    assert admin_client.get(url + "?q=a").status_code == 200


def test_members_of_a_business_cannot_enter_admin(client_for, owner):
    response = client_for(owner).get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_edits_keep_the_dashboard_exact(admin_client, smo_task, owner):
    """Changing a time entry's day in the admin moves its hours in the rollups too."""
    entry = TimeEntryFactory(
        task=smo_task, user=owner, date=datetime.date(2026, 11, 1), hours=Decimal("2")
    )
    url = reverse("admin:planner_timeentry_change", args=[entry.pk])
    response = admin_client.post(
        url,
        {
            "business": entry.business_id,
            "task": smo_task.pk,
            "user": owner.pk,
            "date": "2026-11-05",
            "hours": "2",
            "note": "",
        },
    )
    assert response.status_code == 302
    hours = dict(DailyRollup.objects.filter(hours__gt=0).values_list("date", "hours"))
    assert hours == {datetime.date(2026, 11, 5): Decimal("2")}
    admin_client.post(reverse("admin:planner_task_delete", args=[smo_task.pk]), {"post": "yes"})
    assert not DailyRollup.objects.filter(hours__gt=0).exists()
