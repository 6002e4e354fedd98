from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner import exports, periods
from planner.access import member_required
from planner.reports import portfolio
from planner.reports.report import read_report
from planner.views.common import business_url

PAGE_SIZE = 100


@login_required
def portfolio_page(request):
    """Every business the user belongs to, side by side for a period, each in its own
    currency."""
    preset = request.GET.get("period")
    preset = preset if preset in portfolio.PRESETS else periods.DEFAULT_PRESET
    sort = request.GET.get("sort", "name")
    rows = portfolio.sorted_rows(portfolio.rows_for(request.user, preset), sort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": page.object_list,
        "preset": preset,
        "presets": [(value, periods.PRESETS[value]) for value in portfolio.PRESETS],
        "sort": sort if sort.lstrip("-") in portfolio.SORTS else "name",
    }
    return render(request, "reports/portfolio.html", context)


@member_required()
def report_page(request):
    """A report of a period and optionally a campaign, as a page (and, from it, a PDF)."""
    form, report = read_report(request.business, request.GET, timezone.localdate())
    context = {"form": form, "report": report, "query": request.GET.urlencode()}
    return render(request, "reports/report.html", context)


@member_required()
@require_POST
def report_pdf(request):
    """Start the PDF of the report the query string describes, in a job; go to its page."""
    form, _report = read_report(request.business, request.GET, timezone.localdate())
    if form.is_bound and not form.is_valid():
        messages.error(request, "Correct the report's period first.")
        return redirect(business_url(request, "report_page") + "?" + request.GET.urlencode())
    query = request.GET.urlencode()
    payload = {
        "what": "report",
        "query": query,
        "today": timezone.localdate().isoformat(),
        "key": f"report:{query}",
    }
    job = exports.start_export(request.business, request.user, payload, "Report PDF")
    return redirect(business_url(request, "job_detail", job.pk))
