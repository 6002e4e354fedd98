"""Scheduled reports: the owner's page of schedules and sends, adding and deleting."""

from django.contrib import messages
from django.shortcuts import redirect, render

from planner.access import get_for_business, member_required
from planner.models import Role
from planner.reports.forms import ScheduleForm
from planner.reports.models import ReportSchedule, ReportSend
from planner.views.common import business_url, delete_page

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
