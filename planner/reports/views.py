from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner import exports, periods
from planner.access import get_for_business, member_required
from planner.models import Campaign, Role
from planner.reports import links, portfolio, schedules
from planner.reports.models import ReportLink, ReportSchedule, ReportSend
from planner.reports.report import read_report
from planner.views.common import business_url, delete_page

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


class LinkForm(forms.Form):
    label = forms.CharField(max_length=120, label="Who it is for", help_text="Only you see it.")
    days = forms.IntegerField(
        label="Expires after (days)",
        initial=links.DEFAULT_DAYS,
        min_value=1,
        max_value=links.MAX_DAYS,
    )


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


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ("name", "frequency", "recipients", "campaign", "summary")
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        self.fields["campaign"].empty_label = "All campaigns"
        self.fields["summary"].help_text = "On every report's cover and in the e-mail."

    def clean_recipients(self):
        addresses = [line.strip() for line in self.cleaned_data["recipients"].splitlines()]
        addresses = [address for address in addresses if address]
        if not addresses:
            raise forms.ValidationError("Enter at least one e-mail address.")
        if len(addresses) > schedules.MAX_RECIPIENTS:
            raise forms.ValidationError(
                f"At most {schedules.MAX_RECIPIENTS} addresses (one a line)."
            )
        wrong = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            raise forms.ValidationError(f"Not an e-mail address: {', '.join(wrong[:3])}.")
        return "\n".join(addresses)


MAX_SCHEDULES = 50
SENDS_SHOWN = 20


def _schedule_page(request, form=None, status=200):
    business = request.business
    context = {
        "schedules": ReportSchedule.objects.for_business(business).select_related("campaign"),
        "sends": ReportSend.objects.for_business(business).select_related("schedule")[:SENDS_SHOWN],
        "form": form or ScheduleForm(business=business),
    }
    return render(request, "reports/schedule_list.html", context, status=status)


@member_required(Role.OWNER)
def report_schedule_list(request):
    """The business's scheduled reports, their latest sends (a failed one says why), and the
    form to add one."""
    if request.method != "POST":
        return _schedule_page(request)
    form = ScheduleForm(request.POST, business=request.business)
    if form.is_valid():
        if ReportSchedule.objects.for_business(request.business).count() >= MAX_SCHEDULES:
            form.add_error(None, f"At most {MAX_SCHEDULES} scheduled reports: delete one first.")
        else:
            schedule = form.save(commit=False)
            schedule.business, schedule.created_by = request.business, request.user
            schedule.save()
            messages.success(request, f"“{schedule}” will be sent {schedule.frequency}.")
            return redirect(business_url(request, "report_schedule_list"))
    return _schedule_page(request, form=form, status=400)


@member_required(Role.OWNER)
def report_schedule_delete(request, pk):
    schedule = get_for_business(ReportSchedule.objects, request.business, pk=pk)
    back = business_url(request, "report_schedule_list")
    return delete_page(request, schedule, success_url=back, cancel_url=back)
