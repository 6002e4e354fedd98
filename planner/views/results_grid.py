"""The results grid: a task's days × figures, edited in place and saved together (a block
pasted from a spreadsheet fills it: static/js/results_grid.js). All or nothing: the rows go
through the same upsert as the API's bulk results (planner/api/bulk.py: each row checked by
the result form's rules, the days written at once and the rollups moved by the difference),
and a refused save shows each bad row's errors in that row."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from planner.access import member_required
from planner.ad_reports import FIGURES
from planner.api import bulk
from planner.models import Kind, ResultEntry, Role, plannable_date
from planner.views.common import business_url
from planner.views.tasks import find_task

MAX_DAYS = 120  # a season on one screen; a 90-day flight fits
DEFAULT_DAYS = 14
LABELS = {
    "impressions": "Impressions",
    "reach": "Reach",
    "engagements": "Engagements",
    "clicks": "Clicks",
    "conversions": "Conversions",
    "conversion_value": "Conversion value",
    "spend": "Spend",
}


def _window(request, task, today):
    """(first day, number of days): as asked (`start`, `days`), else the ad's flight (up to
    MAX_DAYS) or the last DEFAULT_DAYS days."""
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
        plannable_date(start)
    except (ValueError, ValidationError):
        start = None
    try:
        days = min(max(int(request.GET.get("days", "")), 1), MAX_DAYS)
    except ValueError:
        days = None
    if start is None and task.kind == Kind.SMM and task.flight_start:
        start = task.flight_start
        days = days or min(((task.flight_end or today) - start).days + 1, MAX_DAYS)
    days = max(days or DEFAULT_DAYS, 1)
    if start is None:
        start = today - datetime.timedelta(days=days - 1)
    return start, days


# 1,234 or 1 234 (and 1,234.50): thousands as spreadsheets and people write them. Anything
# else is left for the field to read (and refuse: "1,5" is not taken for 15).
GROUPED = re.compile(r"^\d{1,3}(?:([, ])\d{3})(?:\1\d{3})*(?:\.\d+)?$")


def typed(value):
    value = value.strip()
    return value.replace(",", "").replace(" ", "") if GROUPED.match(value) else value


def _row_messages(error):
    """A refused row's errors as lines: "Clicks: …", or the message alone for the row."""
    lines = []
    for name, found in error.items():
        if name == "row":
            continue
        label = LABELS.get(name, "" if name == "non_field_errors" else name.capitalize())
        lines += [f"{label}: {message}" if label else message for message in found]
    return lines


def _figures(task):
    return [name for name in FIGURES if task.kind == Kind.SMM or name != "spend"]


@member_required(Role.EDITOR)
def results_grid(request, pk):
    task = find_task(request, pk)
    start, days = _window(request, task, timezone.localdate())
    dates = [start + datetime.timedelta(days=n) for n in range(days)]
    figures = _figures(task)
    saved = {
        row["date"]: row
        for row in ResultEntry.objects.filter(task=task, date__range=(dates[0], dates[-1]))
        .values("date", *figures)
        .order_by()
    }
    errors = {}
    if request.method == "POST":
        rows, row_dates = [], []
        for day in dates:
            values = {name: typed(request.POST.get(f"{day}-{name}", "")) for name in figures}
            if not any(values.values()):
                continue  # a day left blank is not saved (one saved before stays as it was)
            rows.append({"task": task.pk, "date": day.isoformat(),
                         **{name: value or "0" for name, value in values.items()}})  # fmt: skip
            row_dates.append(day)
        if not rows:
            errors[None] = ["Type or paste the figures of at least one day."]
        else:
            try:
                result = bulk.upsert_results(request.business, rows, request.user)
            except bulk.Refused as refused:
                for error in refused.errors:
                    row = error.get("row")
                    errors[None if row is None else row_dates[row]] = _row_messages(error)
            else:
                messages.success(
                    request,
                    f"Saved {result['rows']} day(s) of results ({result['added']} added, "
                    f"{result['replaced']} changed).",
                )
                return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#results")
    grid = []
    for day in dates:
        posted = {name: request.POST.get(f"{day}-{name}", "") for name in figures}
        row = saved.get(day)
        values = posted if request.method == "POST" else {
            name: ("" if row is None else row[name]) for name in figures
        }  # fmt: skip
        grid.append({"date": day, "values": [(name, values[name]) for name in figures],
                     "saved": row is not None, "errors": errors.get(day, [])})  # fmt: skip
    return render(
        request,
        "tasks/results_grid.html",
        {
            "task": task,
            "grid": grid,
            "figures": [(name, LABELS[name]) for name in figures],
            "start": start,
            "days": days,
            "max_days": MAX_DAYS,
            "form_errors": errors.get(None, []),
            "earlier": start - datetime.timedelta(days=days),
            "later": start + datetime.timedelta(days=days),
        },
        status=400 if errors else 200,
    )
