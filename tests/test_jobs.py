"""The job layer: start, run, retry with backoff, fail with a reason, run twice safely, recover
a job whose worker died, and e-mail sent from a job."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from planner.jobs import services
from planner.jobs.models import Job, JobKind, JobStatus
from tests.jobs_support import flush_on_commit, work_queue

pytestmark = pytest.mark.django_db

CALLS = []


def succeeding(job, progress):
    CALLS.append(job.pk)
    progress.update(phase="Counting", total=10, done=4)
    assert Job.objects.get(pk=job.pk).done == 4  # written at once without a heartbeat thread
    return {"message": "All done."}


def refusing(job, progress):
    CALLS.append(job.pk)
    raise services.JobRefused("The file has 3 bad rows; nothing was saved.")


def crashing(job, progress):
    CALLS.append(job.pk)
    raise RuntimeError("connection reset by peer")


@pytest.fixture
def handler(monkeypatch):
    CALLS.clear()

    def use(function):
        monkeypatch.setitem(services.HANDLERS, JobKind.EXPORT, f"{__name__}.{function.__name__}")

    return use


def start(business=None, **kwargs):
    return services.start(JobKind.EXPORT, label="Test job", business=business, **kwargs)


def test_a_started_job_is_enqueued_on_commit_and_run_by_the_worker(handler, business, owner):
    handler(succeeding)
    job = start(business, user=owner)
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)
    assert not DBTaskResult.objects.exists()  # nothing is queued before the commit
    flush_on_commit()
    assert DBTaskResult.objects.count() == 1
    assert work_queue() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"message": "All done."}
    assert (job.done, job.total, job.percent, job.attempts) == (10, 10, 100, 1)
    assert job.started_at and job.finished_at and job.duration is not None
    assert [job.pk] == CALLS


def test_a_finished_job_is_not_run_again(handler, business):
    handler(succeeding)
    job = start(business)
    work_queue()
    assert services.execute(job.pk) is None  # delivered twice: the second does nothing
    services.enqueue(job.pk)
    work_queue()
    assert [job.pk] == CALLS


def test_a_running_job_with_a_live_worker_is_left_alone(handler, business):
    handler(succeeding)
    job = start(business)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now(), attempts=1
    )
    assert services.execute(job.pk) is None
    assert CALLS == []


def test_a_refusal_fails_at_once_with_its_reason(handler, business):
    handler(refusing)
    job = start(business, dedupe_key="x:1")
    work_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The file has 3 bad rows; nothing was saved."
    assert job.attempts == 1 and [job.pk] == CALLS
    assert job.dedupe_key is None  # asking again starts a new job
    assert start(business, dedupe_key="x:1").pk != job.pk


def test_an_unexpected_error_is_retried_with_backoff_then_fails(handler, business):
    handler(crashing)
    job = start(business)
    before = timezone.now()
    work_queue()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert job.run_after >= before + datetime.timedelta(seconds=services.RETRY_DELAYS[0])
    assert "RuntimeError: connection reset by peer" in job.error_detail
    retry = DBTaskResult.objects.ready()
    assert not retry.exists()  # deferred: not ready before run_after
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    for attempt in (2, 3):
        # Its backoff has passed (moved into the past rather than waited for).
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        work_queue()
        job.refresh_from_db()
        assert job.attempts == attempt
    assert job.status == JobStatus.FAILED
    assert "stopped with an unexpected error 3 times" in job.error
    assert "connection reset" not in job.error  # the user gets a reason, staff the detail
    assert job.max_attempts == 3
    assert len(CALLS) == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no fourth try


def test_the_same_dedupe_key_finds_the_same_job(handler, business):
    handler(succeeding)
    first = start(business, dedupe_key="report_import:1:7")
    second = start(business, dedupe_key="report_import:1:7")
    assert first.pk == second.pk
    assert Job.objects.count() == 1


def test_a_job_whose_worker_died_is_run_again(handler, business):
    handler(succeeding)
    job = start(business)
    flush_on_commit()
    DBTaskResult.objects.all().delete()  # the worker took it and was killed with -9
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - services.stale_after() - datetime.timedelta(seconds=1),
    )
    assert services.recover_stale() == 1
    work_queue()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert [job.pk] == CALLS


def test_recovery_leaves_live_and_finished_jobs_alone(handler, business):
    handler(succeeding)
    live = start(business)
    Job.objects.filter(pk=live.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    done = start(business)
    Job.objects.filter(pk=done.pk).update(status=JobStatus.SUCCEEDED)
    flush_on_commit()
    assert services.recover_stale() == 0


def test_a_job_never_picked_up_is_enqueued_again(handler, business):
    handler(succeeding)
    job = start(business)
    connection_lost = timezone.now() - datetime.timedelta(minutes=2)
    Job.objects.filter(pk=job.pk).update(created_at=connection_lost)
    from django.db import connection

    connection.run_on_commit.clear()  # the process died between the commit and the enqueue
    assert services.recover_stale() == 1
    work_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_a_job_that_ran_out_of_attempts_while_its_worker_died_fails(handler, business):
    handler(succeeding)
    job = start(business)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=3, heartbeat_at=timezone.now() - datetime.timedelta(1)
    )
    services.recover_stale()
    work_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and CALLS == []
    assert "3 times" in job.error


@override_settings(EMAIL_BACKEND="planner.jobs.mail.JobEmailBackend")
def test_mail_is_sent_by_a_job_and_not_kept(business):
    mail.send_mail("Reset your password", "Open https://x/reset/abc", "a@x.test", ["lena@x.test"])
    assert mail.outbox == []  # queued, not sent in the request
    job = Job.objects.get(kind=JobKind.EMAIL)
    assert job.business is None and "Reset your password" in job.label
    work_queue()
    assert [m.subject for m in mail.outbox] == ["Reset your password"]
    assert mail.outbox[0].to == ["lena@x.test"]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.payload == {}  # the reset link is not kept in the database
    services.enqueue(job.pk)
    work_queue()
    assert len(mail.outbox) == 1  # delivered twice, sent once


@override_settings(EMAIL_BACKEND="planner.jobs.mail.JobEmailBackend")
def test_password_reset_mail_goes_through_a_job(client, owner):
    owner.email = "owner@acme.test"
    owner.save()
    owner.emailaddress_set.update(email="owner@acme.test")
    response = client.post("/accounts/password/reset/", {"email": "owner@acme.test"})
    assert response.status_code == 302
    assert mail.outbox == []
    work_queue()
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_job_waiting_its_turn_is_not_enqueued_twice(handler, business):
    handler(succeeding)
    job = start(business)
    flush_on_commit()  # its message is in the queue
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.recover_stale() == 0
    assert DBTaskResult.objects.count() == 1


def test_a_retry_is_not_run_before_its_backoff_even_if_delivered_early(handler, business):
    handler(crashing)
    job = start(business)
    work_queue()  # attempt 1 fails: the retry waits 10 s
    for _ in range(3):  # polls, sweeps or a duplicate delivery bring it early
        services.enqueue(job.pk)
    work_queue()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert len(CALLS) == 1


def test_a_superseded_run_does_not_overwrite_how_the_job_ended(handler, business):
    handler(succeeding)
    job = start(business)
    claimed = services._claim(job.pk)
    # Meanwhile its heartbeat went quiet and another worker took the job over and finished it.
    Job.objects.filter(pk=job.pk).update(attempts=2, status=JobStatus.SUCCEEDED)
    services._finish(claimed, JobStatus.FAILED, error="late failure")
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")


def test_a_stale_job_is_enqueued_once_however_often_it_is_polled(handler, business):
    handler(succeeding)
    job = start(business)
    flush_on_commit()
    DBTaskResult.objects.all().delete()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - datetime.timedelta(1)
    )
    job.refresh_from_db()
    assert services.recover_if_stale(job) is True
    job.refresh_from_db()
    assert services.recover_if_stale(job) is False  # its new message waits in the queue
    assert services.recover_stale() == 0
    assert DBTaskResult.objects.count() == 1


def test_a_queue_that_is_down_does_not_fail_the_start(handler, business, monkeypatch):
    handler(succeeding)

    def queue_down(*args, **kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(services, "enqueue", queue_down)
    job = start(business)
    flush_on_commit()  # the callback's error is logged, not raised
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


@override_settings(
    EMAIL_BACKEND="planner.jobs.mail.JobEmailBackend",
    JOBS_EMAIL_BACKEND="tests.test_jobs.BrokenMailServer",
)
def test_an_e_mail_that_cannot_be_sent_keeps_trying_then_forgets_its_body(business):
    mail.send_mail("Reset your password", "https://x/reset/secret-token", "a@x.test", ["l@x.test"])
    job = Job.objects.get(kind=JobKind.EMAIL)
    assert job.max_attempts == 6  # rides out a mail server's outage of a few hours
    for _ in range(job.max_attempts):
        Job.objects.filter(pk=job.pk).update(run_after=None)
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        work_queue()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 6)
    assert job.payload == {}  # the reset link is not kept in the database
    assert "secret-token" not in job.error + job.error_detail


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server not answering")
