"""Starting, running and recovering jobs.

`start()` records a Job and enqueues "run job N" once the transaction commits. `execute()` is
what a worker runs: it claims the job, calls the handler for its kind with a `Progress`, and
records how it ended. Every handler must be safe to run twice: a job is re-run after a retry,
after its worker died (`recover_stale()`), or when the queue delivered it twice.

A handler raises `JobRefused` for a failure that trying again cannot fix (a report with bad
rows): the job fails at once with that message. Anything else is retried with backoff, up to
the job's `max_attempts`, and then fails with a reason the user can read.
"""

import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from planner.jobs import files
from planner.jobs.models import Job, JobKind, JobStatus

logger = logging.getLogger(__name__)

# kind -> "module.function(job, progress)"; imported when first run, so this module stays free
# of the areas' imports (and their imports of it).
HANDLERS = {
    JobKind.REPORT_IMPORT: "planner.imports.run_import_job",
    JobKind.BUSINESS_IMPORT: "planner.portability.run_import_job",
    JobKind.EXPORT: "planner.exports.run_export_job",
    JobKind.EMAIL: "planner.jobs.mail.send_email_job",
    JobKind.WEBHOOK: "planner.webhooks.services.deliver_job",
    JobKind.REPORT_SEND: "planner.reports.schedules.send_report_job",
}
RETRY_DELAYS = (10, 60, 300, 1800, 7200)  # seconds before the 2nd, 3rd, … attempt
# Attempts by kind: e-mail rides out a mail server's outage of a few hours; the rest fail soon
# with their reason, since the user is waiting for them.
MAX_ATTEMPTS = {JobKind.EMAIL: 6, JobKind.WEBHOOK: 6, JobKind.REPORT_SEND: 4}
DEFAULT_MAX_ATTEMPTS = 3
CLOCK_SKEW = datetime.timedelta(seconds=2)  # between the machine that set run_after and this one
# Payload keys that must not outlive the job (a password-reset link in an e-mail's body).
SECRET_PAYLOADS = {JobKind.EMAIL}


class JobRefused(Exception):
    """The job cannot succeed as asked; the message is shown to the user as the reason."""


def heartbeat_seconds():
    return getattr(settings, "JOBS_HEARTBEAT_SECONDS", 5)


def stale_after():
    """A running job whose heartbeat is older than this has lost its worker."""
    return datetime.timedelta(seconds=getattr(settings, "JOBS_STALE_SECONDS", 60))


def start(kind, *, label, business=None, user=None, payload=None, dedupe_key=None, total=0):
    """Record a job and enqueue it when the current transaction commits.

    With a `dedupe_key`, a second start finds the first job instead of making another.
    """
    with transaction.atomic():
        if dedupe_key:
            job, created = Job.objects.get_or_create(
                dedupe_key=dedupe_key,
                defaults={
                    "kind": kind,
                    "label": label[:200],
                    "business": business,
                    "started_by": user,
                    "payload": payload or {},
                    "total": total,
                    "max_attempts": MAX_ATTEMPTS.get(kind, DEFAULT_MAX_ATTEMPTS),
                },
            )
            if not created:
                return job
        else:
            job = Job.objects.create(
                kind=kind,
                label=label[:200],
                business=business,
                started_by=user,
                payload=payload or {},
                total=total,
                max_attempts=MAX_ATTEMPTS.get(kind, DEFAULT_MAX_ATTEMPTS),
            )
        # robust: a queue that is down must not fail the request whose job is already saved;
        # recover_stale() enqueues it once the queue answers again.
        transaction.on_commit(lambda: enqueue(job.pk), robust=True)
    return job


def enqueue(job_id, run_after=None):
    """Put "run job N" on the queue (now, or at `run_after`) and note its id on the job."""
    from planner.jobs.tasks import run_job

    task = run_job if run_after is None else run_job.using(run_after=run_after)
    result = task.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


def _waiting_in_queue(task_id):
    """True while the queue still holds the job's message (waiting or being worked on)."""
    from django_tasks import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    from planner.jobs.tasks import run_job

    if not task_id:
        return False
    try:
        status = run_job.get_result(task_id).status
    except TaskResultDoesNotExist:
        return False
    # Only a message no worker has taken yet: one a worker took and died with stays RUNNING.
    return status == TaskResultStatus.READY


