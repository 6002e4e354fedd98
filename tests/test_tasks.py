"""Task pages: create, view with totals and KPIs, time and results, delete."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner import services
from planner.models import ResultEntry, Task, TimeEntry
from tests.factories import ResultEntryFactory, SmoTaskFactory, TimeEntryFactory

D = Decimal


def test_editor_creates_an_smo_post(client_for, business, editor, platform, campaign):
    response = client_for(editor).post(
        reverse("smo_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "campaign": campaign.pk,
            "title": "Roast day",
            "post_text": "We roast on Fridays",
            "hashtags": "coffee, #roast",
            "backlink_url": "https://shop.example/roast",
            "scheduled_at": "2026-12-04T09:30",
            "status": "scheduled",
            "estimated_hours": "1.5",
            "production_cost": "12.50",
            "assignee": editor.pk,
        },
    )
    task = Task.objects.get(title="Roast day")
    assert response.status_code == 302
    assert response.url == reverse("smo_detail", args=[business.pk, task.pk])
    assert task.business == business and task.kind == "smo"
    assert task.hashtags == "#coffee #roast"
    assert task.production_cost == D("12.50")


def test_scheduled_time_is_read_in_the_business_time_zone(client_for, business, editor, platform):
    business.time_zone = "America/New_York"
    business.save()
    client_for(editor).post(
        reverse("smo_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "title": "NY post",
            "post_text": "hi",
            "status": "scheduled",
            "scheduled_at": "2026-12-04T09:30",
            "estimated_hours": "0",
        },
    )
    task = Task.objects.get(title="NY post")
    assert task.scheduled_at == datetime.datetime(2026, 12, 4, 14, 30, tzinfo=datetime.UTC)


def test_editor_creates_an_smm_campaign(client_for, business, editor, platform):
    response = client_for(editor).post(
        reverse("smm_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "title": "Cafe owners",
            "objective": "leads",
            "bid_model": "cpc",
            "max_bid": "1.20",
            "budget_type": "lifetime",
            "budget_amount": "900",
            "flight_start": "2026-12-01",
            "flight_end": "2026-12-31",
            "audience_job_titles": "Café owner",
            "audience_age_min": "25",
            "audience_age_max": "54",
            "ad_headline": "Better beans",
            "ad_text": "Try them",
            "destination_url": "https://shop.example/b2b",
            "status": "active",
            "estimated_hours": "4",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(title="Cafe owners")
    assert task.kind == "smm" and task.budget_amount == D("900") and task.status == "active"


def test_smm_page_shows_totals_and_kpis(client_for, business, viewer, smm_task, owner):
    TimeEntryFactory(task=smm_task, hours=D("2"), user=owner)
    ResultEntryFactory(
        task=smm_task,
        impressions=10000,
        clicks=200,
        conversions=8,
        conversion_value=D("400"),
        spend=D("100"),
    )
    html = (
        client_for(viewer)
        .get(reverse("smm_detail", args=[business.pk, smm_task.pk]))
        .content.decode()
    )
    assert 'data-testid="kpi-ctr">2.00%<' in html
    assert 'data-testid="kpi-cpc">$0.50<' in html
    assert 'data-testid="kpi-cpm">$10.00<' in html
    assert 'data-testid="kpi-cpa">$12.50<' in html
    assert 'data-testid="kpi-roas">4.00<' in html
    # (2 h × 50 + 100) / 200 clicks
    assert 'data-testid="kpi-ecpc">$1.00<' in html
    # Viewers get no forms to change anything.
    assert 'data-testid="time-form"' not in html


def test_kpis_with_no_results_show_a_dash(client_for, business, owner, smm_task):
    html = (
        client_for(owner)
        .get(reverse("smm_detail", args=[business.pk, smm_task.pk]))
        .content.decode()
    )
    for kpi in ("ctr", "cpc", "cpm", "cpa", "roas", "ecpc"):
        assert f'data-testid="kpi-{kpi}">—<' in html


def test_log_time_and_results(client_for, business, editor, smo_task):
    client = client_for(editor)
    response = client.post(
        reverse("time_entry_create", args=[business.pk, smo_task.pk]),
        {"date": "2026-11-20", "hours": "1.75", "user": editor.pk, "note": "Copy"},
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.business, entry.task, entry.user, entry.hours) == (
        business,
        smo_task,
        editor,
        D("1.75"),
    )
    response = client.post(
        reverse("result_create", args=[business.pk, smo_task.pk]),
        {"date": "2026-11-21", "impressions": "900", "clicks": "12", "spend": "50"},
    )
    assert response.status_code == 302
    result = ResultEntry.objects.get()
    assert (result.clicks, result.reach, result.spend) == (12, 0, D("0"))  # organic: no spend


def test_delete_entries(client_for, business, editor, smo_task):
    entry = TimeEntryFactory(task=smo_task, user=editor)
    result = ResultEntryFactory(task=smo_task)
    client = client_for(editor)
    client.post(reverse("time_entry_delete", args=[business.pk, smo_task.pk, entry.pk]))
    client.post(reverse("result_delete", args=[business.pk, smo_task.pk, result.pk]))
    assert not TimeEntry.objects.exists() and not ResultEntry.objects.exists()


def test_entry_of_another_task_is_404(client_for, business, editor, smo_task, smm_task):
    entry = TimeEntryFactory(task=smm_task, user=editor)
    response = client_for(editor).post(
        reverse("time_entry_delete", args=[business.pk, smo_task.pk, entry.pk])
    )
    assert response.status_code == 404
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_task_deletes_its_entries(client_for, business, editor, smo_task):
    TimeEntryFactory(task=smo_task, user=editor)
    client_for(editor).post(reverse("smo_delete", args=[business.pk, smo_task.pk]))
    assert not Task.objects.filter(pk=smo_task.pk).exists()
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_task_page_query_count_is_fixed(
    client_for, business, owner, smm_task, rows, django_assert_max_num_queries
):
    for i in range(rows):
        TimeEntryFactory(task=smm_task, user=owner)
        ResultEntryFactory(task=smm_task, date=datetime.date(2025, 1, 1) + datetime.timedelta(i))
    client = client_for(owner)
    url = reverse("smm_detail", args=[business.pk, smm_task.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_a_post_s_page_says_when_the_dashboard_counts_its_production_cost(
    client_for, business, viewer, platform
):
    next_week = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    post = services.task_save(
        SmoTaskFactory.build(
            business=business, platform=platform, scheduled_at=next_week, status="scheduled",
            production_cost=Decimal("40"),
        )
    )  # fmt: skip
    html = client_for(viewer).get(reverse("smo_detail", args=[business.pk, post.pk])).content
    note = html.decode().split('data-testid="cost-attribution"')[1].split("</p>")[0]
    assert post.work_date.isoformat() in note and "the publish day" in note
    assert "does not show them yet" in note


def test_new_work_starts_with_the_obvious_defaults(client_for, business, editor, platform):
    client = client_for(editor)
    form = client.get(reverse("smo_create", args=[business.pk])).context["form"]
    assert form["assignee"].value() == editor.pk
    assert "No campaign" in str(form["campaign"]) and "Nobody" in str(form["assignee"])
    ad = services.task_save(
        SmoTaskFactory.build(business=business, platform=platform, status="draft")
    )
    page = client.get(reverse("smo_detail", args=[business.pk, ad.pk])).context
    today = page["today"]
    assert page["time_form"]["date"].value() == today
    assert page["time_form"]["user"].value() == editor.pk
    assert page["result_form"]["date"].value() == min(ad.work_date, today)


def test_the_next_result_day_follows_the_last_one_and_is_never_in_the_future(
    client_for, business, editor, smm_task
):
    client = client_for(editor)
    url = reverse("smm_detail", args=[business.pk, smm_task.pk])
    today = client.get(url).context["today"]
    ResultEntryFactory(task=smm_task, date=today - datetime.timedelta(days=3))
    assert client.get(url).context["result_form"]["date"].value() == today - datetime.timedelta(
        days=2
    )
    ResultEntryFactory(task=smm_task, date=today)
    assert client.get(url).context["result_form"]["date"].value() is None  # today has figures


def test_list_filters_say_any_not_dashes(client_for, business, viewer):
    html = client_for(viewer).get(reverse("smo_list", args=[business.pk])).content.decode()
    assert "Any platform" in html and "Any campaign" in html and "---------" not in html
