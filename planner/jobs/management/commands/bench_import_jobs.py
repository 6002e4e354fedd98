"""Benchmark the ad-report import through a real worker (`make bench-import`, issue 8).

    manage.py bench_import_jobs --sizes 100000 1000000

For each size: seed a business (seed_demo's generator), write a Meta daily report for its SMM
ad campaigns, start `manage.py worker` as its own process, and then

1. idle: time task saves in the business and dashboard requests (Django's whole stack, a
   logged-in session) with nothing else running;
2. import: start the import job and, until it has finished, save a task and load the
   dashboard twice a second, timing each;

and report the import's wall time through the worker (enqueue to done), the p50/p95/max of
the saves and of the dashboard idle and during the import, and whether the totals are the
file's. The report is stored as an upload directly (a 1,000,000-row file is over the upload
form's 20 MB). The business is deleted at the end unless --keep.
"""

import datetime
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planner import ad_reports, imports, services
from planner.jobs import services as jobs
from planner.jobs.models import Job, JobKind, JobStatus
from planner.management.commands.bench_import import TASKS_PER_SMM, machine, meta_report
from planner.management.commands.seed_demo import seed
from planner.models import DailyRollup, ReportUpload, ResultEntry, Task

IDLE_SAMPLES = 30
PROBE_INTERVAL = 0.5  # a save and a dashboard load twice a second: people at work, not a flood


class Command(BaseCommand):
    help = "Import 100,000 and 1,000,000-row reports through a worker; time saves meanwhile."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
        parser.add_argument("--keep", action="store_true", help="Keep the seeded businesses.")

    def handle(self, *args, sizes, keep, **options):
        settings.DEBUG = False  # no query log: as in production
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        load = os.getloadavg()
        self.stdout.write(
            f"database: {connection.vendor}; machine: {machine()}; "
            f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "-v0"],
            env={**os.environ, "DB_TIMEOUT_PROFILE": "worker"},
        )
        try:
            for rows in sizes:
                self._size(rows, keep)
        finally:
            worker.terminate()
            worker.wait(timeout=60)

    def _size(self, rows, keep):
        days = 100 if rows <= 200_000 else 365
        campaigns = round(rows / days / 1.25)  # every fourth campaign has two ad sets
        started = time.perf_counter()
        with transaction.atomic():
            business, counts = seed(
                f"Import job benchmark {rows} {timezone.now():%H%M%S}",
                campaigns * TASKS_PER_SMM,
                max(days, 60),
                seed_value=rows,
            )
        self.stdout.write(
            f"\n== {rows:,} rows: seeded {counts['tasks']:,} tasks, "
            f"{counts['result entries']:,} result entries in {time.perf_counter() - started:.0f} s"
        )
        try:
            self._measure(business, campaigns, days, rows)
        finally:
            if not keep:
                business.delete()

    def _measure(self, business, campaigns, days, rows):
        ads = list(
            Task.objects.for_business(business).smm().order_by("pk").values_list("pk", "title")
        )[:campaigns]
        with timezone.override(business.time_zone):
            today = timezone.localdate()
        first = today - datetime.timedelta(days=days - 1)
        data, expected = meta_report(ads, first, days, business.currency, rows)
        text = ad_reports.decode(data)
        owner = get_user_model().objects.get(username="demo")
        upload = ReportUpload.objects.create(
            business=business, uploaded_by=owner, file_name="bench.csv", content=text
        )
        self.stdout.write(f"report: {len(data) / 1e6:.0f} MB, {first} to {today}")

        post = Task.objects.for_business(business).smo().order_by("pk").first()
        client = Client()
        client.force_login(owner)
        dashboard = reverse("dashboard", args=[business.pk]) + "?period=90d"
        client.get(dashboard)  # warm

        idle_saves = [save_task(post) for _ in range(IDLE_SAMPLES)]
        idle_pages = [get_page(client, dashboard) for _ in range(IDLE_SAMPLES)]

        job = jobs.start(
            JobKind.REPORT_IMPORT,
            label="Import of bench.csv",
            business=business,
            user=owner,
            payload={"upload_id": upload.pk},
            dedupe_key=imports.job_key(business, upload.pk),
        )
        began = time.perf_counter()
        saves, pages, failed_saves = [], [], 0
        while True:
            status = Job.objects.filter(pk=job.pk).values_list("status", flat=True).get()
            if status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                break
            if time.perf_counter() - began > 900:
                raise CommandError("The import did not finish in 15 minutes.")
            seconds = save_task(post)
            if seconds is None:
                failed_saves += 1
            else:
                saves.append(seconds)
            pages.append(get_page(client, dashboard))
            time.sleep(PROBE_INTERVAL)
        wall = time.perf_counter() - began
        job.refresh_from_db()
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"The import failed: {job.error} {job.error_detail}")

        spend = ResultEntry.objects.filter(
            business=business, date__gte=first, date__lte=today, task_id__in=[pk for pk, _ in ads]
        ).aggregate(s=Sum("spend"))["s"] or Decimal(0)
        ok = spend.quantize(Decimal("0.01")) == expected["spend"].quantize(Decimal("0.01"))
        raw = ResultEntry.objects.filter(business=business).aggregate(s=Sum("spend"))["s"]
        summed = DailyRollup.objects.filter(business=business).aggregate(s=Sum("spend"))["s"]
        self.stdout.write(
            f"import through the worker: {wall:.1f} s wall (job ran "
            f"{job.duration.total_seconds():.1f} s); {job.result.get('message', '')}\n"
            f"totals equal the file's: {'yes' if ok else 'NO'} (spend {spend:,})"
        )
        self.stdout.write(table("task save", idle_saves, saves, failed_saves))
        self.stdout.write(table("dashboard", idle_pages, pages, 0))
        self.stdout.write(f"rollups equal the raw rows: {'yes' if raw == summed else 'NO'}")
        load = os.getloadavg()
        self.stdout.write(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        if not ok or raw != summed:
            raise CommandError("The imported totals differ from the file's or the rollups'.")
        if failed_saves and rows <= 100_000:
            raise CommandError(f"{failed_saves} task saves were refused during the import.")


def save_task(task):
    """Seconds one task save took (it waits for the business's lock), or None if refused."""
    task.refresh_from_db()
    task.estimated_hours = Decimal("1.25") if task.estimated_hours != Decimal("1.25") else 2
    started = time.perf_counter()
    try:
        services.task_save(task, task.version)
    except OperationalError:  # the web's lock_timeout gave up waiting
        return None
    return time.perf_counter() - started


def get_page(client, url):
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    return time.perf_counter() - started


def table(what, idle, during, failed):
    def stats(values):
        if not values:
            return "n/a"
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return (
            f"n={len(values)} p50 {statistics.median(values) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
        )

    refused = f"; {failed} refused by lock_timeout" if failed else ""
    return f"{what:<10} idle: {stats(idle)}\n{'':<10} during: {stats(during)}{refused}"
