"""Saved what-if scenarios: saving, the comparison page, and applying one to the campaigns'
budgets (version-checked, all or nothing, with its activity row)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.insights import services
from planner.insights.models import Scenario
from planner.models import Campaign
from planner.teamwork.models import Activity, Verb
from tests.factories import CampaignFactory, PlatformFactory, ResultEntryFactory, SmmTaskFactory

D = Decimal
END = datetime.date(2026, 11, 29)


@pytest.fixture
def fb(business):
    platform = PlatformFactory(business=business, kind="facebook", handle="acme")
    ad = SmmTaskFactory(business=business, platform=platform)
    for day, spend, clicks in ((2, "100", 200), (10, "200", 300), (17, "150", 260), (24, "50", 90)):
        ResultEntryFactory(
            task=ad, date=datetime.date(2026, 11, day), spend=D(spend), clicks=clicks
        )
    return platform


def _scenario(business, fb, spend="900.00", **fields):
    return Scenario.objects.create(
        business=business,
        name=fields.pop("name", "More Facebook"),
        baseline_end=END,
        baseline_weeks=4,
        inputs={f"smm:{fb.pk}": spend},
        **fields,
    )


def test_an_editor_saves_a_scenario(client_for, business, editor, fb):
    data = {"weeks": "4", "end": "2026-11-29", f"in_smm_{fb.pk}": "900", "name": " Push FB "}
    response = client_for(editor).post(reverse("scenario_create", args=[business.pk]), data)
    scenario = Scenario.objects.get(business=business)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/scenarios/{scenario.pk}/"
    )
    assert (scenario.name, scenario.baseline_weeks, scenario.baseline_end) == ("Push FB", 4, END)
    assert scenario.inputs == {f"smm:{fb.pk}": "900"} and scenario.created_by == editor


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Give the scenario a name to save it."),
        ({"in_smm_X": "-1"}, "greater than or equal to 0"),
        ({"weeks": "60"}, "less than or equal to 52"),
    ],
)
def test_a_bad_scenario_is_not_saved(client_for, business, editor, fb, changes, message):
    data = {"weeks": "4", "end": "2026-11-29", f"in_smm_{fb.pk}": "900", "name": "A"}
    data |= {key.replace("X", str(fb.pk)): value for key, value in changes.items()}
    response = client_for(editor).post(reverse("scenario_create", args=[business.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_business_keeps_a_bounded_number_of_scenarios(client_for, business, editor, fb):
    for n in range(services.MAX_SCENARIOS):
        _scenario(business, fb, name=f"S{n}")
    data = {"weeks": "4", "end": "2026-11-29", f"in_smm_{fb.pk}": "9", "name": "One more"}
    response = client_for(editor).post(reverse("scenario_create", args=[business.pk]), data)
    assert response.status_code == 400 and "at most 100 scenarios" in response.content.decode()
    assert Scenario.objects.count() == services.MAX_SCENARIOS


def test_the_scenario_page_compares_it_with_the_baseline(client_for, business, viewer, fb):
    scenario = _scenario(business, fb)  # 900 against the baseline's 500
    html = (
        client_for(viewer)
        .get(reverse("scenario_detail", args=[business.pk, scenario.pk]))
        .content.decode()
    )
    assert 'data-testid="scenario-input-smm">$900.00<' in html
    assert 'data-testid="scenario-paid">$900.00<' in html
    assert "Editors and owners can apply it." in html  # a viewer sees no form


def test_split_budget_is_proportional_and_adds_up(business):
    a = CampaignFactory(business=business, budget=D("100"))
    b = CampaignFactory(business=business, budget=D("200"))
    assert services.split_budget(D("1000"), [a, b]) == {a.pk: D("333.33"), b.pk: D("666.67")}
    a.budget = b.budget = D("0")
    assert services.split_budget(D("1000.01"), [a, b]) == {a.pk: D("500.01"), b.pk: D("500.00")}


def _apply(client, business, scenario, campaigns, versions=None):
    data = {"campaigns": [c.pk for c in campaigns]}
    for campaign in Campaign.objects.filter(business=business):
        data[f"version_{campaign.pk}"] = (versions or {}).get(campaign.pk, campaign.version)
    return client.post(reverse("scenario_apply", args=[business.pk, scenario.pk]), data)


def test_applying_a_scenario_sets_the_ticked_campaigns_budgets(client_for, business, editor, fb):
    running = CampaignFactory(
        business=business,
        name="Winter",
        start_date=END,
        end_date=END + datetime.timedelta(days=60),
        budget=D("300"),
    )
    other = CampaignFactory(
        business=business,
        name="Spring",
        start_date=END,
        end_date=END + datetime.timedelta(days=90),
        budget=D("100"),
    )
    untouched = CampaignFactory(
        business=business,
        name="Later",
        start_date=END,
        end_date=END + datetime.timedelta(days=90),
        budget=D("50"),
    )
    scenario = _scenario(business, fb, spend="900")
    response = _apply(client_for(editor), business, scenario, [running, other])
    assert response.status_code == 302
    running.refresh_from_db(), other.refresh_from_db(), untouched.refresh_from_db()
    assert (running.budget, other.budget, untouched.budget) == (D("675.00"), D("225.00"), D("50"))
    assert running.version == 1 and untouched.version == 0
    scenario.refresh_from_db()
    assert scenario.applied_at is not None
    (row,) = Activity.objects.filter(business=business, verb=Verb.PLAN)
    assert row.actor == editor and row.comment == "Scenario “More Facebook”"
    assert ["Budget of Winter", "300.00", "675.00"] in row.changes


def test_a_stale_apply_changes_nothing(client_for, business, editor, owner, fb):
    first = CampaignFactory(
        business=business, name="A", end_date=END + datetime.timedelta(days=9), budget=D("10")
    )
    second = CampaignFactory(
        business=business, name="B", end_date=END + datetime.timedelta(days=9), budget=D("10")
    )
    scenario = _scenario(business, fb)
    # The owner edits B after the editor opened the page (the editor's form has version 0).
    client_for(owner).post(
        reverse("campaign_edit", args=[business.pk, second.pk]),
        {
            "name": "B",
            "start_date": "2026-10-01",
            "end_date": "2026-12-08",
            "budget": "55",
            "seen_version": "0",
        },
    )
    response = _apply(
        client_for(editor), business, scenario, [first, second], versions={second.pk: 0}
    )
    assert response.status_code == 409
    assert "Someone changed “B”" in response.content.decode()
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.budget, second.budget) == (D("10"), D("55"))  # not half of it
    assert not Activity.objects.filter(verb=Verb.PLAN).exists()
    scenario.refresh_from_db()
    assert scenario.applied_at is None


def test_no_campaign_ticked_or_anothers_campaign_is_refused(
    client_for, business, editor, fb, other_business
):
    theirs = CampaignFactory(business=other_business, end_date=END + datetime.timedelta(days=9))
    scenario = _scenario(business, fb)
    client = client_for(editor)
    assert _apply(client, business, scenario, []).status_code == 400
    response = _apply(client, business, scenario, [theirs])
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.budget == D("1000.00")


def test_a_finished_campaign_cannot_take_a_scenarios_budget(client_for, business, editor, fb):
    over = CampaignFactory(business=business, end_date=END, budget=D("5"))  # ends before its weeks
    response = _apply(client_for(editor), business, _scenario(business, fb), [over])
    assert response.status_code == 400
    over.refresh_from_db()
    assert over.budget == D("5")


@pytest.mark.parametrize("campaigns", [2, 20])
def test_the_scenario_page_reads_a_fixed_number_of_queries(
    client_for, business, owner, fb, campaigns, django_assert_num_queries
):
    for _ in range(campaigns):
        CampaignFactory(business=business, end_date=END + datetime.timedelta(days=30))
    scenario = _scenario(business, fb)
    client = client_for(owner)
    url = reverse("scenario_detail", args=[business.pk, scenario.pk])
    client.get(url)
    # session, user, membership, scenario, platforms, weekly sums, campaigns, navbar
    with django_assert_num_queries(8):
        client.get(url)


def test_deleting_a_scenario(client_for, business, editor, fb):
    scenario = _scenario(business, fb)
    response = client_for(editor).post(reverse("scenario_delete", args=[business.pk, scenario.pk]))
    assert response.status_code == 302 and not Scenario.objects.exists()


def test_the_scenario_list(client_for, business, viewer, fb):
    _scenario(business, fb, name="Quiet winter")
    html = client_for(viewer).get(reverse("scenario_list", args=[business.pk])).content.decode()
    assert "Quiet winter" in html


def test_a_campaign_the_page_did_not_show_is_refused(client_for, business, editor, fb):
    scenario = _scenario(business, fb)
    late = CampaignFactory(business=business, end_date=END + datetime.timedelta(days=9))
    url = reverse("scenario_apply", args=[business.pk, scenario.pk])
    response = client_for(editor).post(url, {"campaigns": [late.pk]})  # no version seen
    assert response.status_code == 400
    assert "This page is out of date" in response.content.decode()
    late.refresh_from_db()
    assert late.budget == D("1000.00")
