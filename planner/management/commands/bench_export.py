"""Measure an export job: time and how much this process grew (peak RSS) while it ran.

    DB_TIMEOUT_PROFILE=worker manage.py bench_export                  # the biggest business, JSON
    DB_TIMEOUT_PROFILE=worker manage.py bench_export --what smo       # its SMO list as CSV
    DB_TIMEOUT_PROFILE=worker manage.py bench_export --business 3 --keep

Runs the export job through planner.jobs.services.execute (with its heartbeat thread, as a
worker does) in this process, and reads the peak resident memory (VmHWM, and getrusage's
ru_maxrss) before and after. The job and its file are deleted at the end unless --keep.
Seed a business first, e.g. `seed_demo --tasks 100000`.
"""

import resource
import time
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from planner import exports
from planner.jobs import files, services
from planner.jobs.models import Job, JobKind, JobStatus
from planner.models import Business, Role, Task


def _status_kb(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Command(BaseCommand):
    help = "Run an export job in this process; report its time and peak memory growth."

    def add_arguments(self, parser):
        parser.add_argument("--business", type=int, help="Its id (default: the biggest).")
        parser.add_argument("--what", choices=["business", "smo", "smm"], default="business")
        parser.add_argument("--keep", action="store_true", help="Keep the job and its file.")

    def handle(self, *args, **options):
        businesses = Business.objects.annotate(n=Count("tasks")).order_by("-n", "pk")
        if options["business"]:
            businesses = businesses.filter(pk=options["business"])
        business = businesses.first()
        if business is None:
            raise CommandError("No business: seed one first (manage.py seed_demo --tasks N).")
        owner = business.memberships.filter(role=Role.OWNER).select_related("user").first().user
        what = options["what"]
        if what == "business":
            payload, label = exports.business_payload(), "Benchmark: all data (JSON)"
        else:
            today = timezone.localdate(timezone=zoneinfo.ZoneInfo(business.time_zone))
            payload = exports.tasks_payload(what, "", today)
            label = f"Benchmark: {what} list (CSV)"
        rows = Task.objects.for_business(business).count()
        job = Job.objects.create(
            kind=JobKind.EXPORT, business=business, started_by=owner, label=label, payload=payload
        )
        rss_before, hwm_before = _status_kb("VmRSS"), _status_kb("VmHWM")
        maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        services.execute(job.pk)
        elapsed = time.monotonic() - started
        hwm_after = _status_kb("VmHWM")
        maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        job.refresh_from_db()
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"The export did not succeed: {job.error} {job.error_detail}")
        self.stdout.write(
            f"business {business.pk} ({rows:,} tasks), {what}: {job.result['rows']:,} rows, "
            f"{job.result['size'] / 1024 / 1024:,.1f} MB in {elapsed:,.1f} s\n"
            f"RSS before {rss_before / 1024:,.1f} MB; peak (VmHWM) before {hwm_before / 1024:,.1f}"
            f" MB, after {hwm_after / 1024:,.1f} MB: grew {(hwm_after - rss_before) / 1024:,.1f}"
            f" MB\nru_maxrss before {maxrss_before / 1024:,.1f} MB, after "
            f"{maxrss_after / 1024:,.1f} MB"
        )
        if not options["keep"]:
            files.delete(job.result.get("file"))
            job.delete()
