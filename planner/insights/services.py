"""Writes of goals: version-checked, and a business keeps a bounded number of them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from planner import rollups, services
from planner.insights.models import Goal

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
