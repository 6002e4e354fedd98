"""Benchmark the dashboard's server time at two data sizes on the configured database.

    manage.py bench_dashboard --sizes 1000 100000 --repeat 30

Seeds one business per size (seed_demo's generator, a year of history), then times repeated
requests through Django's full request stack in this process (no network, no cache): the last
30 days, the whole year, and one campaign over the year; and a trivial page (/healthz) served by
the same process as the framework's floor. Prints a table and, with --json, writes the numbers.
"""

import datetime
import json
import os
import platform as host
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner.management.commands.seed_demo import seed
from planner.models import Business, Campaign, Task

DAYS = 365


class Command(BaseCommand):
    help = "Time the dashboard at several data sizes (see docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--json", help="Also write the results to this file.")

    def handle(self, *args, **options):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        vendor = connection.vendor
        rows = []
        for size in options["sizes"]:
            business = benchmark_business(size, self.stdout.write)
            rows.extend(self._measure(business, size, options["repeat"]))
        self._print(vendor, rows, options["sizes"])
        if options["json"]:
            with open(options["json"], "w") as handle:
                json.dump(
                    {"database": vendor, "machine": _machine(), "rows": rows},
                    handle,
                    indent=2,
                    default=str,
                )

    def _measure(self, business, size, repeat):
        client = Client()
        owner = business.memberships.filter(role="owner").first().user
        client.force_login(owner)
        with timezone.override(business.time_zone):
            today = timezone.localdate()
        year = {
            "period": "custom",
            "start": (today - datetime.timedelta(days=DAYS - 1)).isoformat(),
            "end": today.isoformat(),
        }
        campaign = Campaign.objects.for_business(business).order_by("pk").first()
        url = reverse("dashboard", args=[business.pk])
        cases = [
            ("last 30 days", url, {"period": "30d"}),
            ("whole year", url, year),
            ("one campaign, year", url, {**year, "campaign": campaign.pk}),
            ("trivial page (/healthz)", reverse("healthz"), {}),
        ]
        task_count = Task.objects.for_business(business).count()
        results = []
        for label, path, params in cases:
            timings, queries = _time(client, path, params, repeat)
            results.append(
                {
                    "tasks": task_count,
                    "size": size,
                    "case": label,
                    "median_ms": statistics.median(timings),
                    "p95_ms": _percentile(timings, 95),
                    "queries": queries,
                }
            )
        floor = results[-1]["median_ms"]
        for row in results:
            row["x_floor"] = row["median_ms"] / floor
        return results

    def _print(self, vendor, rows, sizes):
        self.stdout.write(f"\ndatabase: {vendor}; machine: {_machine()}")
        self.stdout.write(
            f"{'tasks':>8}  {'case':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
            f"{'x floor':>8}"
        )
        for row in rows:
            self.stdout.write(
                f"{row['tasks']:>8,}  {row['case']:<24} {row['median_ms']:>10.1f} "
                f"{row['p95_ms']:>8.1f} {row['queries']:>8} {row['x_floor']:>8.1f}"
            )
        if len(sizes) >= 2:
            small, large = min(sizes), max(sizes)
            for case in ("last 30 days", "whole year", "one campaign, year"):
                a = next(r for r in rows if r["size"] == small and r["case"] == case)
                b = next(r for r in rows if r["size"] == large and r["case"] == case)
                self.stdout.write(
                    f"{case}: {large:,} tasks is {b['median_ms'] / a['median_ms']:.2f}x the "
                    f"median at {small:,} tasks"
                )


def benchmark_business(size, log):
    """The business of `size` tasks with a year of history, seeded once per database (the
    page benchmark, bench_pages, uses the same ones)."""
    name = f"Benchmark {size} tasks"
    business = Business.objects.filter(name=name).first()
    if business is None:
        started = time.perf_counter()
        with transaction.atomic():
            business, counts = seed(name, size, DAYS, seed_value=size)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does soon after a bulk load: statistics and the visibility
            # map that lets counts use index-only scans. (Not inside a transaction, where
            # VACUUM cannot run: the test of bench_pages.)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        log(
            f"seeded {name}: {counts['tasks']:,} tasks, {counts['time entries']:,} time "
            f"and {counts['result entries']:,} result rows in "
            f"{time.perf_counter() - started:.0f}s"
        )
    return business


def _time(client, path, params, repeat):
    for _ in range(3):  # warm up connections, templates and caches of the database
        assert client.get(path, params).status_code == 200
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    return timings, len(captured)


def _percentile(values, pct):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _machine():
    return f"{host.machine()}, {os.cpu_count()} cores, Python {host.python_version()}"