class Progress:
    """What a handler reports as it goes: a phase, rows done of total.

    With a heartbeat interval set (the workers), a thread writes the latest figures and a
    heartbeat every few seconds on its own database connection, so they are seen while the
    handler is inside a long transaction; without one (tests) each update is written at once.
    """

    def __init__(self, job):
        self.job = job
        self.phase, self.done, self.total = job.phase, job.done, job.total
        self._stop = threading.Event()
        self._thread = None

    def update(self, *, phase=None, done=None, total=None):
        if phase is not None:
            self.phase = phase[:100]
        if total is not None:
            self.total = total
        if done is not None:
            self.done = min(done, self.total) if self.total else 0
        if self._thread is None:
            self._write()

    def _write(self):
        Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
            phase=self.phase, done=self.done, total=self.total, heartbeat_at=timezone.now()
        )

    def __enter__(self):
        interval = heartbeat_seconds()
        if interval:
            self._thread = threading.Thread(target=self._beat, args=(interval,), daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _beat(self, interval):
        try:
            while not self._stop.wait(interval):
                try:
                    self._write()
                except DatabaseError:  # the database busy or away: the next beat tries again
                    logger.warning("job %s: heartbeat not written", self.job.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def execute(job_id):
    """Run job `job_id` once (what the queued task does). Safe to call twice."""
    job = _claim(job_id)
    if job is None:
        return None
    handler = import_string(HANDLERS[job.kind])
    try:
        with Progress(job) as progress:
            result = handler(job, progress)
    except JobRefused as refusal:
        _finish(job, JobStatus.FAILED, error=str(refusal))
    except Exception as error:  # noqa: BLE001 - any failure is recorded, then retried or failed
        logger.exception("job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
        _retry_or_fail(job, error)
    else:
        _finish(job, JobStatus.SUCCEEDED, result=result or {})
    return job.status


def _claim(job_id):
    """Mark the job running for this attempt, or None if it is not to run now."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        now = timezone.now()
        if job.status == JobStatus.RUNNING and not _is_stale(job, now):
            return None  # another worker has it and is alive
        if job.status == JobStatus.QUEUED and job.run_after and job.run_after > now + CLOCK_SKEW:
            return None  # a retry waiting out its backoff: its own deferred message will come
        if job.attempts >= job.max_attempts:
            _fail_in_place(job, now, _gave_up(job))
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.run_after = None
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "run_after"])
    return job


def _is_stale(job, now):
    return job.heartbeat_at is None or job.heartbeat_at < now - stale_after()


def _this_run(job):
    """The job's row while this run still owns it: a run that lost the job (a slow run whose
    job was taken over as stale) must not overwrite how its successor ends."""
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def _finish(job, status, *, result=None, error="", detail=""):
    now = timezone.now()
    fields = {"status": status, "finished_at": now, "heartbeat_at": now, "run_after": None}
    fields.update(error=error[:2000], error_detail=detail[:10000])
    if status == JobStatus.SUCCEEDED:
        fields.update(result=result or {}, done=F("total"), phase="")
    else:
        fields.update(dedupe_key=None)  # asking again starts a new job
    if job.kind in SECRET_PAYLOADS:
        fields.update(payload={})
    finished = _this_run(job).update(**fields)
    job.refresh_from_db()
    if finished:  # for good: its uploaded file is no longer needed (once that is committed)
        transaction.on_commit(lambda: files.discard_input(job))
        _tell_starter(job)


def _retry_or_fail(job, error):
    detail = f"{type(error).__name__}: {error}"
    if job.attempts >= job.max_attempts:
        _finish(job, JobStatus.FAILED, error=_gave_up(job), detail=detail)
        return
    delay = RETRY_DELAYS[min(job.attempts, len(RETRY_DELAYS)) - 1]
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    if not _this_run(job).update(
        status=JobStatus.QUEUED, run_after=run_after, error_detail=detail[:10000]
    ):
        return  # another run has the job now
    job.status, job.run_after = JobStatus.QUEUED, run_after
    transaction.on_commit(lambda: enqueue(job.pk, run_after=run_after), robust=True)


def _gave_up(job):
    return (
        f"It stopped with an unexpected error {job.attempts} times, so it was not tried again. "
        "Nothing of it was saved. Try again later; if it keeps failing, tell the site's staff."
    )


def _fail_in_place(job, now, reason):
    # The dedupe key stays: the run that went quiet may still be alive and finish its work.
    job.status, job.error, job.finished_at = JobStatus.FAILED, reason, now
    fields = ["status", "error", "finished_at"]
    if job.kind in SECRET_PAYLOADS:
        job.payload = {}
        fields.append("payload")
    job.save(update_fields=fields)
    transaction.on_commit(lambda: files.discard_input(job))
    _tell_starter(job)


def _tell_starter(job):
    """An ad-report import that ended, well or not, is told to who started it and to the
    business's webhooks; a webhook delivery that ended is logged (planner/webhooks)."""
    if job.kind == JobKind.REPORT_IMPORT:
        # The teamwork and webhooks apps build on the jobs.
        from planner.teamwork import notify
        from planner.webhooks import events

        transaction.on_commit(lambda: notify.import_finished(job), robust=True)
        if job.business_id:
            transaction.on_commit(lambda: events.import_finished(job), robust=True)
    elif job.kind == JobKind.WEBHOOK:
        from planner.webhooks import services as webhooks

        transaction.on_commit(lambda: webhooks.job_finished(job), robust=True)
    elif job.kind == JobKind.REPORT_SEND:
        from planner.reports import schedules

        transaction.on_commit(lambda: schedules.job_finished(job), robust=True)


def recover_stale(now=None):
    """Re-enqueue running jobs whose worker went quiet, and queued ones never picked up.

    Run by every worker at start and then every minute, and by the page that polls a job.
    Returns how many jobs were re-enqueued.
    """
    now = now or timezone.now()
    quiet = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - stale_after())
    # A queued job waits for a worker. One waiting over a minute whose message the queue no
    # longer holds lost it (the process died between the commit and the enqueue, or Redis was
    # flushed); one whose message is still there just waits its turn.
    waiting = (
        Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=now - stale_after())
        .exclude(run_after__gt=now)
        .values_list("pk", "task_id")[:100]
    )
    lost = [pk for pk, task_id in waiting if not _waiting_in_queue(task_id)]
    stalled = [
        pk
        for pk, task_id in quiet.values_list("pk", "task_id")[:100]
        if not _waiting_in_queue(task_id)
    ]  # not re-enqueued already
    for job_id in stalled + lost:
        enqueue(job_id)
    return len(stalled) + len(lost)


def recover_if_stale(job):
    """The polling page's check: re-enqueue this one job if its worker went quiet."""
    if (
        job.status == JobStatus.RUNNING
        and _is_stale(job, timezone.now())
        and not _waiting_in_queue(job.task_id)  # every poll of every tab would enqueue again
    ):
        enqueue(job.pk)
        return True
    return False
