"""Faults a real worker process must survive: killed with SIGKILL in the middle of an import's
transaction, it leaves nothing half-applied, and the job runs again on the next worker.

Runs real processes (migrate, two workers) against a database of its own: a SQLite file, or
a fresh PostgreSQL database when the suite runs on PostgreSQL (DATABASE_URL).
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
ROWS = 400  # days of one ad campaign in the report

SETUP = f"""
import datetime, json
from planner import imports
from planner.jobs import services
from planner.jobs.models import JobKind
from tests.factories import MembershipFactory, SmmTaskFactory
member = MembershipFactory(business__name="Fault Ltd", role="owner")
business, user = member.business, member.user
SmmTaskFactory(business=business, title="Gifts")
start = datetime.date(2025, 1, 1)
lines = ["date,campaign,spend,clicks"] + [
    f"{{start + datetime.timedelta(days=n)}},Gifts,1.25,2" for n in range({ROWS})]
upload = imports.store_upload(business, user, "r.csv", "\\n".join(lines).encode())
job = services.start(JobKind.REPORT_IMPORT, label="Import of r.csv", business=business,
    user=user, payload={{"upload_id": upload.pk}}, dedupe_key=imports.job_key(business, upload.pk))
print(json.dumps({{"job": job.pk}}))
"""

STATE = """
import json
from django.db.models import Sum
from planner.jobs.models import Job
from planner.models import ResultEntry, StagedResultDay, ReportUpload
job = Job.objects.get(kind="report_import")  # its ending is e-mailed to its starter too
print(json.dumps({
    "status": job.status, "attempts": job.attempts, "error": job.error,
    "results": ResultEntry.objects.count(),
    "spend": str(ResultEntry.objects.aggregate(s=Sum("spend"))["s"]),
    "staged": StagedResultDay.objects.count(), "uploads": ReportUpload.objects.count(),
}))
"""


@pytest.fixture
def database_url(tmp_path):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'fault.sqlite3'}"
        return
    import psycopg

    name = f"planner_fault_{uuid.uuid4().hex[:8]}"
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env, *args, timeout=120):
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def shell(env, code):
    return json.loads(run(env, "manage.py", "shell", "-c", code).strip().splitlines()[-1])


def test_a_worker_killed_mid_import_leaves_nothing_half_applied(database_url, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "planner.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "db",
        "JOBS_HEARTBEAT_SECONDS": "1",
        "JOBS_STALE_SECONDS": "2",
        "DB_TIMEOUT_PROFILE": "worker",
    }
    env.pop("REDIS_URL", None)
    run(env, "manage.py", "migrate", "--noinput", "-v0")
    shell(env, SETUP)

    signal_file = tmp_path / "in-transaction"
    hanging = subprocess.Popen(
        [sys.executable, "tests/fault_worker.py", str(signal_file)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not signal_file.exists():
            assert hanging.poll() is None, "the worker stopped before the locked step"
            assert time.monotonic() < deadline, "the worker never reached the locked step"
            time.sleep(0.1)
        os.kill(hanging.pid, signal.SIGKILL)  # inside the import's transaction
        hanging.wait(timeout=10)
    finally:
        if hanging.poll() is None:
            hanging.kill()

    state = shell(env, STATE)
    assert state["status"] == "running" and state["attempts"] == 1
    assert state["results"] == 0  # nothing of the killed transaction was kept
    assert state["uploads"] == 1

    time.sleep(2.5)  # the dead worker's heartbeat is now stale
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while (state := shell(env, STATE))["status"] != "succeeded":
            assert state["status"] != "failed", state["error"]
            assert time.monotonic() < deadline, state
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert state["attempts"] == 2
    assert state["results"] == ROWS
    assert Decimal(state["spend"]) == Decimal("1.25") * ROWS
    assert (state["staged"], state["uploads"]) == (0, 0)
