"""Load test: gunicorn on PostgreSQL with 10,000 demo tasks, driven by wrk on 127.0.0.1.

    make loadtest          # or: manage.py loadtest --seconds 60 --connections 32

Starts gunicorn (several workers) on a free local port against the configured database,
logs a demo user in (a real session row), then for `--seconds` runs one wrk per page at the
same time — the dashboard, the SMO list, the SMM list, a task page, and /healthz as the trivial
page — sharing `--connections`, while a writer thread keeps logging time entries through the
app's own form. Passes when every response was 2xx, no socket errored, and every time entry
the writer was told was saved is in the database. Prints a table for docs/performance.md.
"""

import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse

from planner.management.commands.seed_demo import seed
from planner.models import Business, Kind, Task, TimeEntry

NAME = "Load test business"


class Command(BaseCommand):
    help = "Load-test the app with gunicorn and wrk (see docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--tasks", type=int, default=10_000)

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (apt-get install wrk).")
        business = Business.objects.filter(name=NAME).first()
        if business is None:
            business, counts = seed(NAME, options["tasks"], 60, seed_value=7)
            self.stdout.write(f"seeded {counts['tasks']:,} tasks")
        owner = business.memberships.get(role="owner").user
        task = Task.objects.for_business(business).filter(kind=Kind.SMM).order_by("pk").first()
        session = _session_for(owner)
        csrf = secrets.token_hex(16)  # the cookie and the form carry the same secret
        cookie = f"sessionid={session}; csrftoken={csrf}"
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        pages = {
            "dashboard": reverse("dashboard", args=[business.pk]),
            "SMO list": reverse("smo_list", args=[business.pk]),
            "SMM list": reverse("smm_list", args=[business.pk]),
            "task page": reverse("smm_detail", args=[business.pk, task.pk]),
            "trivial page (/healthz)": reverse("healthz"),
        }
        server = _start_gunicorn(port, options["workers"])
        try:
            _wait_until_up(base + pages["trivial page (/healthz)"])
            for path in pages.values():  # every page answers 200 to this session
                status = _get(base + path, cookie)
                if status != 200:
                    raise CommandError(f"{path} answered {status} before the test")
            before = TimeEntry.objects.filter(task=task).count()
            writer = Writer(
                base,
                reverse("time_entry_create", args=[business.pk, task.pk]),
                cookie,
                csrf,
                owner.pk,
            )
            writer.start()
            results = _run_wrk(base, pages, cookie, options["seconds"], options["connections"])
            writer.stop()
        finally:
            server.terminate()
            server.wait(timeout=30)
        saved = TimeEntry.objects.filter(task=task).count() - before
        self._report(results, writer, saved, options)
        failures = [
            f"{name}: {r['non_2xx']} non-2xx, {r['socket_errors']} socket errors"
            for name, r in results.items()
            if r["non_2xx"] or r["socket_errors"]
        ]
        if writer.failed:
            failures.append(f"writer: {writer.failed} failed posts")
        if saved != writer.ok:
            failures.append(f"writer: {writer.ok} saves reported, {saved} in the database")
        if failures:
            raise CommandError("load test failed: " + "; ".join(failures))
        self.stdout.write(self.style.SUCCESS("load test passed"))

    def _report(self, results, writer, saved, options):
        self.stdout.write(
            f"\n{options['seconds']} s, {options['connections']} connections, "
            f"{options['workers']} gunicorn workers, database {connection.vendor}"
        )
        self.stdout.write(
            f"{'page':<24} {'conn':>4} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} "
            f"{'p99 ms':>8} {'non-2xx':>8} {'sock err':>8}"
        )
        for name, r in results.items():
            self.stdout.write(
                f"{name:<24} {r['connections']:>4} {r['rps']:>8.1f} {r['p50']:>8.1f} "
                f"{r['p90']:>8.1f} {r['p99']:>8.1f} {r['non_2xx']:>8} {r['socket_errors']:>8}"
            )
        self.stdout.write(
            f"writer: {writer.ok} time entries logged ({writer.failed} failed), "
            f"{saved} new rows in the database"
        )


class Writer(threading.Thread):
    """Keeps logging quarter hours through the app's time entry form."""

    def __init__(self, base, path, cookie, csrf, user_id):
        super().__init__(daemon=True)
        self.url, self.cookie, self.csrf, self.user_id = base + path, cookie, csrf, user_id
        self.ok = self.failed = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": self.csrf,
                    "date": "2026-11-20",
                    "hours": "0.25",
                    "user": self.user_id,
                    "note": "load test",
                }
            ).encode()
            request = urllib.request.Request(self.url, data=data, headers={"Cookie": self.cookie})
            try:
                with OPENER.open(request, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = None
            if status == 302:  # the form redirects back to the task page after a save
                self.ok += 1
            else:
                self.failed += 1

    def stop(self):
        self._halt.set()
        self.join(timeout=60)


class _KeepRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the 302 itself instead of following it


OPENER = urllib.request.build_opener(_KeepRedirect)


def _session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(port, workers):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "planner.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=settings.BASE_DIR,
    )


def _wait_until_up(url):
    for _ in range(100):
        try:
            if _get(url, "") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise CommandError("gunicorn did not start")


def _get(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# Counts every response that is not 2xx (wrk's own count lets 3xx through, and a redirect to
# the login page must count as a failure here).
WRK_SCRIPT = """
wrk.headers["Cookie"] = "{cookie}"
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) not2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then not2xx = not2xx + 1 end
end
done = function(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not2xx") end
  local errors = summary.errors
  io.write(string.format("RESULT %d %f %f %f %f %d %d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.duration / 1e6,
    bad, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def _run_wrk(base, pages, cookie, seconds, connections):
    """One wrk per page, all at once, sharing the connections; returns figures per page."""
    share = _share(connections, len(pages))
    script = Path(tempfile.mkdtemp()) / "session.lua"
    script.write_text(WRK_SCRIPT.format(cookie=cookie))
    runs = {}
    for (name, path), conns in zip(pages.items(), share, strict=True):
        runs[name] = (
            conns,
            subprocess.Popen(
                [
                    "wrk",
                    "-t1",
                    f"-c{conns}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    base + path,
                ],
                stdout=subprocess.PIPE,
                text=True,
            ),
        )
    results = {}
    for name, (conns, process) in runs.items():
        out, _ = process.communicate(timeout=seconds + 120)
        match = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)", out)
        if not match:
            raise CommandError(f"wrk gave no result for {name}:\n{out}")
        requests, p50, p90, p99, duration, non_2xx, socket_errors = match.groups()
        results[name] = {
            "connections": conns,
            "rps": int(requests) / float(duration),
            "p50": float(p50),
            "p90": float(p90),
            "p99": float(p99),
            "non_2xx": int(non_2xx),
            "socket_errors": int(socket_errors),
        }
    return results


def _share(connections, parts):
    """Split connections over the pages: the trivial page gets the smallest share."""
    base, extra = divmod(connections, parts)
    shares = [base + (1 if i < extra else 0) for i in range(parts)]
    return sorted(shares, reverse=True)
