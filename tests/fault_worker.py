"""A worker that stops inside the import's locked transaction, for tests/test_job_faults.py.

    python tests/fault_worker.py SIGNAL_FILE

It runs `manage.py worker`, with the import's rollup refresh patched to do its work, touch
SIGNAL_FILE and then hang: the test kills it there with SIGKILL, mid-transaction.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from planner import rollups  # noqa: E402

signal_file = Path(sys.argv[1])
real_refresh = rollups.refresh


def refresh_then_hang(*args, **kwargs):
    real_refresh(*args, **kwargs)
    signal_file.write_text(str(os.getpid()))
    time.sleep(600)


rollups.refresh = refresh_then_hang
call_command("worker", interval=0.2)
