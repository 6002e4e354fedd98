"""CSV exports: what a list shows, as a spreadsheet can read it safely."""

import csv
import datetime
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from planner.kpis import money

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TASK_CHUNK = 2000  # tasks per fetch


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain(value):
    """Dates in ISO 8601 (times in the active time zone), money as plain decimals."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(money(value))
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class Echo:
    """A write-only file for csv.writer that hands each line back (for streaming)."""

    def write(self, value):
        return value


COMMON = [
    ("id", lambda t: t.pk),
    ("title", lambda t: safe_cell(t.title)),
    ("platform", lambda t: safe_cell(str(t.platform))),
    ("campaign", lambda t: safe_cell(t.campaign.name if t.campaign_id else "")),
    ("status", lambda t: t.status),
    ("assignee", lambda t: safe_cell(t.assignee.username if t.assignee_id else "")),
    ("estimated hours", lambda t: plain(t.estimated_hours)),
    ("production cost", lambda t: plain(t.production_cost)),
]
SMO_COLUMNS = COMMON + [
    ("scheduled at", lambda t: plain(t.scheduled_at)),
    ("post text", lambda t: safe_cell(t.post_text)),
    ("hashtags", lambda t: safe_cell(t.hashtags)),
    ("backlink URL", lambda t: safe_cell(t.backlink_url)),
    ("tagged URL", lambda t: safe_cell(t.tagged_url)),
    ("image alt text", lambda t: safe_cell(t.image_alt)),
    ("published URL", lambda t: safe_cell(t.published_url)),
]
SMM_COLUMNS = COMMON + [
    ("objective", lambda t: t.objective),
    ("bid model", lambda t: t.bid_model),
    ("max bid", lambda t: plain(t.max_bid)),
    ("budget type", lambda t: t.budget_type),
    ("budget amount", lambda t: plain(t.budget_amount)),
    ("flight start", lambda t: plain(t.flight_start)),
    ("flight end", lambda t: plain(t.flight_end)),
    ("audience job titles", lambda t: safe_cell(t.audience_job_titles)),
    ("audience interests", lambda t: safe_cell(t.audience_interests)),
    ("audience locations", lambda t: safe_cell(t.audience_locations)),
    ("age min", lambda t: plain(t.audience_age_min)),
    ("age max", lambda t: plain(t.audience_age_max)),
    ("ad headline", lambda t: safe_cell(t.ad_headline)),
    ("ad text", lambda t: safe_cell(t.ad_text)),
    ("destination URL", lambda t: safe_cell(t.destination_url)),
    ("tagged URL", lambda t: safe_cell(t.tagged_url)),
]


def task_rows(kind, tasks):
    """Header and one line per task, as CSV text, for a StreamingHttpResponse."""
    columns = SMO_COLUMNS if kind == "smo" else SMM_COLUMNS
    writer = csv.writer(Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read UTF-8
    yield writer.writerow([title for title, _value in columns])
    for task in tasks.iterator(chunk_size=TASK_CHUNK):
        yield writer.writerow([value(task) for _title, value in columns])


# --- Exports as jobs ----------------------------------------------------------------------------
#
# The business's JSON export is always written by a job; a task list's CSV is streamed straight
# to the browser up to JOB_THRESHOLD rows and written by a job past that. The job writes the
# file to the job storage (planner/jobs/files.py), and its page offers it for download until it
# expires.

JOB_THRESHOLD = 5000  # rows: a longer task list is exported by a job
CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"


def needs_job(tasks):
    """True when the list is longer than JOB_THRESHOLD (counted no further than that)."""
    return tasks.order_by()[: JOB_THRESHOLD + 1].count() > JOB_THRESHOLD


def start_export(business, user, payload, label):
    """Start an export job, or find the same export this user already has running."""
    from planner.jobs import services
    from planner.jobs.models import ACTIVE, Job, JobKind

    running = (
        Job.objects.for_business(business)
        .filter(kind=JobKind.EXPORT, started_by=user, status__in=ACTIVE)
        .filter(payload__key=payload["key"])
        .first()
    )
    if running is not None:
        return running
    return services.start(
        JobKind.EXPORT, label=label, business=business, user=user, payload=payload
    )


def business_payload():
    return {"what": "business", "key": "business"}


def tasks_payload(kind, query, today, user_id=None):
    """A task list's export: the kind, its filters (the list's query string), the day and who
    asked (whose "waiting for me" it is)."""
    return {
        "what": "tasks",
        "kind": kind,
        "query": query,
        "today": today.isoformat(),
        "user": user_id,
        "key": f"tasks:{kind}:{query}",
    }


def run_export_job(job, progress):
    """The job behind an export: write the file, store it, say where it is (planner/jobs).

    Run again (a retry, a worker killed), it writes the same file again under the same name.
    """
    from planner import portability
    from planner.jobs import files
    from planner.jobs.services import JobRefused

    business = job.business
    what = job.payload.get("what")
    day = timezone.localdate(timezone=zoneinfo.ZoneInfo(business.time_zone)).isoformat()
    with timezone.override(business.time_zone), portability.read_snapshot():
        if what == "business":
            with files.writing_output(job, ".json") as output:
                rows = portability.write_export(business, output.file, progress)
            file_name, content_type = f"business-{business.pk}-{day}.json", JSON_TYPE
        elif what == "tasks":
            kind = job.payload["kind"]
            tasks = _filtered(business, kind, job.payload)
            with files.writing_output(job, ".csv") as output:
                rows = write_task_csv(kind, tasks, output.file, progress)
            file_name, content_type = f"{kind}-tasks-{day}.csv", CSV_TYPE
        elif what == "report":
            from django.http import QueryDict

            from planner.reports import pdf

            today = datetime.date.fromisoformat(job.payload["today"])
            with files.writing_output(job, ".pdf") as output:
                rows = pdf.write_pdf(business, QueryDict(job.payload["query"]), today, output.file)
            file_name, content_type = f"report-{business.pk}-{day}.pdf", "application/pdf"
        else:
            raise JobRefused("This export is of an unknown kind.")
    counted = "page(s)" if what == "report" else "row(s)"
    return {
        "message": f"The export is ready: {rows:,} {counted}, {_size(output.size)}.",
        "file": output.name,
        "file_name": file_name,
        "content_type": content_type,
        "size": output.size,
        "rows": rows,
    }


def _filtered(business, kind, payload):
    """The list as it was asked for: the same filters, as of the day it was asked."""
    from django.http import QueryDict

    from planner.forms import TaskFilterForm
    from planner.models import Membership, Task

    query = QueryDict(payload.get("query", ""))
    # "Waiting for me" is the waiting of whoever asked for the export.
    member = Membership.objects.filter(business=business, user_id=payload.get("user")).first()
    filters = TaskFilterForm(query or None, business=business, kind=kind, member=member)
    return filters.apply(
        Task.objects.for_business(business)
        .filter(kind=kind)
        .select_related("platform", "campaign", "assignee", "business"),
        today=datetime.date.fromisoformat(payload["today"]),
    )


def write_task_csv(kind, tasks, out, progress=None):
    """The task list as CSV (what `task_rows` streams), to the binary file `out`, reading the
    tasks in chunks; returns the rows written."""
    report = progress.update if progress else (lambda **kwargs: None)
    total = tasks.count()
    report(phase="Writing the CSV", done=0, total=total)
    rows = -1  # the header is not a row
    for line in task_rows(kind, tasks):
        out.write(line.encode("utf-8"))
        if line != "\ufeff":
            rows += 1
            if rows and rows % (TASK_CHUNK * 5) == 0:
                report(done=rows)
    report(done=min(rows, total) if total else 0)
    return rows


def _size(size):
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""
