"""Scheduled reports: the period each sends, sent once per period however often the command
runs, the e-mail with its PDF, a failed send retried then shown to the owner, and the page."""

import datetime
import io

import pypdf
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from planner.jobs.models import Job, JobStatus
from planner.reports import schedules
from planner.reports.models import ReportSchedule, ReportSend, SendStatus
from tests.factories import PlatformFactory, ResultEntryFactory, SmmTaskFactory
from tests.jobs_support import work_queue

MONDAY = datetime.datetime(2026, 11, 23, 6, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "frequency, today, period",
    [
        ("weekly", datetime.date(2026, 11, 23), ("2026-11-16", "2026-11-22")),  # a Monday
        ("weekly", datetime.date(2026, 11, 29), ("2026-11-16", "2026-11-22")),  # a Sunday
        ("monthly", datetime.date(2026, 12, 1), ("2026-11-01", "2026-11-30")),
        ("monthly", datetime.date(2027, 3, 15), ("2027-02-01", "2027-02-28")),
        ("monthly", datetime.date(2027, 1, 1), ("2026-12-01", "2026-12-31")),
    ],
)
def test_the_period_sent_is_the_last_whole_one(frequency, today, period):
    start, end = schedules.last_period(frequency, today)
    assert (start.isoformat(), end.isoformat()) == period


@pytest.fixture
def schedule(business, owner):
    ad = SmmTaskFactory(business=business, platform=PlatformFactory(business=business))
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 18), clicks=300, spend="150")
    made = ReportSchedule.objects.create(
        business=business, name="Weekly board", frequency="weekly",
        recipients="boss@example.com\nclient@example.com", summary="Steady week.",
        created_by=owner,
    )  # fmt: skip
    ReportSchedule.objects.filter(pk=made.pk).update(
        created_at=datetime.datetime(2026, 11, 10, tzinfo=datetime.UTC)
    )
    made.refresh_from_db()
    return made


def test_each_period_is_sent_once_however_often_the_command_runs(schedule):
    assert schedules.send_due(MONDAY) == 1
    assert schedules.send_due(MONDAY) == 0
    assert schedules.send_due(MONDAY + datetime.timedelta(hours=5)) == 0
    (send,) = ReportSend.objects.all()
    assert (send.period_start, send.period_end) == (
        datetime.date(2026, 11, 16),
        datetime.date(2026, 11, 22),
    )
    assert Job.objects.count() == 1
    work_queue()
    assert len(mail.outbox) == 1
    send.refresh_from_db()
    assert send.status == SendStatus.SENT and send.sent_at is not None
    # A week later, the next week.
    assert schedules.send_due(MONDAY + datetime.timedelta(days=7)) == 1


def test_the_email_carries_the_pdf(schedule):
    schedules.send_due(MONDAY)
    work_queue()
    (message,) = mail.outbox
    assert message.to == ["boss@example.com", "client@example.com"]
    assert message.subject == "Acme Roasters: Weekly board, 16 Nov 2026 – 22 Nov 2026"
    (name, content, kind) = message.attachments[0]
    assert name == "report-2026-11-16-2026-11-22.pdf" and kind == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Acme Roasters" in text and "16 Nov 2026" in text and "$150.00" in text
    assert "Steady week." in text


def test_no_send_for_a_period_over_before_the_schedule_was_made(schedule):
    ReportSchedule.objects.filter(pk=schedule.pk).update(
        created_at=datetime.datetime(2026, 11, 23, 5, tzinfo=datetime.UTC)
    )
    assert schedules.send_due(MONDAY) == 0


def test_the_command_runs_it(schedule, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY)
    out = io.StringIO()
    call_command("send_reports", stdout=out)
    assert out.getvalue().strip() == "1 report(s) to send."


def test_a_failing_send_is_retried_then_shown_to_the_owner(
    client_for, business, owner, schedule, monkeypatch
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    schedules.send_due(MONDAY)
    job = Job.objects.get()
    for _attempt in range(job.max_attempts):
        # Each backoff has passed (moved into the past rather than waited for).
        Job.objects.filter(pk=job.pk).update(run_after=None)
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        work_queue()
        job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == job.max_attempts
    send = ReportSend.objects.get()
    assert send.status == SendStatus.FAILED and "mail server is down" in send.error
    html = client_for(owner).get(reverse("report_schedule_list", args=[business.pk])).content
    assert "mail server is down" in html.decode() and "Failed" in html.decode()
    assert not mail.outbox


def _data(**changes):
    return {
        "name": "Monthly",
        "frequency": "monthly",
        "recipients": "a@example.com\n b@example.com ",
        "campaign": "",
        "summary": "",
        **changes,
    }


def test_an_owner_schedules_a_report(client_for, business, owner):
    url = reverse("report_schedule_list", args=[business.pk])
    assert client_for(owner).post(url, _data()).status_code == 302
    made = ReportSchedule.objects.get()
    assert made.addresses == ["a@example.com", "b@example.com"] and made.business == business


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"recipients": "not-an-address"}, "Not an e-mail address: not-an-address."),
        ({"recipients": "\n".join(f"p{n}@example.com" for n in range(11))}, "At most 10"),
        ({"recipients": "  "}, "This field is required."),
        ({"frequency": "daily"}, "Select a valid choice."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_input_schedules_nothing(client_for, business, owner, changes, message):
    url = reverse("report_schedule_list", args=[business.pk])
    response = client_for(owner).post(url, _data(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReportSchedule.objects.exists()


def test_only_owners_schedule(client_for, business, editor, viewer, outsider):
    url = reverse("report_schedule_list", args=[business.pk])
    for user, status in ((editor, 403), (viewer, 403), (outsider, 404)):
        assert client_for(user).post(url, _data()).status_code == status
    assert not ReportSchedule.objects.exists()
