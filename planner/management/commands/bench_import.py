"""Benchmark the ad-report import on the configured database (see docs/performance.md).

    DEBUG=1 manage.py bench_import                  # 100,000 Meta rows over 100 days
    DEBUG=1 manage.py bench_import --rows 20000 --keep

Seeds a business with seed_demo's generator (800 SMM ad campaigns among 4,000 tasks, results
over the last 100 days, at least 60), writes a Meta Ads Manager daily report for its SMM tasks
(one row per campaign and day, two ad sets for every fourth campaign; some names in another
case; amounts over 1,000 quoted with thousands separators), then runs the import's steps
through the service functions, as the upload, preview and confirm requests do, and times each.
Then it imports the same file again and checks that the totals did not change. The business is
deleted at the end unless --keep.
"""

import contextlib
import csv
import datetime
import io
import os
import platform as host
import random
import time
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from planner import imports
from planner.management.commands.seed_demo import seed
from planner.models import DailyRollup, ResultEntry, Task

TASKS_PER_SMM = 5  # seed_demo makes one task in five an SMM ad campaign
AD_SETS = ("Prospecting", "Retargeting")


class Command(BaseCommand):
    help = "Time parse, preview and apply of a large ad report, twice (see docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--days", type=int, default=100)
        parser.add_argument("--keep", action="store_true", help="Keep the seeded business.")
        parser.add_argument(
            "--log-queries",
            action="store_true",
            help="Keep DEBUG's query log on (it slows the writes down, most on SQLite).",
        )

    def handle(self, *args, **options):
        if not options["log_queries"]:
            # DEBUG=1 only lets the settings load without a SECRET_KEY; its query log (kept
            # for every statement, and on SQLite built with an extra query per statement) is
            # off in production, so it is off here too.
            settings.DEBUG = False
        rows, days = options["rows"], options["days"]
        # Every fourth campaign has two ad sets: 1.25 rows per campaign and day.
        campaigns = round(rows / days / 1.25)
        if campaigns < 4:
            raise CommandError("Too few rows for that many days.")
        started = time.perf_counter()
        with transaction.atomic():
            business, counts = seed(
                f"Import benchmark {timezone.now():%Y%m%d-%H%M%S}",
                campaigns * TASKS_PER_SMM,
                max(days, 60),  # seed_demo's flights need two months of history
                seed_value=rows,
            )
        self.stdout.write(
            f"seeded {business.name}: {counts['tasks']:,} tasks, {counts['result entries']:,} "
            f"result entries in {time.perf_counter() - started:.1f}s"
        )
        try:
            self._run(business, campaigns, days, rows)
        finally:
            if not options["keep"]:
                business.delete()

    def _run(self, business, campaigns, days, rows):
        tasks = list(
            Task.objects.for_business(business).smm().order_by("pk").values_list("pk", "title")
        )[:campaigns]
        with timezone.override(business.time_zone):
            today = timezone.localdate()
        first = today - datetime.timedelta(days=days - 1)
        data, expected = meta_report(tasks, first, days, business.currency, rows)
        self.stdout.write(
            f"report: {rows:,} rows, {len(data) / 1e6:.1f} MB, {len(tasks):,} campaigns × "
            f"{days} days, {first} to {today}; spend in the file {expected['spend']:,}"
        )
        editor = get_user_model().objects.get(username="demo-editor")
        runs = []
        for run in (1, 2):
            runs.append(self._import(business, editor, data, first, today))
            result = runs[-1]
            self.stdout.write(
                f"\nrun {run}: {result['added']:,} days added, {result['replaced']:,} replaced; "
                f"{result['queries']:,} queries in apply"
            )
            for step, seconds in result["times"].items():
                self.stdout.write(f"  {step:<40} {seconds:>7.2f} s")
            self.stdout.write(
                f"  totals after: {result['entries']:,} entries, spend {result['spend']:,}, "
                f"clicks {result['clicks']:,}; rollups' spend {result['rollup_spend']:,}"
            )
        same = all(
            runs[0][key] == runs[1][key] for key in ("entries", "spend", "clicks", "rollup_spend")
        )
        if not same or runs[0]["spend"] != expected["spend"]:
            raise CommandError("Re-importing changed the totals (or they differ from the file).")
        self.stdout.write(
            self.style.SUCCESS(
                f"\nre-import kept the totals (spend {runs[1]['spend']:,} = the file's). "
                f"database: {connection.vendor}; machine: {machine()}"
            )
        )

    def _import(self, business, editor, data, first, last):
        times = {}
        started = time.perf_counter()
        upload = imports.store_upload(business, editor, "meta-benchmark.csv", data)
        times["upload (read, check, store)"] = time.perf_counter() - started

        step = time.perf_counter()
        report = imports.load(upload, business)
        times["parse"] = time.perf_counter() - step
        step = time.perf_counter()
        preview = imports.build_preview(business, report)
        times["preview (match, compare, sum)"] = time.perf_counter() - step
        if preview.errors or preview.unresolved:
            raise CommandError(f"unexpected errors: {preview.errors[:5]}")

        step = time.perf_counter()
        queries, inner = [], {}
        with (
            connection.execute_wrapper(
                lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
            ),
            timed(imports, "_stage", inner, "  of which staging the days"),
            timed(imports, "_copy_staged", inner, "  of which the copy into the results"),
            timed(imports.rollups, "refresh", inner, "  of which rollups.refresh"),
        ):
            applied = imports.apply(upload, business)  # what the confirm's job runs
        times["apply (the job: parse, check, stage, copy)"] = time.perf_counter() - step
        times.update(inner)
        times["total"] = time.perf_counter() - started

        in_report = ResultEntry.objects.filter(
            business=business, task_id__in={day.task_id for day in applied.days}
        ).filter(date__gte=first, date__lte=last)
        sums = in_report.aggregate(entries=Count("pk"), spend=Sum("spend"), clicks=Sum("clicks"))
        rollup_spend = DailyRollup.objects.filter(
            business=business, date__gte=first, date__lte=last, kind="smm"
        ).aggregate(spend=Sum("spend"))["spend"]
        cent = Decimal("0.01")
        sums["spend"] = (sums["spend"] or Decimal(0)).quantize(cent)
        return {
            "times": times,
            "added": len(applied.to_add),
            "replaced": len(applied.to_replace),
            "queries": len(queries),
            "rollup_spend": (rollup_spend or Decimal(0)).quantize(cent),
            **sums,
        }


