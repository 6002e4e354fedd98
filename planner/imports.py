"""Importing an ad report's daily results into the business's SMM tasks.

The steps, each its own request (possibly on another app server, hence the upload is kept in
the database as a ReportUpload):

1. `store_upload()`: the file is read (planner/ad_reports.py) and kept, or refused as a whole.
2. `mapping_names()` / `save_mappings()`: each campaign name of the report matches an SMM task
   whose title is the same ignoring case, or the task (or "skip these rows") chosen for that
   name before — remembered per business and report format in ImportMapping.
3. `build_preview()`: the days to add, the days whose figures are replaced, and every error with
   its row number. Rows of one task and day (several ad sets of a campaign, or several names
   mapped to one task) are summed into one figure.
4. `apply()`, run by a background job (`run_import_job`, started by the confirm step): all or
   nothing. Any error refuses the whole import; to
   leave bad rows out, fix the file (or map their campaign to "skip") and upload it again. A day
   that already has results gets the report's figures instead of its old ones (the figures the
   report has no column for are kept), so importing a file twice gives the same totals as once.
"""

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from planner import ad_reports, entry_rules, rollups
from planner.models import ImportMapping, ReportUpload, ResultEntry, StagedResultDay, Task

SKIP = "skip"
KEY_LENGTH = ImportMapping._meta.get_field("name_key").max_length
UPLOAD_TTL = datetime.timedelta(days=1)  # an upload nobody confirmed is deleted after this
DEADLOCK_RETRIES = 3
STAGE_BATCH = 5000  # staged days per INSERT, and between two progress reports


class ImportRefused(Exception):
    """The report cannot be applied as it is; the message says why."""


@dataclass
class Match:
    """Where one campaign name of the report goes."""

    key: str
    name: str  # as written in the report
    rows: int
    task_id: int | None = None
    task_title: str = ""
    how: str = ""  # "title", "remembered", "skip", or "" when unresolved
    problem: str = ""  # why it is unresolved

    @property
    def skipped(self):
        return self.how == SKIP

    @property
    def resolved(self):
        return self.task_id is not None or self.skipped


@dataclass(slots=True)
class DayFigures:
    """One task's figures for one day, summed over the report's rows for it."""

    task_id: int
    task_title: str
    date: datetime.date
    figures: list  # in ad_reports.FIGURES order; amounts rounded to cents
    lines: list  # the report's row numbers that were summed
    before: dict | None = None  # the day's figures already saved, when it is replaced

    def __getattr__(self, name):
        if name in ad_reports.FIGURES:
            return self.figures[ad_reports.FIGURES.index(name)]
        raise AttributeError(name)


@dataclass
class Preview:
    report: ad_reports.Report
    matches: list
    to_add: list = field(default_factory=list)
    to_replace: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # What entry_rules refuses or warns of on the task page, as warnings: the report is the
    # network's own count (LinkedIn's clicks include clicks on the company name, say).
    warnings: list = field(default_factory=list)
    skipped_rows: int = 0

    @property
    def header(self):
        return self.report.header

    @property
    def days(self):
        return self.to_add + self.to_replace

    @property
    def dates(self):
        return {day.date for day in self.days}

    @property
    def first_date(self):
        return min(self.dates, default=None)

    @property
    def last_date(self):
        return max(self.dates, default=None)

    @property
    def can_apply(self):
        return not self.errors and bool(self.days)

    @property
    def unresolved(self):
        return [match for match in self.matches if not match.resolved]

    def totals(self):
        """Sums of the figures the import writes, for the preview's summary line."""
        return {
            name: sum(day.figures[index] for day in self.days)
            for index, name in enumerate(ad_reports.FIGURES)
        }


# --- Steps -------------------------------------------------------------------------------------


@transaction.atomic
def store_upload(business, user, file_name, data):
    """Keep an uploaded report for the next steps; ad_reports.ReportError if it is not one.

    Parsed once here too, so that a file with no rows, or one the csv module cannot read, is
    refused at the file field instead of one step later (bad rows are for the preview).
    """
    text, _header = ad_reports.read(data, currency=business.currency)
    ad_reports.parse(text, currency=business.currency)
    ReportUpload.objects.filter(
        business=business, created_at__lt=timezone.now() - UPLOAD_TTL
    ).delete()
    # Rows staged by an import run that died, of uploads gone since (usually none at all).
    StagedResultDay.objects.exclude(upload_id__in=ReportUpload.objects.values("pk")).delete()
    return ReportUpload.objects.create(
        business=business, uploaded_by=user, file_name=file_name[:255], content=text
    )


