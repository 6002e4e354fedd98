"""Goals: progress worked out by hand (targets against the time elapsed, ceilings), the
sums they are measured on, the pages of the five actors and the bad input they refuse."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.insights import progress
from planner.insights.models import Goal
from planner.insights.selectors import dashboard_goals, with_progress
from planner.insights.services import MAX_GOALS
from planner.kpis import KindTotals, Split
from planner.periods import Period
from tests.factories import (
    CampaignFactory,
    GoalFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

D = Decimal
NOV_20 = datetime.date(2026, 11, 20)


def day(month, n):
    return datetime.date(2026, month, n)


# Pure arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, share",
    [
        (day(10, 31), D(0)),  # before the first day
        (day(11, 1), D(1) / D(30)),  # the first day counts once it is here
        (day(11, 15), D(15) / D(30)),
        (day(11, 30), D(1)),
        (day(12, 25), D(1)),
    ],
)
def test_elapsed_share(today, share):
    assert progress.elapsed_share(day(11, 1), day(11, 30), today) == share


@pytest.mark.parametrize(
    "actual, elapsed, status",
    [
        (100, D("0.5"), progress.REACHED),  # reached early is reached
        (0, D(0), progress.NOT_STARTED),
        (56, D("0.5"), progress.AHEAD),  # 56 / 50 = 1.12
        (55, D("0.5"), progress.ON_TRACK),  # 1.10 is on track, both ends included
        (45, D("0.5"), progress.ON_TRACK),  # 0.90
        (44, D("0.5"), progress.BEHIND),
        (95, D(1), progress.ON_TRACK),  # the last day, not over yet
    ],
)
def test_target_status(actual, elapsed, status):
    assert progress.target_status(100, actual, elapsed) == status


def test_a_target_not_reached_after_the_last_day_is_missed():
    assert progress.target_status(100, 99, D(1), ended=True) == progress.MISSED
    assert progress.target_status(100, 100, D(1), ended=True) == progress.REACHED


@pytest.mark.parametrize(
    "actual, status",
    [
        (None, progress.NO_DATA),
        (D("9.00"), progress.AHEAD),  # at 90% of the ceiling or less
        (D("9.01"), progress.ON_TRACK),
        (D("10.00"), progress.ON_TRACK),
        (D("10.01"), progress.BEHIND),
    ],
)
def test_ceiling_status(actual, status):
    assert progress.ceiling_status(D("10.00"), actual) == status


def test_goal_progress_measures_both_kinds_and_paid_cpa():
    split = Split(
        smo=KindTotals(hours=D(4), hourly_rate=D(25), clicks=60, conversions=2),
        smm=KindTotals(media_spend=D(200), clicks=40, conversions=8, conversion_value=D(400)),
    )
    values = {
        "target_clicks": 200,
        "target_conversions": 10,
        "target_conversion_value": D("1000"),
        "max_cpa": D("20"),
        "max_effective_cpc": D("2.50"),
    }
    found = {
        p.field: p for p in progress.goal_progress(values, split, day(11, 1), day(11, 30), NOV_20)
    }
    # 20 of 30 days: a straight line to 200 clicks stands at 133.33 today; 100 is 75% of it.
    assert found["target_clicks"].actual == 100
    assert found["target_clicks"].expected == D(200) * D(20) / D(30)
    assert found["target_clicks"].status == progress.BEHIND
    assert found["target_clicks"].share == D("0.5")
    assert found["target_conversions"].status == progress.REACHED  # 2 + 8
    # 400 of 1,000 against 666.67 expected: 60%.
    assert found["target_conversion_value"].status == progress.BEHIND
    # Paid CPA is media spend ÷ paid conversions: 200 / 8 = 25, over the ceiling of 20.
    assert found["max_cpa"].actual == D(25) and found["max_cpa"].status == progress.BEHIND
    # Effective CPC: (200 + 100 labour) / 100 clicks = 3.00 > 2.50.
    assert found["max_effective_cpc"].actual == D(3)
    assert found["max_effective_cpc"].expected is None


def test_only_the_set_targets_are_measured():
    found = progress.goal_progress(
        {"target_clicks": 5}, Split(KindTotals(), KindTotals()), day(11, 1), day(11, 30), NOV_20
    )
    assert [p.field for p in found] == ["target_clicks"]
    empty = progress.goal_progress(
        {"max_cpa": D(3)}, Split(KindTotals(), KindTotals()), day(11, 1), day(11, 30), NOV_20
    )
    assert empty[0].actual is None and empty[0].status == progress.NO_DATA


# Sums from the rollups ----------------------------------------------------------------------


@pytest.fixture
def history(business, owner):
    """Rate 50. October 31 and November rows, a campaign with one post and one ad."""
    business.hourly_rate = D("50")
    business.save()
    fb = PlatformFactory(business=business)
    launch = CampaignFactory(
        business=business, name="Launch", start_date=day(11, 1), end_date=day(11, 30)
    )
    post = SmoTaskFactory(business=business, platform=fb, campaign=launch)
    other_post = SmoTaskFactory(business=business, platform=fb)
    ad = SmmTaskFactory(business=business, platform=fb, campaign=launch)
    TimeEntryFactory(task=post, hours=D("2"), user=owner, date=day(11, 3))
    ResultEntryFactory(task=post, date=day(11, 3), clicks=30, conversions=1, engagements=12)
    ResultEntryFactory(task=other_post, date=day(11, 4), clicks=20)
    ResultEntryFactory(
        task=ad,
        date=day(11, 10),
        clicks=100,
        conversions=4,
        conversion_value=D("300"),
        spend=D("80"),
    )
    ResultEntryFactory(task=ad, date=day(10, 31), clicks=50, spend=D("20"))
    return {"launch": launch, "post": post, "ad": ad}


def test_a_period_goal_sums_the_business_over_its_days(business, history, other_business):
    stranger = SmmTaskFactory(business=other_business)
    ResultEntryFactory(task=stranger, date=day(11, 10), clicks=999, spend=D("999"))
    # November whole (monthly rollups) and October 20-31 (daily ones).
    goal = GoalFactory(
        business=business, start_date=day(10, 20), end_date=day(11, 30), target_clicks=400
    )
    november = GoalFactory(business=business, target_clicks=400, max_effective_cpc=D("1"))
    views = {view.goal.pk: view for view in with_progress(business, [goal, november], NOV_20)}
    assert views[goal.pk].split.clicks == 200  # 30 + 20 + 100 + 50
    assert views[november.pk].split.clicks == 150
    # November: 100 labour + 80 spend for 150 clicks = 1.20, over a ceiling of 1.00.
    cpc = views[november.pk].progress[1]
    assert cpc.actual == D(180) / D(150) and cpc.status == progress.BEHIND


def test_a_campaign_goal_sums_all_its_tasks_results(business, history):
    goal = GoalFactory(
        business=business,
        campaign=history["launch"],
        start_date=None,
        end_date=None,
        target_conversions=10,
        max_cpa=D("25"),
    )
    goal.campaign = history["launch"]
    (view,) = with_progress(business, [goal], NOV_20)
    # The post and the ad, the ad's October row too (as the campaign's page totals them).
    assert view.split.clicks == 180
    assert (view.start, view.end) == (day(11, 1), day(11, 30))
    conversions, cpa = view.progress
    assert conversions.actual == 5 and conversions.status == progress.BEHIND  # 5 of 6.67
    assert cpa.actual == D(100) / D(4) and cpa.status == progress.ON_TRACK  # 25.00


def test_the_dashboard_shows_the_goals_of_its_period_or_campaign(business, history):
    november = Period(day(11, 1), day(11, 30), "custom")
    inside = GoalFactory(business=business, name="Nov", target_clicks=10)
    GoalFactory(
        business=business,
        name="Later",
        start_date=day(12, 1),
        end_date=day(12, 31),
        target_clicks=1,
    )
    campaign_goal = GoalFactory(
        business=business,
        campaign=history["launch"],
        start_date=None,
        end_date=None,
        target_clicks=5,
    )
    assert [v.goal for v in dashboard_goals(business, november, None, NOV_20)] == [inside]
    chosen = dashboard_goals(business, november, history["launch"], NOV_20)
    assert [v.goal for v in chosen] == [campaign_goal]


def test_a_goal_in_a_non_utc_business_uses_its_local_day(
    client_for, business, owner, history, monkeypatch
):
    """At 2026-11-30 12:00 UTC it is already December 1st in Auckland: November's goal of
    400 clicks has ended there, so it is missed rather than behind."""
    GoalFactory(business=business, name="Nov", target_clicks=400)
    client = client_for(owner)
    url = reverse("goal_list", args=[business.pk])
    moment = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    assert "✗ missed" not in client.get(url).content.decode()  # UTC: the 30th, behind
    business.time_zone = "Pacific/Auckland"
    business.save()
    assert "✗ missed" in client.get(url).content.decode()


# Pages ---------------------------------------------------------------------------------------


def _goal_data(**changes):
    return {
        "name": "Spring",
        "start_date": "2027-03-01",
        "end_date": "2027-05-31",
        "target_clicks": "500",
        "target_conversions": "",
        "target_conversion_value": "",
        "max_cpa": "",
        "max_effective_cpc": "2.50",
        **changes,
    }


def test_editor_sets_a_period_goal(client_for, business, editor):
    response = client_for(editor).post(reverse("goal_create", args=[business.pk]), _goal_data())
    assert response.status_code == 302
    goal = Goal.objects.get(business=business)
    assert (goal.name, goal.target_clicks, goal.max_effective_cpc) == ("Spring", 500, D("2.50"))
    assert goal.campaign is None


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"target_clicks": "", "max_effective_cpc": ""},
            None,
            "Set at least one target or ceiling.",
        ),
        ({"target_clicks": "0"}, "target_clicks", "greater than or equal to 1"),
        ({"max_effective_cpc": "-1"}, "max_effective_cpc", "greater than or equal to 0"),
        ({"max_effective_cpc": "0"}, "max_effective_cpc", "greater than or equal to 0.01"),
        ({"end_date": "2027-02-01"}, "end_date", "The last day cannot be before the first day."),
        ({"start_date": ""}, "start_date", "This field is required."),
        ({"target_clicks": "1" * 30}, "target_clicks", "less than or equal to"),
    ],
)
def test_bad_goals_are_refused_next_to_the_field(
    client_for, business, editor, changes, field, message
):
    response = client_for(editor).post(
        reverse("goal_create", args=[business.pk]), _goal_data(**changes)
    )
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and any(message in error for error in errors), form.errors
    assert not Goal.objects.exists()


def test_a_campaigns_goal_is_set_and_shown_on_its_page(client_for, business, editor, history):
    launch = history["launch"]
    client = client_for(editor)
    url = reverse("campaign_goal", args=[business.pk, launch.pk])
    data = {"target_clicks": "1000", "max_cpa": "30", "seen_version": "0"}
    assert client.post(url, data).status_code == 302
    goal = Goal.objects.get(campaign=launch)
    assert (goal.start_date, goal.end_date, goal.business) == (None, None, business)
    # A second visit edits the same goal rather than adding one.
    assert client.post(url, {**data, "target_clicks": "900"}).status_code == 302
    assert Goal.objects.get(campaign=launch).target_clicks == 900
    html = client.get(reverse("campaign_detail", args=[business.pk, launch.pk])).content.decode()
    assert 'data-testid="goal-target_clicks"' in html and "900" in html
    assert 'data-testid="goal-max_cpa"' in html


def test_the_campaign_page_costs_one_query_for_its_goal(
    client_for, business, owner, history, django_assert_num_queries
):
    url = reverse("campaign_detail", args=[business.pk, history["launch"].pk])
    client = client_for(owner)
    client.get(url)
    # session, user, membership, campaign, task counts, totals, pacing, goal, the newest
    # posts and ads, navbar: 11 with or without a goal (its progress is the page's totals)
    with django_assert_num_queries(11) as without:
        client.get(url)
    GoalFactory(
        business=business,
        campaign=history["launch"],
        start_date=None,
        end_date=None,
        target_clicks=5,
    )
    with django_assert_num_queries(len(without.captured_queries)):
        response = client.get(url)
    assert 'data-testid="goal-target_clicks"' in response.content.decode()


def test_a_stale_edit_is_refused(client_for, business, editor, owner):
    goal = GoalFactory(business=business, name="Spring", target_clicks=10)
    url = reverse("goal_edit", args=[business.pk, goal.pk])
    client_for(owner).post(url, _goal_data(seen_version="0", target_clicks="20"))
    response = client_for(editor).post(url, _goal_data(seen_version="0", target_clicks="30"))
    assert response.status_code == 409
    goal.refresh_from_db()
    assert goal.target_clicks == 20


def test_a_business_keeps_a_bounded_number_of_goals(client_for, business, editor):
    Goal.objects.bulk_create(
        Goal(business=business, start_date=day(1, 1), end_date=day(1, 2), target_clicks=1)
        for _ in range(MAX_GOALS)
    )
    response = client_for(editor).post(reverse("goal_create", args=[business.pk]), _goal_data())
    assert response.status_code == 400
    assert f"at most {MAX_GOALS} goals" in response.content.decode()
    assert Goal.objects.count() == MAX_GOALS


@pytest.mark.parametrize("actor", ["viewer", "outsider", "anonymous"])
def test_only_editors_and_owners_write_goals(client, client_for, business, request, actor, history):
    goal = GoalFactory(business=business, target_clicks=10)
    if actor != "anonymous":
        client = client_for(request.getfixturevalue(actor))
    expected = {"viewer": 403, "outsider": 404, "anonymous": 302}[actor]
    for url in (
        reverse("goal_create", args=[business.pk]),
        reverse("goal_edit", args=[business.pk, goal.pk]),
        reverse("goal_delete", args=[business.pk, goal.pk]),
        reverse("campaign_goal", args=[business.pk, history["launch"].pk]),
    ):
        assert client.post(url, _goal_data()).status_code == expected
    goal.refresh_from_db()
    assert goal.target_clicks == 10 and Goal.objects.count() == 1


def test_another_business_goal_or_campaign_is_a_404(client_for, business, owner, other_business):
    theirs = GoalFactory(business=other_business, target_clicks=10)
    their_campaign = CampaignFactory(business=other_business)
    client = client_for(owner)
    assert client.get(reverse("goal_edit", args=[business.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("goal_delete", args=[business.pk, theirs.pk])).status_code == 404
    url = reverse("campaign_goal", args=[business.pk, their_campaign.pk])
    assert client.post(url, {"target_clicks": "5"}).status_code == 404
    assert not Goal.objects.filter(campaign=their_campaign).exists()


def test_the_goal_list_for_each_member(client_for, business, owner, editor, viewer, history):
    GoalFactory(business=business, name="November push", target_clicks=400)
    GoalFactory(
        business=business,
        campaign=history["launch"],
        start_date=None,
        end_date=None,
        target_clicks=5,
    )
    url = reverse("goal_list", args=[business.pk])
    for user in (owner, editor, viewer):
        html = client_for(user).get(url).content.decode()
        assert "November push" in html and "Launch" in html
        assert ("New goal for a period" in html) == (user != viewer)


@pytest.mark.parametrize("goals", [3, 30])
def test_the_goal_list_reads_a_fixed_number_of_queries(
    client_for, business, owner, history, goals, django_assert_num_queries
):
    Goal.objects.bulk_create(
        Goal(business=business, start_date=day(11, 1), end_date=day(11, 30), target_clicks=n + 1)
        for n in range(goals)
    )
    client = client_for(owner)
    url = reverse("goal_list", args=[business.pk])
    client.get(url)
    # session, user, membership, count, page of goals, their sums in one, navbar
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count('data-testid="goal-progress"') == min(goals, 25)


def test_deleting_a_goal(client_for, business, editor):
    goal = GoalFactory(business=business, target_clicks=10)
    response = client_for(editor).post(reverse("goal_delete", args=[business.pk, goal.pk]))
    assert response.status_code == 302 and not Goal.objects.exists()