def meta_report(tasks, first, days, currency, rows):
    """A Meta Ads Manager daily export (UTF-8 with BOM, as Meta writes it) and its totals."""
    rng = random.Random(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "Reporting starts",
            "Reporting ends",
            "Campaign name",
            "Ad set name",
            f"Amount spent ({currency})",
            "Impressions",
            "Reach",
            "Link clicks",
            "Results",
        ]
    )
    by_day = {}
    for offset in range(days):
        day = (first + datetime.timedelta(days=offset)).isoformat()
        for index, (pk, title) in enumerate(tasks):
            name = title.upper() if index % 7 == 3 else title
            for ad_set in AD_SETS[: 2 if index % 4 == 0 else 1]:
                spend = Decimal(rng.randint(500, 150_000)) / 100
                impressions = rng.randint(1_000, 90_000)
                clicks = rng.randint(5, impressions // 50)
                writer.writerow(
                    [
                        day,
                        day,
                        name,
                        ad_set,
                        f"{spend:,.2f}",
                        f"{impressions:,}",
                        f"{int(impressions * 0.7):,}",
                        clicks,
                        rng.randint(0, 12) or "",
                    ]
                )
                key = (pk, day)
                total = by_day.get(key, (Decimal(0), 0))
                by_day[key] = (total[0] + spend, total[1] + clicks)
    spend = sum(value[0] for value in by_day.values())
    return out.getvalue().encode("utf-8-sig"), {"spend": spend}


@contextlib.contextmanager
def timed(module, name, into, label):
    """Time the calls of module.name (a step inside imports.apply) into `into[label]`."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            into[label] = into.get(label, 0) + time.perf_counter() - started

    with mock.patch.object(module, name, wrapper):
        yield


def machine():
    return f"{host.machine()}, {os.cpu_count()} cores, Python {host.python_version()}"