def load(upload, business):
    """The stored report, parsed (ad_reports.ReportError if it no longer can be)."""
    return ad_reports.parse(upload.content, currency=business.currency)


def match_campaigns(business, report):
    """A Match for each campaign name in the report, in the order they first appear.

    A unique SMM task title (ignoring case) wins; otherwise the remembered choice for the name.
    Only the business's own SMM tasks are ever candidates: spend goes on paid tasks only.
    """
    titles = {}
    for pk, title in Task.objects.for_business(business).smm().values_list("pk", "title"):
        titles.setdefault(ad_reports.name_key(title), []).append((pk, title))
    task_titles = {pk: title for found in titles.values() for pk, title in found}
    remembered = {
        key: task_id
        for key, task_id in ImportMapping.objects.for_business(business)
        .filter(source=report.header.format)
        .values_list("name_key", "task_id")
    }
    matches = []
    for key, (name, rows) in report.campaigns.items():
        match = Match(key=key, name=name, rows=rows)
        found = titles.get(key, [])
        stored = key[:KEY_LENGTH]
        if len(found) == 1:
            match.task_id, match.task_title = found[0]
            match.how = "title"
        elif stored in remembered and remembered[stored] is None:
            match.how = SKIP
        elif stored in remembered and remembered[stored] in task_titles:
            match.task_id = remembered[stored]
            match.task_title = task_titles[match.task_id]
            match.how = "remembered"
        elif found:
            match.problem = f"{len(found)} SMM ad campaigns have this title"
        else:
            match.problem = "no SMM ad campaign has this title"
        matches.append(match)
    return matches


def mapping_names(business, report):
    """The matches the mapping step asks about: every name no unique task title matches."""
    return [match for match in match_campaigns(business, report) if match.how != "title"]


@transaction.atomic
def save_mappings(business, source, choices):
    """Remember `choices`: {name as in the report: SMM task id, or None to skip its rows}.

    The ids must be the business's own SMM tasks (the form offers only those; this checks
    again). One INSERT … ON CONFLICT for all of them.
    """
    own = set(
        Task.objects.for_business(business)
        .smm()
        .filter(pk__in=[pk for pk in choices.values() if pk is not None])
        .values_list("pk", flat=True)
    )
    foreign = {pk for pk in choices.values() if pk is not None} - own
    if foreign:
        raise ImportRefused("Pick one of this business's SMM ad campaigns.")
    ImportMapping.objects.bulk_create(
        [
            ImportMapping(
                business=business,
                source=source,
                name=name[:KEY_LENGTH],
                name_key=ad_reports.name_key(name)[:KEY_LENGTH],
                task_id=task_id,
            )
            for name, task_id in choices.items()
        ],
        update_conflicts=True,
        unique_fields=["business", "source", "name_key"],
        update_fields=["name", "task", "updated_at"],
    )


def build_preview(business, report, matches=None):
    """What applying the report would do: days added, days replaced, errors, skipped rows."""
    matches = matches if matches is not None else match_campaigns(business, report)
    by_key = {match.key: match for match in matches}
    preview = Preview(report=report, matches=matches)
    skipped = {key for key, match in by_key.items() if match.skipped}
    # Errors in rows the user chose to skip do not stop the import.
    for error in report.errors:
        if error.campaign and ad_reports.name_key(error.campaign) in skipped:
            preview.skipped_rows += 1
        else:
            preview.errors.append(error)

    groups = {}
    by_name = {}  # the report's spellings of each name, looked up once
    for row in report.rows:
        match = by_name.get(row.campaign)
        if match is None:
            match = by_name[row.campaign] = by_key[ad_reports.name_key(row.campaign)]
        if match.skipped:
            preview.skipped_rows += 1
            continue
        if match.task_id is None:
            preview.errors.append(
                ad_reports.RowError(
                    row.line,
                    f"Unknown campaign “{row.campaign}” ({match.problem}): map it to an SMM "
                    "ad campaign or skip its rows.",
                    row.campaign,
                )
            )
            continue
        group = groups.get((match.task_id, row.date))
        if group is None:
            groups[(match.task_id, row.date)] = DayFigures(
                match.task_id, match.task_title, row.date, list(row.figures), [row.line]
            )
        else:
            group.figures = [a + b for a, b in zip(group.figures, row.figures, strict=True)]
            group.lines.append(row.line)

    amounts = [index for index, name in enumerate(ad_reports.FIGURES) if name in ad_reports.AMOUNTS]
    limits = [
        ad_reports.MAX_AMOUNT if name in ad_reports.AMOUNTS else ad_reports.MAX_COUNT
        for name in ad_reports.FIGURES
    ]
    for day in groups.values():
        figures = day.figures
        for index in amounts:
            figures[index] = ad_reports.money(figures[index])
        too_large = [
            name
            for name, value, limit in zip(ad_reports.FIGURES, figures, limits, strict=True)
            if value > limit
        ]
        if too_large:
            preview.errors.append(
                ad_reports.RowError(
                    day.lines[0],
                    f"{too_large[0].replace('_', ' ')} summed over rows "
                    f"{', '.join(map(str, day.lines))} is too large.",
                )
            )
    preview.errors.sort(key=lambda error: error.line)
    preview.warnings = _warnings(business, groups.values())

    existing = _existing(business, groups)
    for key, day in sorted(groups.items(), key=lambda item: (item[0][1], item[1].task_title)):
        if key in existing:
            day.before = existing[key]
            preview.to_replace.append(day)
        else:
            preview.to_add.append(day)
    return preview


