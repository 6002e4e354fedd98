"""Run a background worker for the configured backend (TASKS_BACKEND):

    manage.py worker            # the database backend: django-tasks-db's db_worker
    TASKS_BACKEND=rq manage.py worker   # Redis: django-rq's rqworker, with its scheduler

Beside the backend's own loop, a thread re-enqueues jobs whose worker died (planner.jobs
.services.recover_stale) at start and every minute, so a job killed mid-run is run again by
whichever worker is alive. Start workers with DB_TIMEOUT_PROFILE=worker (the Procfile does):
jobs may run longer statements than a web request may.
"""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from planner.jobs import services

RECOVER_EVERY_SECONDS = 60


class Command(BaseCommand):
    help = "Run a background worker (database or RQ backend, as TASKS_BACKEND says)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs that are waiting, then exit."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args, batch=False, interval=1.0, **options):
        self._recover()
        if not batch:
            threading.Thread(target=self._recover_every, daemon=True).start()
        if settings.TASKS_BACKEND == "rq":
            call_command("rqworker", "default", with_scheduler=True, burst=batch)
        else:
            call_command(
                "db_worker",
                queue_name="default",
                interval=interval,
                batch=batch,
                reload=False,
                startup_delay=not batch,
                verbosity=options.get("verbosity", 1),
            )

    def _recover(self):
        try:
            count = services.recover_stale()
        except Exception as error:  # noqa: BLE001 - the database or Redis away: try next minute
            self.stderr.write(f"could not look for stalled jobs: {error}")
            return
        if count:
            self.stdout.write(f"re-enqueued {count} stalled job(s)")

    def _recover_every(self):
        stop = threading.Event()
        try:
            while not stop.wait(RECOVER_EVERY_SECONDS):
                self._recover()
        finally:
            connection.close()
