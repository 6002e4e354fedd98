from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from planner.access import get_for_business, member_required
from planner.forms import CampaignForm
from planner.insights.models import Goal
from planner.insights.selectors import GoalView
from planner.models import Campaign, Kind, Role, Task
from planner.selectors import (
    campaign_figures,
    campaign_pacing,
    split_from_rollups,
    task_counts,
)
from planner.views.common import PAGE_SIZE, business_url, delete_with_tasks_page, form_page

RECENT_TASKS = 10


@member_required()
def campaign_list(request):
    campaigns = Campaign.objects.for_business(request.business).order_by(
        "-start_date", "name", "pk"
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [campaign.pk for campaign in page]
    counts = task_counts(request.business, "campaign_id", campaign_id__in=shown)
    figures = campaign_figures(request.business, list(page), timezone.localdate())
    for campaign in page:
        found = counts.get(campaign.pk, {})
        campaign.smo_count, campaign.smm_count = found.get(Kind.SMO, 0), found.get(Kind.SMM, 0)
        campaign.split = figures[campaign.pk]["split"]
        campaign.pacing = figures[campaign.pk]["pacing"]
    return render(request, "campaigns/campaign_list.html", {"page": page})


@member_required()
def campaign_detail(request, pk):
    campaign = get_for_business(Campaign.objects, request.business, pk=pk)
    tasks = Task.objects.for_business(request.business).filter(campaign=campaign)
    recent = tasks.select_related("platform").order_by("-created_at", "-pk")
    counts = task_counts(request.business, "campaign_id", campaign=campaign).get(
        campaign.pk, dict.fromkeys(Kind.values, 0)
    )
    split = split_from_rollups(request.business, campaign=campaign)
    goal = Goal.objects.filter(business=request.business, campaign=campaign).first()
    if goal:
        goal.campaign = campaign
    # The newest few of each kind; the full lists are the task lists filtered to this campaign.
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "counts": counts,
            "smo_tasks": recent.filter(kind=Kind.SMO)[:RECENT_TASKS],
            "smm_tasks": recent.filter(kind=Kind.SMM)[:RECENT_TASKS],
            "split": split,
            # The goal is measured on the same totals as the page shows: no second sum.
            "goal": goal and GoalView(goal, split, timezone.localdate()),
            "pacing": campaign_pacing(campaign, timezone.localdate()),
        },
    )


@member_required(Role.EDITOR)
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    form.instance.business = request.business
    return form_page(
        request,
        form,
        title="New campaign",
        success_url=business_url(request, "campaign_list"),
        message="Campaign created.",
    )


@member_required(Role.EDITOR)
def campaign_edit(request, pk):
    campaign = get_for_business(Campaign.objects, request.business, pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    return form_page(
        request,
        form,
        title=f"Edit {campaign}",
        success_url=business_url(request, "campaign_detail", campaign.pk),
        message="Campaign saved.",
    )


@member_required(Role.EDITOR)
def campaign_delete(request, pk):
    campaign = get_for_business(Campaign.objects, request.business, pk=pk)
    return delete_with_tasks_page(
        request,
        campaign,
        field="campaign",
        targets=Campaign.objects.for_business(request.business).exclude(pk=campaign.pk),
        allow_none=True,
        success_url=business_url(request, "campaign_list"),
        cancel_url=business_url(request, "campaign_detail", campaign.pk),
    )