def _warnings(business, days):
    """Row warnings for figures that cannot be true together, future days and spend outside
    the ad's flight (one query: the flights of the matched ads)."""
    days = list(days)
    flights = {
        pk: (start, end)
        for pk, start, end in Task.objects.for_business(business)
        .filter(pk__in={day.task_id for day in days})
        .values_list("pk", "flight_start", "flight_end")
    }
    today = timezone.localdate()
    found = []
    for day in sorted(days, key=lambda day: day.lines[0]):
        figures = dict(zip(ad_reports.FIGURES, day.figures, strict=True))
        start, end = flights.get(day.task_id, (None, None))
        messages = [
            *entry_rules.impossible_results(figures).values(),
            entry_rules.future_day(day.date, today, "results"),
            entry_rules.spend_outside_flight(day.date, figures["spend"], start, end),
        ]
        found += [
            ad_reports.RowError(day.lines[0], f"{day.task_title}, {day.date:%Y-%m-%d}: {message}")
            for message in messages
            if message
        ]
    return found


def _existing(business, groups):
    """The saved figures of the days the report touches, by (task id, date): one query."""
    if not groups:
        return {}
    dates = [date for _task, date in groups]
    rows = (
        ResultEntry.objects.for_business(business)
        .filter(task__kind="smm", date__gte=min(dates), date__lte=max(dates))
        .values_list("task_id", "date", *ad_reports.FIGURES)
    )
    found = {}
    for task_id, date, *figures in rows.iterator(chunk_size=5000):
        if (task_id, date) in groups:
            found[(task_id, date)] = dict(zip(ad_reports.FIGURES, figures, strict=True))
    return found


def apply(upload, business, progress=None, on_applied=None):
    """Import a stored report: all its days at once, or nothing; then delete the upload.

    The slow part runs outside the business's lock: parsing, matching and checking the rows,
    and staging the days in StagedResultDay. Then one transaction: check that the matches still
    hold (the tasks and mappings may have changed since), copy the staged days into the results
    with one INSERT … SELECT … ON CONFLICT, and, under the business's lock, refresh the touched
    days' rollups and delete the upload. ImportRefused if anything is wrong, and then nothing is
    saved.

    `progress` (a planner.jobs Progress) is told how far it is; `on_applied(preview)` runs
    inside the locked transaction, so what it writes (the job's result) commits with the
    import or not at all. Returns the Preview of what was done.
    """
    report_progress = progress.update if progress else (lambda **kwargs: None)
    upload = ReportUpload.objects.filter(pk=upload.pk).first()
    if upload is None:
        raise ImportRefused("This report was already imported or cancelled.")
    report_progress(phase="Reading the report", done=0, total=0)
    try:
        report = load(upload, business)
    except ad_reports.ReportError as error:
        raise ImportRefused(str(error)) from None
    matches = match_campaigns(business, report)
    preview = build_preview(business, report, matches)
    if preview.errors:
        raise ImportRefused(
            f"The report has {len(preview.errors):,} row(s) with errors; nothing was "
            "imported. Fix them in the file and upload it again."
        )
    if not preview.days:
        raise ImportRefused("Nothing to import: every row is skipped.")
    rows = sum(len(day.lines) for day in preview.days)
    run = uuid.uuid4().hex
    try:
        _stage(
            run,
            upload.pk,
            preview.days,
            lambda done: report_progress(phase="Checking and staging rows", done=done, total=rows),
        )
        report_progress(phase="Saving", done=rows, total=rows)
        for attempt in range(1, DEADLOCK_RETRIES + 1):
            try:
                _apply_staged(business, upload, report, matches, preview, run, on_applied)
                break
            except (OperationalError, IntegrityError) as error:
                # The copy holds result rows while it waits for the business's lock; a writer
                # that took the lock first and then wants one of those rows (deleting a task of
                # the report) deadlocks with it (40P01), and PostgreSQL cancels the one that
                # waited first, the import. Or the task went while the rows were copied, and
                # the foreign key refuses them at commit (23503). Either way nothing was saved
                # and the staged rows are still there: the short step runs again, and its check
                # of the campaigns then refuses the import with the reason if a task is gone.
                retry = getattr(error.__cause__, "sqlstate", None) in ("40P01", "23503")
                if not retry or attempt == DEADLOCK_RETRIES:
                    raise
    finally:
        StagedResultDay.objects.filter(run=run).delete()
    # Applied: whatever an earlier run that died left staged for this upload goes too.
    StagedResultDay.objects.filter(upload_id=upload.pk).delete()
    return preview


