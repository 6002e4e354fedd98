"""The what-if planner and its saved scenarios."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner import services as core_services
from planner.access import get_for_business, member_required
from planner.insights import history, services, whatif
from planner.insights.models import Scenario
from planner.insights.whatif_forms import (
    ApplyForm,
    BaselineForm,
    InputsForm,
    field_name,
    future_days,
)
from planner.models import Campaign, Kind, Role
from planner.views.common import PAGE_SIZE, business_url, delete_page


def _plan(business, segments, end, weeks, inputs):
    """Everything the planner and a scenario's page show for a baseline (its `segments`) and
    the inputs."""
    rate = float(business.hourly_rate)
    projections = whatif.project(segments, inputs, rate)
    baseline = {
        kind: whatif.SideTotals(
            kind=kind,
            input=sum(s.baseline_input for s in segments if s.kind == kind),
            cost=sum(
                s.baseline_input * (rate if kind == Kind.SMO else 1) + s.other_cost
                for s in segments
                if s.kind == kind
            ),
            outcome=whatif.Outcome(
                clicks=sum(w.clicks for s in segments if s.kind == kind for w in s.weeks),
                conversions=sum(w.conversions for s in segments if s.kind == kind for w in s.weeks),
                value=sum(w.value for s in segments if s.kind == kind for w in s.weeks),
            ),
        )
        for kind in Kind.values
    }
    planned = {kind: whatif.side_totals(projections, kind) for kind in Kind.values}
    rows = [
        {
            "segment": p.segment,
            "projection": p,
            "field": field_name(p.segment.key),
            "baseline_clicks": sum(w.clicks for w in p.segment.weeks),
        }
        for p in projections.values()
    ]
    return {
        "segments": segments,
        "rows": rows,
        "baseline": baseline,
        "warnings": [p.warning for p in projections.values() if p.warning],
        "baseline_days": history.baseline_days(end, weeks),
        "future_days": future_days(end, weeks),
        "weeks": weeks,
        "resamples": whatif.RESAMPLES,
        "sides": [(kind, baseline[kind], planned[kind]) for kind in Kind.values],
        "total_baseline_cost": sum(side.cost for side in baseline.values()),
        "total_scenario_cost": sum(side.cost for side in planned.values()),
    }


@member_required()
def insights_whatif(request):
    """Move hours and money, see what the business's own history says they would bring.
    `?partial=1` answers only the projection (the page's script swaps it in as one types)."""
    today = timezone.localdate()
    data = request.GET if "weeks" in request.GET else None
    baseline_form = BaselineForm(data, today=today)
    end, weeks = baseline_form.chosen()
    segments = history.segments(request.business, end, weeks)
    inputs_form = InputsForm(data, segments=segments)
    inputs = inputs_form.inputs() if data is not None and inputs_form.is_valid() else {}
    context = {
        "baseline_form": baseline_form,
        "inputs_form": inputs_form,
        **_plan(request.business, segments, end, weeks, inputs),
        "rate": request.business.hourly_rate,
    }
    template = "insights/_whatif_result.html" if request.GET.get("partial") else None
    return render(request, template or "insights/whatif.html", context)


@member_required(Role.EDITOR)
@require_POST
def scenario_create(request):
    today = timezone.localdate()
    baseline_form = BaselineForm(request.POST, today=today)
    end, weeks = baseline_form.chosen()
    segments = history.segments(request.business, end, weeks)
    inputs_form = InputsForm(request.POST, segments=segments)
    if baseline_form.is_valid() and inputs_form.is_valid():
        if not inputs_form.cleaned_data["name"]:
            inputs_form.add_error("name", "Give the scenario a name to save it.")
        else:
            scenario = Scenario(
                business=request.business,
                name=inputs_form.cleaned_data["name"],
                baseline_end=end,
                baseline_weeks=weeks,
                inputs=inputs_form.stored(),
                created_by=request.user,
            )
            try:
                services.scenario_save(scenario)
            except ValidationError as error:
                inputs_form.add_error("name", error)
            else:
                messages.success(request, f"Scenario “{scenario.name}” saved.")
                return redirect(business_url(request, "scenario_detail", scenario.pk))
    context = {
        "baseline_form": baseline_form,
        "inputs_form": inputs_form,
        **_plan(request.business, segments, end, weeks, {}),
        "rate": request.business.hourly_rate,
    }
    return render(request, "insights/whatif.html", context, status=400)


@member_required()
def scenario_list(request):
    scenarios = Scenario.objects.for_business(request.business).select_related("created_by")
    page = Paginator(scenarios, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "insights/scenario_list.html", {"page": page})


def _applicable(business, scenario):
    """The campaigns a scenario can set the budgets of: those not over before its weeks."""
    first, _last = future_days(scenario.baseline_end, scenario.baseline_weeks)
    return (
        Campaign.objects.for_business(business)
        .filter(end_date__gte=first)
        .order_by("start_date", "name", "pk")[:PAGE_SIZE]
    )


def _scenario_page(request, scenario, form=None, status=200, error=None, ticked=()):
    inputs = {key: float(value) for key, value in scenario.inputs.items()}
    end, weeks = scenario.baseline_end, scenario.baseline_weeks
    segments = history.segments(request.business, end, weeks)
    campaigns = list(_applicable(request.business, scenario))
    if form is None and request.membership.can_edit:
        form = ApplyForm(campaigns=campaigns, initial={"campaigns": list(ticked)})
    context = {
        "scenario": scenario,
        **_plan(request.business, segments, end, weeks, inputs),
        "paid_spend": services.scenario_paid_spend(scenario),
        "apply_form": form,
        "apply_error": error,
        "campaigns": campaigns,
        "rate": request.business.hourly_rate,
    }
    return render(request, "insights/scenario_detail.html", context, status=status)


@member_required()
def scenario_detail(request, pk):
    scenario = get_for_business(Scenario.objects, request.business, pk=pk)
    return _scenario_page(request, scenario)


@member_required(Role.EDITOR)
@require_POST
def scenario_apply(request, pk):
    scenario = get_for_business(Scenario.objects, request.business, pk=pk)
    campaigns = list(_applicable(request.business, scenario))
    form = ApplyForm(request.POST, campaigns=campaigns)
    if form.is_valid():
        chosen = form.chosen()
        try:
            shares = services.scenario_apply(
                scenario, chosen, form.seen_versions(), by=request.user
            )
        except core_services.EditConflict as conflict:
            # Shown afresh (the campaigns read again, at their versions now), ticked as before.
            error = (
                f"Someone changed “{conflict.current}” since you opened this page. Nothing was "
                "saved: look at its budget now, then apply again."
            )
            chosen_ids = [campaign.pk for campaign in chosen]
            return _scenario_page(request, scenario, error=error, ticked=chosen_ids, status=409)
        names = ", ".join(f"{c.name} {shares[c.pk]:.2f}" for c in chosen)
        messages.success(request, f"Budgets set from “{scenario.name}”: {names}.")
        return redirect(business_url(request, "scenario_detail", scenario.pk))
    return _scenario_page(request, scenario, form=form, status=400)


@member_required(Role.EDITOR)
def scenario_delete(request, pk):
    scenario = get_for_business(Scenario.objects, request.business, pk=pk)
    back = business_url(request, "scenario_list")
    return delete_page(request, scenario, success_url=back, cancel_url=back)
