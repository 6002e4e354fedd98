"""The same jobs on the production backend: django-tasks-rq on the local Redis.

Redis must answer in CI (.ci/run starts it); elsewhere the test is skipped when it does not.
"""

import os

import pytest
import redis
from django.test import override_settings
from rq import SimpleWorker

from planner import imports
from planner.jobs import services
from planner.jobs.models import Job, JobKind, JobStatus
from planner.models import ResultEntry
from tests.jobs_support import flush_on_commit
from tests.test_imports import META_SPEND

RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def rq_queue(settings):
    import django_rq
    from django_tasks_rq.backend import Job as TaskJob

    try:
        redis.Redis.from_url(settings.RQ_QUEUES["default"]["URL"], socket_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379 (CI must start it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    with override_settings(TASKS=RQ_TASKS, TASKS_BACKEND="rq"):
        queue = django_rq.get_queue("default", job_class=TaskJob)
        queue.connection.flushdb()  # database 15 is the tests' own (planner/test_settings.py)
        yield queue
        queue.connection.flushdb()


def work(queue):
    """Run the queued jobs in this process (SimpleWorker: no fork, same test transaction)."""
    worker = SimpleWorker([queue], connection=queue.connection, job_class=queue.job_class)
    worker.work(burst=True)


def test_an_import_runs_on_the_rq_backend(rq_queue, business, editor, stored):
    job = services.start(
        JobKind.REPORT_IMPORT,
        label="Import of meta_daily.csv",
        business=business,
        user=editor,
        payload={"upload_id": stored.pk},
        dedupe_key=imports.job_key(business, stored.pk),
    )
    flush_on_commit()
    assert rq_queue.count == 1
    work(rq_queue)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    total = sum(entry.spend for entry in ResultEntry.objects.filter(business=business))
    assert total == META_SPEND


def test_a_retry_is_scheduled_on_redis(rq_queue, business, monkeypatch):
    monkeypatch.setitem(services.HANDLERS, JobKind.EXPORT, f"{__name__}.crash")
    job = services.start(JobKind.EXPORT, label="Export", business=business)
    flush_on_commit()
    work(rq_queue)
    flush_on_commit()  # the retry is enqueued on commit
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert rq_queue.scheduled_job_registry.count == 1  # waits for its backoff on Redis
    assert Job.objects.get(pk=job.pk).run_after is not None


def crash(job, progress):
    raise RuntimeError("boom")
