"""Files that jobs read and write: uploads waiting for their job, and exports waiting to be
downloaded.

They live in the default storage (MEDIA_ROOT, shared by every app server and worker) under
`jobs/`, are copied in chunks (never read whole into memory), and are never served by URL: an
export is downloaded only through `planner.jobs.views.job_download`, which checks who asks.

An input file (`payload["input_file"]`) is deleted when its job finishes, succeeded or failed
for good (`services._finish`). An output file (`result["file"]`) is kept for `retention()` and
then deleted by `manage.py prune_job_files`, which also removes any file under `jobs/` that no
job needs any more (a worker killed between writing a file and recording it).
"""

import datetime
import logging
import tempfile
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)

PREFIX = "jobs"
INPUTS = f"{PREFIX}/inputs"
OUTPUTS = f"{PREFIX}/exports"
CHUNK = 1024 * 1024


def retention():
    """How long an export stays downloadable (JOBS_FILE_RETENTION_HOURS, default 24)."""
    return datetime.timedelta(hours=getattr(settings, "JOBS_FILE_RETENTION_HOURS", 24))


def save_input(upload, suffix):
    """Store an uploaded file for a job; returns its storage name."""
    name = f"{INPUTS}/{uuid.uuid4().hex}{suffix}"
    return default_storage.save(name, upload, max_length=200)


def output_name(job, suffix):
    """The one name a job's output has: running the job again overwrites it."""
    return f"{OUTPUTS}/job-{job.pk}{suffix}"


class Output:
    """A job's output being written: `file` (binary) to write to; `name` and `size` once stored."""

    def __init__(self, file):
        self.file = file
        self.name = None
        self.size = 0


@contextmanager
def writing_output(job, suffix):
    """Write a job's output: yields an Output; on a clean exit its file is stored under
    `output_name()`, replacing an earlier run's.

    It is written to an anonymous temporary file first (which the system deletes even if the
    worker is killed), then copied to the storage in chunks.
    """
    name = output_name(job, suffix)
    with tempfile.TemporaryFile(dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)) as spool:
        output = Output(spool)
        yield output
        spool.flush()
        output.size = spool.tell()
        spool.seek(0)
        if default_storage.exists(name):
            default_storage.delete(name)
        output.name = default_storage.save(name, File(spool, name=name), max_length=200)


def exists(name):
    return bool(name) and default_storage.exists(name)


def open_file(name):
    return default_storage.open(name, "rb")


def delete(name):
    """Delete a job file if it is there (never raises: a leftover is pruned later)."""
    if not name or not name.startswith(f"{PREFIX}/"):
        return False
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
            return True
    except OSError:
        logger.warning("job file %s not deleted", name, exc_info=True)
    return False


def discard_input(job):
    """A finished job's input file is no longer needed."""
    return delete((job.payload or {}).get("input_file"))


def prune(now=None):
    """Delete exports older than the retention and files no job needs. Returns how many."""
    from planner.jobs.models import ACTIVE, Job, JobKind, JobStatus

    now = now or timezone.now()
    cutoff = now - retention()
    deleted = 0
    expired = Job.objects.filter(
        kind=JobKind.EXPORT,
        status=JobStatus.SUCCEEDED,
        finished_at__lt=cutoff,
        result__has_key="file",
    )
    for job in expired.iterator(chunk_size=500):
        name = job.result.get("file")
        if not name:
            continue
        deleted += delete(name)
        result = {key: value for key, value in job.result.items() if key != "file"}
        Job.objects.filter(pk=job.pk).update(result={**result, "expired": True})
    for job in Job.objects.exclude(status__in=ACTIVE).filter(payload__has_key="input_file"):
        deleted += delete(job.payload.get("input_file"))

    # Files no job refers to: left by a worker killed at the wrong moment, or by a failed
    # export. Only old ones, so a file just written and about to be recorded is left alone.
    wanted = set()
    needed = Job.objects.filter(status__in=ACTIVE) | Job.objects.filter(
        kind=JobKind.EXPORT, status=JobStatus.SUCCEEDED, finished_at__gte=cutoff
    )
    for payload, result in needed.values_list("payload", "result").iterator(chunk_size=500):
        wanted |= {_get(payload, "input_file"), _get(result, "file")}
    for folder in (INPUTS, OUTPUTS):
        for name in _listing(folder):
            if name in wanted:
                continue
            try:
                old = default_storage.get_modified_time(name) < cutoff
            except (OSError, NotImplementedError):
                old = False
            if old:
                deleted += delete(name)
    return deleted


def _get(data, key):
    return data.get(key) if isinstance(data, dict) else None


def _listing(folder):
    try:
        _dirs, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return []
    return [f"{folder}/{name}" for name in names]