def _apply_staged(business, upload, report, matches, preview, run, on_applied):
    """The all-or-nothing step: copy the staged days, re-sum them, delete the upload."""
    with transaction.atomic():
        # The upload's row lock: one apply of an upload at a time; the second finds it gone.
        if not ReportUpload.objects.select_for_update().filter(pk=upload.pk).exists():
            raise ImportRefused("This report was already imported or cancelled.")
        if _targets(match_campaigns(business, report)) != _targets(matches):
            raise ImportRefused(
                "SMM ad campaigns or their mappings changed while the report was being "
                "imported, so nothing was imported. Check the preview and import again."
            )
        # The copy locks only the result rows it writes; the business's lock (every writer of
        # the sums takes it) is held just for re-summing the days, so saves elsewhere in the
        # business wait for that, not for the copy. In READ COMMITTED (both databases' mode
        # here) whoever re-sums a day last under the lock sees everything committed before
        # it, so the rollups stay exact.
        copied = _copy_staged(business, run, report.header.figures)
        if copied != len(preview.days):  # never: the staged rows are this run's alone
            raise ImportRefused("The staged rows are incomplete; nothing was imported.")
        rollups.lock(business.pk)
        rollups.refresh(business.pk, preview.dates)
        rollups.refresh_figures(
            business.pk,
            [task_id for task_id, skipped in _targets(matches).values() if task_id and not skipped],
        )
        ReportUpload.objects.filter(pk=upload.pk).delete()
        if on_applied is not None:
            on_applied(preview)


def stage_days(days):
    """Stage task-days of figures (DayFigures) for copy_days, as an import does; the run's id.
    Staged rows live until copy_days copies them or discard_days drops them."""
    run = uuid.uuid4().hex
    _stage(run, 0, days, lambda done: None)
    return run


def copy_days(business, run, figure_names):
    """Copy a staged run into the results, as an import's copy does: days that exist get
    `figure_names` replaced (their other figures are kept), new days get 0 for the others.
    The caller holds the business's lock and moves the rollups and pacing
    (planner/api/bulk.py). Returns the days written."""
    copied = _copy_staged(business, run, figure_names)
    discard_days(run)
    return copied


def discard_days(run):
    StagedResultDay.objects.filter(run=run).delete()


