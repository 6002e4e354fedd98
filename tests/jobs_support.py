"""Running queued jobs inside a test, as `manage.py worker --batch` would.

Tests run inside a transaction that never commits, so the "enqueue on commit" callbacks that
starting a job registers are run here by hand; then every ready task of the database backend
is run through django-tasks-db's own Worker.run_task.
"""

from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def flush_on_commit():
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, robust in pending:
        try:
            callback()
        except Exception:
            if not robust:  # as Django does on a real commit: a robust callback's error is logged
                raise


def work_queue(limit=100):
    """Enqueue what commits would have enqueued, then run the ready tasks; returns how many."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    flush_on_commit()
    while ran < limit:
        task_result = DBTaskResult.objects.ready().order_by("-priority", "enqueued_at").first()
        if task_result is None:
            break
        task_result.claim("test-worker")
        worker.run_task(task_result)
        ran += 1
        flush_on_commit()  # a retry enqueues on commit too
    return ran
