import csv
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from planner.access import member_required
from planner.dashboard import SUMMARY_COLUMNS as CSV_COLUMNS
from planner.dashboard import read_dashboard
from planner.exports import safe_cell
from planner.forms.filters import WAITING_FOR_ME
from planner.insights.selectors import dashboard_goals
from planner.kpis import money
from planner.teamwork.review import ApprovalMode


def _dashboard(request, lists=True):
    # The business's time zone is active (member_required): today is its day.
    return read_dashboard(request.business, request.GET, timezone.localdate(), lists=lists)


def _list_filters(board):
    """The dashboard's campaign and platform, as the task lists' query string takes them."""
    filters = {}
    if board.filters.campaign:
        filters["campaign"] = board.filters.campaign.pk
    if board.filters.platform:
        filters["platform"] = board.filters.platform.pk
    return filters


def _pipeline(request, board):
    """Counts by status, each linking to the task list filtered the same way."""
    filters = _list_filters(board)
    rows = []
    for kind, statuses in board.pipeline.items():
        base = reverse(f"{kind}_list", args=[request.business.pk])
        rows.append(
            (
                kind,
                [
                    (value, label, count, f"{base}?{urlencode({**filters, 'status': value})}")
                    for value, label, count in statuses
                ],
            )
        )
    return rows


def _review(request, board):
    """Counts by review state per kind, each linking to the list filtered by it, and "waiting
    for me" for approvers (its list counts it). None when review is off."""
    if request.business.approval_mode == ApprovalMode.OFF:
        return None
    filters = _list_filters(board)
    rows = []
    for kind, states in board.review.items():
        base = reverse(f"{kind}_list", args=[request.business.pk])
        rows.append(
            (
                kind,
                [
                    (value, label, count, f"{base}?{urlencode({**filters, 'review': value})}")
                    for value, label, count in states
                ],
                f"{base}?{urlencode({**filters, 'review': WAITING_FOR_ME})}"
                if request.membership.is_approver
                else None,
            )
        )
    return rows


@member_required()
def dashboard(request):
    form, board = _dashboard(request)
    series = board.series
    series_rows = zip(
        series["labels"],
        series["hours"]["smo"],
        series["hours"]["smm"],
        series["cost"]["smo"],
        series["cost"]["smm"],
        strict=True,
    )
    context = {
        "form": form,
        "board": board,
        "split": board.split,
        "charts": board.chart_data(),
        "series_rows": list(series_rows),
        "pipeline": _pipeline(request, board),
        "review": _review(request, board),
        "goals": dashboard_goals(
            request.business, board.filters.period, board.filters.campaign, timezone.localdate()
        ),
        "query": request.GET.urlencode(),
    }
    return render(
        request, "dashboard.html", context, status=400 if form.is_bound and form.errors else 200
    )


@member_required()
def dashboard_csv(request):
    """The dashboard's numbers as CSV: one row per platform × kind, then a total row."""
    _form, board = _dashboard(request, lists=False)  # the file has no due or overdue lists
    period = board.filters.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        ["period start", "period end", "platform", "kind", "currency"]
        + [title for _name, title in CSV_COLUMNS]
    )
    currency = request.business.currency

    def line(platform, kind, totals):
        # `totals` is a KindTotals, or the Split for the total row (the sum of both kinds).
        values = []
        for name, _title in CSV_COLUMNS:
            value = getattr(totals, name)
            if isinstance(value, Decimal):
                value = money(value)  # plain decimals with two places, in the currency
            values.append("" if value is None else value)
        return [
            period.start.isoformat(),
            period.end.isoformat(),
            safe_cell(platform),
            kind,
            currency,
            *values,
        ]

    for row in board.platform_rows:
        writer.writerow(line(row.label, row.kind, row.totals))
    writer.writerow(line("all platforms", "total", board.split))
    return response