def saved_figures(business, runs):
    """{(task id, date): figures} of the results the staged `runs` would replace: one join on
    the unique (task, date), whatever the business's size."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"r.{quote(name)}" for name in ad_reports.FIGURES)
    sql = (
        f"SELECT r.task_id, r.date, {columns} FROM {quote(ResultEntry._meta.db_table)} r "
        f"JOIN {quote(StagedResultDay._meta.db_table)} s "
        "ON s.task_id = r.task_id AND s.date = r.date "
        f"WHERE r.business_id = %s AND s.run IN ({', '.join(['%s'] * len(runs))})"
    )
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [business.pk, *runs])
        for task_id, date, *figures in cursor.fetchall():
            if isinstance(date, str):  # SQLite
                date = datetime.date.fromisoformat(date)
            values = [
                field.to_python(value)
                for field, value in zip(_figure_fields(), figures, strict=True)
            ]
            found[(task_id, date)] = dict(zip(ad_reports.FIGURES, values, strict=True))
    return found


def _figure_fields():
    return [ResultEntry._meta.get_field(name) for name in ad_reports.FIGURES]


def _targets(matches):
    return {match.key: (match.task_id, match.how == SKIP) for match in matches}


def _stage(run, upload_id, days, on_progress):
    """Write the days to StagedResultDay as `run`'s rows, in batches (outside any lock).

    Plain COPY (PostgreSQL) or executemany (SQLite) rather than bulk_create: the ORM's per-value
    preparation took four fifths of a 100,000-row import, and these rows need none of it.
    """
    quote = connection.ops.quote_name
    names = ["upload_id", "run", "task_id", "date", *ad_reports.FIGURES]
    table, columns = quote(StagedResultDay._meta.db_table), ", ".join(map(quote, names))
    done = 0
    for start in range(0, len(days), STAGE_BATCH):
        batch = days[start : start + STAGE_BATCH]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for day in batch:
                        copy.write_row((upload_id, run, day.task_id, day.date, *day.figures))
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})",
                    [
                        (
                            upload_id,
                            run,
                            day.task_id,
                            day.date.isoformat(),
                            *map(str, day.figures),
                        )
                        for day in batch
                    ],
                )
        done += sum(len(day.lines) for day in batch)
        on_progress(done)


def _copy_staged(business, run, figure_names):
    """One statement: the staged days into ResultEntry, replacing the report's figures on days
    that exist (the others keep theirs) and 0 for them on new days.

    Plain SQL because the ORM has no INSERT … SELECT; the same text runs on SQLite (3.24+) and
    PostgreSQL. The unique (task, date) constraint is the conflict target.
    """
    quote = connection.ops.quote_name
    figures = ", ".join(quote(name) for name in ad_reports.FIGURES)
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in figure_names)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {quote(ResultEntry._meta.db_table)} "
        f"(business_id, task_id, date, {figures}, created_at) "
        f"SELECT %s, task_id, date, {figures}, %s "
        f"FROM {quote(StagedResultDay._meta.db_table)} WHERE run = %s "
        # A fixed order: two imports touching the same days lock their rows in the same order.
        f"ORDER BY task_id, date "
        f"ON CONFLICT (task_id, date) {conflict}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred to COMMIT, which comes after the business's
            # lock is taken: checking 1,000,000 rows' keys there kept every save in the
            # business waiting for seconds. Checked now, they cost the same outside the lock
            # (rollups.lock's FOR NO KEY UPDATE does not wait for their key-share locks).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, [business.pk, now, run])
        return cursor.rowcount


def cancel(upload):
    """Delete an upload nobody imported; False if it was imported (or cancelled) meanwhile."""
    with transaction.atomic():
        deleted, _ = ReportUpload.objects.filter(pk=upload.pk).delete()
        StagedResultDay.objects.filter(upload_id=upload.pk).delete()
    return bool(deleted)


def job_key(business, upload_id):
    """The import job's dedupe key: one job per upload."""
    return f"report_import:{business.pk}:{upload_id}"


def run_import_job(job, progress):
    """The job behind "Import": apply the upload named in the job (planner.jobs).

    Run twice (a retry, or a worker killed after the import committed), it finds the upload
    gone and the result saved in the same transaction as the import, and says what it did.
    """
    from planner.jobs.models import Job
    from planner.jobs.services import JobRefused

    business = job.business
    upload = ReportUpload.objects.filter(pk=job.payload["upload_id"], business=business).first()
    if upload is None:
        saved = Job.objects.filter(pk=job.pk).values_list("result", flat=True).first()
        if saved:
            return saved
        raise JobRefused("This report was cancelled before it was imported.")

    def record(preview):
        from planner.teamwork.activity import record_business
        from planner.teamwork.models import Verb

        Job.objects.filter(pk=job.pk).update(result=_job_result(preview))
        record_business(
            business.pk, job.started_by, Verb.IMPORTED, f"{job.label}: {summary(preview)}"
        )

    try:
        preview = apply(upload, business, progress=progress, on_applied=record)
    except ImportRefused as refusal:
        raise JobRefused(str(refusal)) from None
    return _job_result(preview)


def _job_result(preview):
    period = {
        "period": "custom",
        "start": preview.first_date.isoformat(),
        "end": preview.last_date.isoformat(),
    }
    return {
        "message": summary(preview),
        "period": "?" + urlencode(period),
        "spend": str(preview.totals()["spend"]),
        "days": len(preview.days),
    }


def summary(preview):
    """One sentence for the message after an import."""
    parts = [f"{len(preview.to_add):,} day(s) added", f"{len(preview.to_replace):,} replaced"]
    if preview.skipped_rows:
        parts.append(f"{preview.skipped_rows:,} row(s) skipped")
    rows = Counter(len(day.lines) for day in preview.days)
    summed = sum(count for lines, count in rows.items() if lines > 1)
    if summed:
        parts.append(f"{summed:,} day(s) summed from several rows")
    return "Ad report imported: " + ", ".join(parts) + "."
