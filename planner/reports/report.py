"""A report of a period (and optionally a campaign), for the report page and its PDF: the
dashboard's split and KPIs, charts drawn as SVG, pacing, the top posts and ads, the goals and
the owner's summary, read in a fixed number of queries (docs/domain.md, "Reports")."""

from dataclasses import dataclass

from django import forms

from planner.dashboard import Filters, dashboard_summary
from planner.forms import DashboardFilterForm
from planner.insights import forecasts
from planner.insights.selectors import dashboard_goals
from planner.models import Kind, Task
from planner.reports import charts
from planner.selectors import first_ids
from planner.templatetags.planner_tags import hours as shown_hours
from planner.templatetags.planner_tags import money as shown_money

TOP = 5
MAX_SUMMARY = 2000


class ReportForm(DashboardFilterForm):
    """The dashboard's period and campaign, and the summary the owner writes for the reader."""

    summary = forms.CharField(
        required=False,
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened and what comes next, in your words: on the cover.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["platform"]  # a report covers every platform


@dataclass
class Report:
    business: object
    board: object  # dashboard.Dashboard
    top: list  # [(kind, "clicks" | "engagements", heading, [Task])]
    goals: list
    summary: str
    charts: dict
    forecasts: list  # this month's, and the campaign's if it runs, when the period holds today

    @property
    def period(self):
        return self.board.filters.period

    @property
    def campaign(self):
        return self.board.filters.campaign


def _top(business, period, campaign):
    """The posts and ads whose work day is in the period, by their clicks and engagements
    (all their results): the ids of each list from a walk of an index that holds the work
    day (so no row is read to skip one), all four lists in one query, then their tasks."""
    tasks = Task.objects.for_business(business).filter(
        work_date__gte=period.start, work_date__lte=period.end
    )
    if campaign:
        tasks = tasks.filter(campaign=campaign)
    lists = [
        (kind, figure, f"total_{figure}")
        for kind in Kind.values
        for figure in ("clicks", "engagements")
    ]
    ids = first_ids(
        [
            tasks.filter(kind=kind, **{f"{column}__gt": 0}).order_by(f"-{column}", "-pk")[:TOP]
            for kind, _figure, column in lists
        ]
    )
    chosen = {pk for part in ids for pk in part}
    loaded = (
        Task.objects.select_related("platform")
        .only("title", "kind", "status", "platform", "total_clicks", "total_engagements")
        .in_bulk(chosen)
        if chosen
        else {}
    )
    return [
        (kind, figure, f"{'Posts' if kind == Kind.SMO else 'Ads'} by {figure}",
         [loaded[pk] for pk in part])
        for (kind, figure, _column), part in zip(lists, ids, strict=True)
    ]  # fmt: skip


def read_report(business, query, today):
    """(the form, the Report) for a query string's period, campaign and summary."""
    form = ReportForm(query or None, business=business)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    filters = Filters(
        business=business, period=form.chosen_period(today), campaign=data.get("campaign")
    )
    board = dashboard_summary(filters, today=today, lists=False)
    split, cur = board.split, business.currency
    series = board.series
    drawn = {
        "hours": charts.split_bar(
            "Hours spent", split.smo.hours, split.smm.hours,
            shown_hours(split.smo.hours), shown_hours(split.smm.hours),
        ),
        "cost": charts.split_bar(
            "Total cost", split.smo.total_cost, split.smm.total_cost,
            shown_money(split.smo.total_cost, cur), shown_money(split.smm.total_cost, cur),
        ),
        "over_time": charts.stacked_columns(
            "Total cost over time", series["labels"], series["cost"]["smo"],
            series["cost"]["smm"], unit=cur,
        ),
    }  # fmt: skip
    report = Report(
        business=business,
        board=board,
        top=_top(business, filters.period, filters.campaign),
        goals=dashboard_goals(business, filters.period, filters.campaign, today),
        summary=data.get("summary", ""),
        charts=drawn,
        forecasts=_forecasts(business, filters, today),
    )
    return form, report


def _forecasts(business, filters, today):
    """Where this month (or the report's campaign, if it runs today) ends up, when the report
    reaches today: a report of the past has nothing to forecast."""
    period = filters.period
    if not period.start <= today <= period.end:
        return []
    rates = forecasts.baseline_rates(business, today)
    campaign = filters.campaign
    if campaign:
        running = campaign.start_date <= today <= campaign.end_date
        return forecasts.campaign_forecasts(business, [campaign], today, rates) if running else []
    return [forecasts.month_forecast(business, today, rates)]
