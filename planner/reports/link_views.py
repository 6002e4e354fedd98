"""Report links: the owner's page, revoking, and the report anyone with a link sees."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner.access import get_for_business, member_required
from planner.models import Role
from planner.reports import links
from planner.reports.forms import LinkForm
from planner.reports.models import ReportLink
from planner.reports.report import read_report
from planner.views.common import business_url


def _link_page(request, form=None, token=None, status=200):
    shown = ReportLink.objects.for_business(request.business).select_related("created_by")
    page = Paginator(shown, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form or LinkForm(),
        "new_address": token and request.build_absolute_uri(reverse("report_shared", args=[token])),
        "now": timezone.now(),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/link_list.html", context, status=status)


@member_required(Role.OWNER)
def report_link_list(request):
    """The business's report links; a new one (for the report of the query string) is shown
    once, on the page that answers its creation."""
    if request.method != "POST":
        return _link_page(request)
    form = LinkForm(request.POST)
    report_form, report = read_report(request.business, request.GET, timezone.localdate())
    if report_form.is_bound and not report_form.is_valid():
        form.add_error(None, "The report's period is not valid: correct it on the report.")
    elif form.is_valid() and links.live_count(request.business) >= links.MAX_LINKS:
        form.add_error(None, f"At most {links.MAX_LINKS} live links: revoke one first.")
    if not form.is_valid():
        return _link_page(request, form=form, status=400)
    _link, token = links.create(
        request.business,
        request.user,
        report,
        label=form.cleaned_data["label"],
        days=form.cleaned_data["days"],
    )
    return _link_page(request, token=token)


@member_required(Role.OWNER)
@require_POST
def report_link_revoke(request, pk):
    link = get_for_business(ReportLink.objects, request.business, pk=pk)
    links.revoke(link)
    messages.success(request, f"The link “{link}” no longer opens.")
    return redirect(business_url(request, "report_link_list"))


def report_shared(request, token):
    """The report behind a live link, for anyone who has it: no account, nothing else of the
    business (no navigation, no links into it)."""
    link = links.live_link(token)
    business = link.business
    with timezone.override(business.time_zone):
        _form, report = read_report(business, QueryDict(link.query), timezone.localdate())
        response = render(
            request,
            "reports/shared.html",
            {"report": report, "cur": business.currency, "link": link},
        )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
