"""Scheduled reports: which period a schedule sends next, starting each period's send once
(`manage.py send_reports`, run daily by cron or a scheduler), and the job that e-mails the PDF
(docs/domain.md, "Reports")."""

import datetime
import io
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from planner.jobs import services as jobs
from planner.jobs.models import JobKind, JobStatus
from planner.reports import pdf
from planner.reports.models import Frequency, ReportSchedule, ReportSend, SendStatus

MAX_RECIPIENTS = 10


def last_period(frequency, today):
    """(first day, last day) of the last whole week (Monday to Sunday) or calendar month
    before `today`."""
    if frequency == Frequency.WEEKLY:
        monday = today - datetime.timedelta(days=today.weekday())
        return monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1)
    first_of_this = today.replace(day=1)
    last = first_of_this - datetime.timedelta(days=1)
    return last.replace(day=1), last


def report_query(schedule, start, end):
    values = {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}
    if schedule.campaign_id:
        values["campaign"] = schedule.campaign_id
    if schedule.summary:
        values["summary"] = schedule.summary
    return urlencode(values)


def send_due(now=None):
    """Start the send of each schedule's last whole period that has none yet; returns how
    many were started. A period is sent once: its row is unique, so running twice (or two
    schedulers at once) starts nothing more."""
    now = now or timezone.now()
    started = 0
    for schedule in ReportSchedule.objects.select_related("business").iterator(chunk_size=500):
        zone = zoneinfo.ZoneInfo(schedule.business.time_zone)
        start, end = last_period(schedule.frequency, now.astimezone(zone).date())
        if end < schedule.created_at.astimezone(zone).date():
            continue  # the first send is of the first period that ends after it was made
        try:
            with transaction.atomic():
                send = ReportSend.objects.create(
                    schedule=schedule,
                    business=schedule.business,
                    period_start=start,
                    period_end=end,
                )
                send.job = jobs.start(
                    JobKind.REPORT_SEND,
                    label=f"Report “{schedule.name}” {start:%Y-%m-%d} → {end:%Y-%m-%d}"[:200],
                    business=schedule.business,
                    user=schedule.created_by,
                    payload={"send": send.pk},
                )
                send.save(update_fields=["job"])
        except IntegrityError:
            continue  # this period's send exists already
        started += 1
    return started


def send_report_job(job, progress):
    """E-mail one period's report, its PDF attached, to the schedule's addresses."""
    send = ReportSend.objects.select_related("schedule", "business").get(pk=job.payload["send"])
    if send.status == SendStatus.SENT:
        return {"sent_to": 0}  # an earlier run sent it and died before it was marked done
    schedule, business = send.schedule, send.business
    out = io.BytesIO()
    with timezone.override(business.time_zone):
        query = QueryDict(report_query(schedule, send.period_start, send.period_end))
        pdf.write_pdf(business, query, send.period_end, out)
    period = f"{send.period_start:%d %b %Y} – {send.period_end:%d %b %Y}"
    message = EmailMessage(
        subject=f"{business.name}: {schedule.name}, {period}",
        body=(
            f"The report “{schedule.name}” of {business.name} for {period} is attached as a "
            f"PDF.\n\n{schedule.summary}".rstrip()
        ),
        to=schedule.addresses,
        connection=get_connection(settings.JOBS_EMAIL_BACKEND),
    )
    message.attach(
        f"report-{send.period_start:%Y-%m-%d}-{send.period_end:%Y-%m-%d}.pdf",
        out.getvalue(),
        "application/pdf",
    )
    message.send()
    ReportSend.objects.filter(pk=send.pk).update(
        status=SendStatus.SENT, sent_at=timezone.now(), error=""
    )
    return {"sent_to": len(schedule.addresses)}


def job_finished(job):
    """A send whose job gave up is marked failed, with the reason, for its owners to see."""
    if job.status != JobStatus.FAILED:
        return
    ReportSend.objects.filter(job=job).exclude(status=SendStatus.SENT).update(
        status=SendStatus.FAILED, error=(job.error_detail or job.error)[:2000]
    )
