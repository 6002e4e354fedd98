"""`make run`'s server: Django's development server and a background worker, together.

    manage.py devserver [addrport]

Each runs as its own process group; when either stops (or on Ctrl-C), the other is stopped
too, so the demo never runs with its jobs silently not being worked.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the development server and a background worker; stop both when one stops."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        manage = [sys.executable, os.path.abspath(sys.argv[0])]
        worker_env = {**os.environ, "DB_TIMEOUT_PROFILE": "worker"}
        processes = {
            "web": subprocess.Popen([*manage, "runserver", addrport], start_new_session=True),
            "worker": subprocess.Popen([*manage, "worker"], env=worker_env, start_new_session=True),
        }

        def stop_all(*_):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop_all)
        stopped = None
        try:
            while stopped is None:
                for name, process in processes.items():
                    if process.poll() is not None:
                        stopped = name
                time.sleep(0.5)
            self.stderr.write(f"The {stopped} process stopped; stopping the other one too.")
        except KeyboardInterrupt:
            pass
        finally:
            _stop(processes.values())
        if stopped is not None:
            sys.exit(1)


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
