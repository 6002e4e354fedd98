from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from planner import periods
from planner.reports import portfolio

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
