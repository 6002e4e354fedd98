from django.core.paginator import Paginator
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from planner.access import get_for_business, member_required
from planner.insights import best_times, services
from planner.insights.forecasts import (
    BASELINE_DAYS,
    baseline_rates,
    campaign_forecasts,
    month_forecast,
    running_campaigns,
)
from planner.insights.forms import CampaignGoalForm, GoalForm
from planner.insights.models import Goal
from planner.insights.selectors import with_progress
from planner.models import Campaign, Platform, Role
from planner.views.common import PAGE_SIZE, business_url, delete_page, form_page, query_id


@member_required()
def goal_list(request):
    # A campaign's goal ends when its campaign does.
    goals = (
        Goal.objects.for_business(request.business)
        .select_related("campaign")
        .order_by(Coalesce("end_date", "campaign__end_date").desc(), "-pk")
    )
    page = Paginator(goals, PAGE_SIZE).get_page(request.GET.get("page"))
    views = with_progress(request.business, page, timezone.localdate())
    return render(request, "insights/goal_list.html", {"page": page, "goals": views})


@member_required(Role.EDITOR)
def goal_create(request):
    form = GoalForm(request.POST or None)
    form.instance.business = request.business
    return form_page(
        request,
        form,
        title="New goal for a period",
        success_url=business_url(request, "goal_list"),
        message="Goal saved.",
        save=services.goal_save,
    )


@member_required(Role.EDITOR)
def goal_edit(request, pk):
    goal = get_for_business(Goal.objects.select_related("campaign"), request.business, pk=pk)
    if goal.campaign_id:
        form = CampaignGoalForm(request.POST or None, instance=goal)
        back = business_url(request, "campaign_detail", goal.campaign_id)
    else:
        form = GoalForm(request.POST or None, instance=goal)
        back = business_url(request, "goal_list")
    return form_page(
        request,
        form,
        title=f"Edit {goal}",
        success_url=back,
        message="Goal saved.",
        save=services.goal_save,
    )


@member_required(Role.EDITOR)
def campaign_goal(request, pk):
    """Set a campaign's goal: the form of its goal if it has one, else of a new one."""
    campaign = get_for_business(Campaign.objects, request.business, pk=pk)
    goal = Goal.objects.filter(campaign=campaign).first() or Goal(
        business=request.business, campaign=campaign
    )
    form = CampaignGoalForm(request.POST or None, instance=goal)
    return form_page(
        request,
        form,
        title=f"Goals of {campaign}",
        success_url=business_url(request, "campaign_detail", campaign.pk),
        message="Goal saved.",
        save=services.goal_save,
    )


@member_required(Role.EDITOR)
def goal_delete(request, pk):
    goal = get_for_business(Goal.objects.select_related("campaign"), request.business, pk=pk)
    back = business_url(request, "goal_list")
    return delete_page(request, goal, success_url=back, cancel_url=back)


@member_required()
def insights_forecast(request):
    """This month and the running campaigns: where each ends up, as a range."""
    today = timezone.localdate()
    business = request.business
    rates = baseline_rates(business, today)
    campaigns = running_campaigns(business, today).order_by("end_date", "pk")
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "month": month_forecast(business, today, rates),
        "campaigns": campaign_forecasts(business, page, today, rates),
        "page": page,
        "today": today,
        "baseline_days": BASELINE_DAYS,
    }
    return render(request, "insights/forecast.html", context)


def _platform(request):
    """The platform asked for by ?platform=, else the business's first (None if none)."""
    platforms = Platform.objects.for_business(request.business).order_by("kind", "handle", "pk")
    chosen = request.GET.get("platform")
    if chosen:
        return get_for_business(Platform.objects, request.business, pk=query_id(chosen)), platforms
    return platforms.first(), platforms


@member_required()
def insights_times(request):
    """Per platform, the weekday × hour heat maps of clicks and engagements per post."""
    platform, platforms = _platform(request)
    found = best_times.cells(request.business, platform, timezone.now()) if platform else {}
    context = {
        "platform": platform,
        "platforms": platforms,
        "clicks": best_times.grid(found, "clicks_per_post"),
        "engagements": best_times.grid(found, "engagements_per_post"),
        "posts": sum(cell.posts for cell in found.values()),
        "best": best_times.ranked(found)[:3],
        "hours": range(24),
        "min_posts": best_times.MIN_POSTS,
        "window_days": best_times.WINDOW_DAYS,
        "max_posts": best_times.MAX_POSTS,
    }
    return render(request, "insights/times.html", context)


@member_required(Role.EDITOR)
def best_time(request):
    """The platform's best free time ahead, for the post form's and the composer's "Best
    time" button: JSON {"value": "2026-12-07T09:00", "label": …}, as next_slot answers."""
    platform = get_for_business(
        Platform.objects, request.business, pk=query_id(request.GET.get("platform"))
    )
    now = timezone.now()
    cells = best_times.cells(request.business, platform, now)
    if not best_times.ranked(cells):
        return JsonResponse(
            {
                "value": "",
                "label": f"{platform} has too few published posts for a best time yet "
                f"(at least {best_times.MIN_POSTS} at one weekday and hour).",
            }
        )
    found = best_times.best_free_time(request.business, platform, now, cells)
    if found is None:
        return JsonResponse(
            {
                "value": "",
                "label": f"Every hour of {platform}'s best times in the next "
                f"{best_times.SUGGEST_DAYS} days has a post already.",
            }
        )
    cell, moment = found
    local = timezone.localtime(moment)
    label = (
        f"{local:%a %d %b %H:%M}: {cell.clicks_per_post:.1f} clicks and "
        f"{cell.engagements_per_post:.1f} engagements per post ({cell.posts} posts)"
    )
    return JsonResponse({"value": f"{local:%Y-%m-%dT%H:%M}", "label": label})
