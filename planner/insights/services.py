"""Writes of goals: version-checked, and a business keeps a bounded number of them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from planner import calendar_feed, rollups, services
from planner.insights.models import Goal, Scenario
from planner.kpis import money
from planner.teamwork.models import Activity, Verb

MAX_GOALS = 200  # per business, campaign goals included: the goal list is one page


@transaction.atomic
def goal_save(goal, seen_version=None):
    """Save a goal unless someone saved it first; a new one only while the business has fewer
    than MAX_GOALS (counted under the business's lock, so two saves cannot pass it)."""
    rollups.lock(goal.business_id)
    if goal.pk is None:
        goals = Goal.objects.filter(business_id=goal.business_id)
        if goals.count() >= MAX_GOALS:
            raise ValidationError(f"A business keeps at most {MAX_GOALS} goals: delete one first.")
        if goal.campaign_id and goals.filter(campaign_id=goal.campaign_id).exists():
            raise ValidationError("Someone gave this campaign a goal meanwhile: reload to edit it.")
    services.claim_version(goal, seen_version)
    goal.save()
    return goal


MAX_SCENARIOS = 100  # per business


@transaction.atomic
def scenario_save(scenario):
    """Save a new scenario while the business has fewer than MAX_SCENARIOS."""
    rollups.lock(scenario.business_id)
    if Scenario.objects.filter(business_id=scenario.business_id).count() >= MAX_SCENARIOS:
        raise ValidationError(
            f"A business keeps at most {MAX_SCENARIOS} scenarios: delete one first."
        )
    scenario.save()
    return scenario


def split_budget(total, campaigns):
    """{campaign id: new budget}: `total` shared in proportion to the campaigns' budgets now
    (equally if all are 0), in cents, the last taking what rounding left so they add up."""
    total = money(total)
    weights = [campaign.budget for campaign in campaigns]
    whole = sum(weights)
    if not whole:
        weights, whole = [Decimal(1)] * len(campaigns), Decimal(len(campaigns))
    shares, given = {}, Decimal(0)
    for campaign, weight in zip(campaigns[:-1], weights[:-1], strict=True):
        shares[campaign.pk] = money(total * weight / whole)
        given += shares[campaign.pk]
    shares[campaigns[-1].pk] = total - given
    return shares


@transaction.atomic
def scenario_apply(scenario, campaigns, seen_versions, *, by):
    """Make the scenario's paid media spend the chosen campaigns' paid budgets, all or none:
    each campaign only if it is still at the version its user saw (else EditConflict), and
    one activity row listing each budget's old and new value."""
    rollups.lock(scenario.business_id)
    campaigns = sorted(campaigns, key=lambda campaign: campaign.pk)
    shares = split_budget(scenario_paid_spend(scenario), campaigns)
    changes = []
    for campaign in campaigns:
        services.claim_version(campaign, seen_versions[campaign.pk])
        old, campaign.budget = campaign.budget, shares[campaign.pk]
        campaign.save(update_fields=["budget"])
        changes.append([f"Budget of {campaign.name}", f"{old:.2f}", f"{campaign.budget:.2f}"])
    scenario.applied_at = timezone.now()
    scenario.save(update_fields=["applied_at"])
    calendar_feed.forget_etag(scenario.business_id)
    Activity.objects.create(
        business_id=scenario.business_id,
        actor=by,
        actor_name=by.get_username(),
        verb=Verb.PLAN,
        comment=f"Scenario “{scenario.name}”",
        changes=changes,
    )
    return shares


def scenario_paid_spend(scenario):
    """The paid media spend of the scenario's weeks: the sum of its paid inputs."""
    return sum(
        (Decimal(value) for key, value in scenario.inputs.items() if key.startswith("smm:")),
        Decimal(0),
    )
