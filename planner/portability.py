"""A whole business as one JSON document, and back: data people can take with them.

The export holds the business's settings, its members (username, e-mail, role), platforms,
campaigns, tasks, time entries and results. Rows refer to each other by their position in the
file, not by database ids, so an import creates fresh rows in a new business. Post images are
files and are not included. An import makes nobody a member but the person importing (the
owner): the others in the file are listed with links to invite them, since joining a business
takes the invitee's own click. Hours logged, and tasks assigned, by the person importing stay
theirs; everyone else's are kept without a member. Importing checks every row with the models'
own validation and constraints and with the rules the forms add on top (quarter hours,
hashtags, fields of the other kind left empty), and saves all of it or nothing.

The platforms' text limits are not checked: a post moved to another platform, or whose
platform changed kind, can be over its new limit in the app itself (its page warns, and its
form asks for a shorter text), and a backup of that business must still restore.

Both directions run as background jobs (planner/jobs) and keep memory flat whatever the size:

- `write_export()` writes the document item by item from querysets read in chunks; rows refer
  to tasks by position, found by bisecting a compact array of the exported task ids. On
  PostgreSQL it reads in one REPEATABLE READ transaction, so the file is one consistent
  snapshot.
- `import_file()` reads the file with a streaming parser (ijson): one pass checks the whole
  document (its syntax, its shape, every string) and keeps only the small sections (business,
  members, platforms, campaigns); then one pass per big section (tasks, time entries, results)
  builds, checks and saves its rows in batches, keeping only each task's id and kind for the
  rows that refer to it. All of it in one transaction: an error anywhere saves nothing.
"""

import datetime
import functools
import io
import json
import re
import zoneinfo
from array import array
from bisect import bisect_left
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlencode

import ijson
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, router, transaction
from django.db.models import CheckConstraint, FileField, Q
from django.urls import reverse

from planner import rollups, services, text_rules
from planner.forms import SmmTaskForm, SmoTaskForm, quarter_hours
from planner.models import (
    Business,
    Campaign,
    Kind,
    Membership,
    Platform,
    ResultEntry,
    Role,
    Task,
    TimeEntry,
    currency_choices,
)

FORMAT = "campaign-planner/1"
BUSINESS_FIELDS = (
    "name",
    "website_url",
    "currency",
    "time_zone",
    "hourly_rate",
    "require_mfa",
    "approval_mode",
    "authors_cannot_approve",
)
PLATFORM_FIELDS = ("kind", "handle", "profile_url", *Platform.CHECKLIST)
CAMPAIGN_FIELDS = ("name", "slug", "objective", "start_date", "end_date", "budget", "notes")
TASK_SKIP = {
    "id",
    "business",
    "platform",
    "campaign",
    "assignee",
    "image",
    "created_at",
    "updated_at",
    "version",
    # Kept by the planner from other fields and results, never carried in a file.
    "media_spend",
    "pace_over_from",
    "pace_over_until",
    "pace_under_from",
    "search_text",
    # A user of this installation: the review state travels, not who asked for it.
    "review_requested_by",
    # Post groups and recurring series are not in the file yet (docs/domain.md): each post
    # travels as a post of its own.
    "post_group",
    "series",
}
TASK_FIELDS = tuple(f.name for f in Task._meta.concrete_fields if f.name not in TASK_SKIP)
TIME_FIELDS = ("date", "hours", "note")
RESULT_FIELDS = (
    "date",
    "impressions",
    "reach",
    "engagements",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
)
# The fields a kind's form does not offer: an organic post has no bid, an ad no post text.
NOT_ON = {
    Kind.SMO: set(SmmTaskForm.Meta.fields) - set(SmoTaskForm.Meta.fields),
    Kind.SMM: set(SmoTaskForm.Meta.fields) - set(SmmTaskForm.Meta.fields) - {"image"},
}
# A field left alone on the other kind's form keeps its default (an SMO post's bid model: CPC).
DEFAULTS = {
    name: Task._meta.get_field(name).get_default() for name in set().union(*NOT_ON.values())
}
# The sections that grow with the business: read item by item, never held whole.
BIG = ("tasks", "time_entries", "results")
# The sections kept whole while the file is read (each row of the big ones may refer to them),
# and how many items each may have: far more than any business has, so the memory they take
# stays bounded whatever the file holds.
SMALL = ("format", "business", "members", "platforms", "campaigns")
MAX_SMALL_ITEMS = 10_000
MEMBER = ("user__username", "user__email", "role")
INVITE_LINKS = 20  # people of the export offered as invitation links on the result page
BATCH = 2000  # rows per INSERT, and between two progress reports
SCAN_CHUNK = 64 * 1024  # bytes read at a time by the scan for surrogate escapes
READ_CHUNK = 2000  # rows per fetch when exporting
MAX_DEPTH = 32  # an export nests 3 deep; deeper is not an export (and could exhaust memory)
NOT_JSON = "This is not a JSON export of a business."
NOT_EXPORT = f"This is not a campaign planner export (expected format {FORMAT})."
BOM = b"\xef\xbb\xbf"
# A \\uD800-\\uDFFF escape: the C parser turns a lone one into "?" (or fails without saying
# where), so a file with any of them is checked by the pure-Python parser, which keeps them.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")
FAST = ijson.get_backend("yajl2_c") if "yajl2_c" in ijson.ALL_BACKENDS else ijson
EXACT = ijson.get_backend("python")


class ImportError_(ValueError):  # noqa: N801 - "ImportError" is a builtin
    """The file cannot be imported; the message says why (and where)."""


# --- Export --------------------------------------------------------------------------------


def export_sections(business):
    """The document's sections in file order: (key, value), where the value of a big section
    (and of the lists) is an iterator of its items, produced as they are read."""
    platforms = list(
        Platform.objects.for_business(business).order_by("pk").values_list("pk", *PLATFORM_FIELDS)
    )
    campaigns = list(
        Campaign.objects.for_business(business).order_by("pk").values_list("pk", *CAMPAIGN_FIELDS)
    )
    platform_ref = {row[0]: i for i, row in enumerate(platforms)}
    campaign_ref = {row[0]: i for i, row in enumerate(campaigns)}
    task_ids = array("q")  # the exported tasks' ids, ascending: an item's position by bisect

    def task_index(task_id):
        i = bisect_left(task_ids, task_id)
        return i if i < len(task_ids) and task_ids[i] == task_id else None

    def tasks():
        rows = (
            Task.objects.for_business(business)
            .order_by("pk")
            .values_list("pk", "platform_id", "campaign_id", "assignee__username", *TASK_FIELDS)
        )
        for pk, platform_id, campaign_id, assignee, *values in rows.iterator(READ_CHUNK):
            task_ids.append(pk)
            yield {
                **_plain_row(TASK_FIELDS, values),
                "platform": platform_ref[platform_id],
                "campaign": campaign_ref.get(campaign_id),
                "assignee": assignee,
            }

    def time_entries():
        rows = (
            TimeEntry.objects.filter(business=business)
            .order_by("pk")
            .values_list("task_id", "user__username", *TIME_FIELDS)
        )
        for task_id, username, *values in rows.iterator(READ_CHUNK):
            index = task_index(task_id)
            if index is not None:  # else its task was added after the tasks were read
                yield {**_plain_row(TIME_FIELDS, values), "task": index, "user": username}

    def results():
        rows = (
            ResultEntry.objects.filter(business=business)
            .order_by("pk")
            .values_list("task_id", *RESULT_FIELDS)
        )
        for task_id, *values in rows.iterator(READ_CHUNK):
            index = task_index(task_id)
            if index is not None:
                yield {**_plain_row(RESULT_FIELDS, values), "task": index}

    members = Membership.objects.filter(business=business)
    yield "format", FORMAT
    yield "exported_at", datetime.datetime.now(datetime.UTC).isoformat()
    yield "business", _values(business, BUSINESS_FIELDS)
    yield (
        "members",
        iter(
            [
                {"username": name, "email": email, "role": role}
                for name, email, role in members.values_list(*MEMBER)
            ]
        ),
    )
    yield "platforms", (_plain_row(PLATFORM_FIELDS, row[1:]) for row in platforms)
    yield "campaigns", (_plain_row(CAMPAIGN_FIELDS, row[1:]) for row in campaigns)
    yield "tasks", tasks()
    yield "time_entries", time_entries()
    yield "results", results()


def export_business(business):
    """The whole document in memory, for tests and small businesses (the job writes it with
    `write_export()` instead)."""
    with read_snapshot():
        return {
            key: list(value) if _is_items(value) else value
            for key, value in export_sections(business)
        }


def export_counts(business):
    """How many rows the export writes (for its progress bar)."""
    return (
        Task.objects.for_business(business).count()
        + TimeEntry.objects.filter(business=business).count()
        + ResultEntry.objects.filter(business=business).count()
    )


def write_export(business, out, progress=None):
    """Write the document to the binary file `out`, one item at a time; returns the rows written.

    Memory stays flat: rows are read `READ_CHUNK` at a time and each item is encoded on its own.
    """
    report = progress.update if progress else (lambda **kwargs: None)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=False)
    written = 0
    with read_snapshot():
        total = export_counts(business)
        report(phase="Writing the export", done=0, total=total)
        text.write("{")
        for number, (key, value) in enumerate(export_sections(business)):
            text.write(("\n " if number == 0 else ",\n ") + _dumps(key) + ": ")
            if not _is_items(value):
                text.write(_dumps(value))
                continue
            count = 0
            text.write("[")
            for item in value:
                text.write(("\n  " if count == 0 else ",\n  ") + _dumps(item))
                count += 1
                if key in BIG:
                    written += 1
                    if written % (BATCH * 5) == 0:
                        report(done=written)
            text.write("\n ]" if count else "]")
        text.write("\n}\n")
        text.flush()
    text.detach()  # the caller closes `out`
    report(done=written)
    return written


def _dumps(value):
    return json.dumps(value, ensure_ascii=False)


def _is_items(value):
    return hasattr(value, "__next__")


@contextmanager
def read_snapshot():
    """One consistent view of the business for the whole export, where the database allows it:
    on PostgreSQL a REPEATABLE READ transaction (what pg_dump does); SQLite's file lock would
    stop every writer for as long, so there each query reads the latest rows."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _plain_row(fields, values):
    return {name: _plain(value) for name, value in zip(fields, values, strict=True)}


# --- Import --------------------------------------------------------------------------------


def import_business(data, owner):
    """Create a new business from an export (already parsed: a dict); `owner` becomes its
    owner. All or nothing. The job reads files with `import_file()` instead."""
    body = json.dumps(data, default=str).encode()
    return import_file(lambda: io.BytesIO(body), owner)


def import_file(open_file, owner, progress=None, on_imported=None):
    """Create a new business from the export that `open_file()` opens (a binary file; called
    once per pass). `owner` becomes its owner. All or nothing: ImportError_ says what is wrong
    and where, and then nothing was saved.

    `on_imported(business, counts, people)` runs inside the import's transaction (the job
    records its result there, so a re-run finds it). Returns the new Business.
    """
    report = progress.update if progress else (lambda **kwargs: None)
    report(phase="Checking the file", done=0, total=0)
    exact = _has_surrogate_escapes(open_file)
    survey = _survey(open_file, EXACT if exact else FAST)
    data = survey.small
    if data.get("format") != FORMAT:
        raise ImportError_(NOT_EXPORT)
    total = sum(survey.counts.values())
    counts = dict.fromkeys(BIG, 0)
    try:
        with transaction.atomic():
            business, users, platforms, campaigns, people = _create_business(data, owner)
            tasks = _TaskIndex()

            def saved(section, done):
                counts[section] = done
                report(phase=f"Saving {section.replace('_', ' ')}", done=sum(counts.values()))

            report(phase="Saving tasks", done=0, total=total)
            _import_tasks(open_file, business, users, platforms, campaigns, tasks, saved)
            _import_time_entries(open_file, business, users, tasks, saved)
            _import_results(open_file, business, tasks, saved)
            report(phase="Adding up the totals", done=total, total=total)
            _analyze(Task, TimeEntry, ResultEntry)
            rollups.refresh(business.pk)
            rollups.refresh_figures(business.pk)  # before the tallies, which sum its figures
            rollups.refresh_tallies(business.pk)
            if on_imported is not None:
                on_imported(business, counts, people)
    except IntegrityError as error:
        raise ImportError_(f"The file repeats a row that must be unique ({error}).") from error
    return business


def start_import(upload, user):
    """Store an uploaded export and start the job that imports it; returns the Job.

    The file goes to the job storage in chunks (Django's own upload file is moved or copied,
    never read whole); the job deletes it when it finishes.
    """
    from planner.jobs import files, services
    from planner.jobs.models import JobKind

    name = files.save_input(upload, ".json")
    try:
        return services.start(
            JobKind.BUSINESS_IMPORT,
            label=f"Import of {upload.name}",
            user=user,
            payload={"input_file": name, "file_name": upload.name[:200]},
        )
    except BaseException:
        files.delete(name)
        raise


def _analyze(*models):
    """Tell PostgreSQL's planner about the rows just loaded (ANALYZE sees this transaction's
    own). Without it the sums that follow are planned for a business with no rows: a nested
    loop over every result and task that runs for hours on a large database. A few seconds."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def run_import_job(job, progress):
    """The job behind "Import a business": import the file stored for it (planner/jobs).

    Run twice (a worker killed after the import committed), it finds the result recorded in
    the import's own transaction and returns it: there is never a second business.
    """
    from planner.jobs import files
    from planner.jobs.models import Job
    from planner.jobs.services import JobRefused

    saved = Job.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    if isinstance(saved, dict) and saved.get("business_id"):
        return saved
    if job.started_by_id is None:
        raise JobRefused("The account that started this import no longer exists.")
    name = job.payload.get("input_file")
    if not files.exists(name):
        raise JobRefused("The uploaded file is no longer there. Upload it again.")
    result = {}

    def record(business, counts, people):
        result.update(import_result(business, counts, people))
        Job.objects.filter(pk=job.pk).update(result=result)

    try:
        import_file(lambda: files.open_file(name), job.started_by, progress, on_imported=record)
    except ImportError_ as error:
        raise JobRefused(str(error)) from None
    return result


def import_result(business, counts, people=()):
    """The job's result: what was imported, and links to invite the people of the export."""
    rows = (
        f"{counts['tasks']:,} task(s), {counts['time_entries']:,} time entr(ies) and "
        f"{counts['results']:,} day(s) of results"
    )
    message = f"{business.name} was imported: {rows}."
    members = reverse("member_list", args=[business.pk])
    links = [["Open its dashboard", reverse("dashboard", args=[business.pk])]]
    if people:
        message += (
            f" {len(people):,} other member(s) of the export were not added: invite them "
            "from the members page (they join when they accept)."
        )
        links += [
            [
                f"Invite {person['email'] or person['username']} ({person['role']})",
                members + "?" + urlencode({"invite": person["email"], "role": person["role"]}),
            ]
            for person in people[:INVITE_LINKS]
        ]
        links.append(["Members page", members])
    return {"business_id": business.pk, "message": message, "links": links}


def _create_business(data, owner):
    users = _users_by_name(data, owner)
    business = _build(Business, data.get("business"), BUSINESS_FIELDS, "business")
    if business.time_zone not in zoneinfo.available_timezones():
        raise ImportError_(f"business: unknown time zone {business.time_zone!r}.")
    if business.currency not in {code for code, _name in currency_choices()}:
        raise ImportError_(f"business: unknown currency {business.currency!r}.")
    business.save()
    Membership.objects.create(business=business, user=owner, role=Role.OWNER)
    people = []  # the export's other members: offered as invitations, never added
    for i, member in enumerate(_list(data, "members")):
        if member.get("role") not in Role.values:
            raise ImportError_(f"members[{i}]: unknown role {member.get('role')!r}.")
        email = member.get("email") or ""
        if not isinstance(email, str) or len(email) > 254:
            raise ImportError_(f"members[{i}]: the e-mail address must be text.")
        if member["username"] != owner.username:
            people.append({"username": member["username"], "email": email, "role": member["role"]})

    platforms = [
        _check_platform(
            _build(Platform, row, PLATFORM_FIELDS, f"platforms[{i}]", business=business),
            f"platforms[{i}]",
        )
        for i, row in enumerate(_list(data, "platforms"))
    ]
    try:
        platforms = Platform.objects.bulk_create(platforms)
    except IntegrityError as error:
        raise ImportError_("platforms: the same profile appears twice.") from error
    campaigns = Campaign.objects.bulk_create(
        [
            _build(Campaign, row, CAMPAIGN_FIELDS, f"campaigns[{i}]", business=business)
            for i, row in enumerate(_list(data, "campaigns"))
        ]
    )
    return business, users, platforms, campaigns, people


class _TaskIndex:
    """The imported tasks by their position in the file: id and kind only (compact arrays)."""

    def __init__(self):
        self.ids = array("q")
        self.smm = bytearray()

    def __len__(self):
        return len(self.ids)

    def extend(self, tasks):
        self.ids.extend(task.pk for task in tasks)
        self.smm.extend(task.kind == Kind.SMM for task in tasks)

    def pick(self, index, where):
        """(id, kind) of the task at `index`, or ImportError_ if the file has none there."""
        _pick(self.ids, index, where, "task")
        return self.ids[index], Kind.SMM if self.smm[index] else Kind.SMO


def _items(open_file, section):
    """The section's items one by one (the survey checked that it is a list of objects)."""
    with open_file() as raw:
        yield from enumerate(FAST.items(_Unbommed(raw), f"{section}.item", use_float=True))


def _batches(items):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _import_tasks(open_file, business, users, platforms, campaigns, index, saved):
    def build(i, row):
        where = f"tasks[{i}]"
        # Rows of this import, picked from its own lists: nothing to look up.
        exclude = ("platform", "campaign", "assignee") + (
            () if row.get("work_date") else ("work_date",)
        )
        task = _build(
            Task,
            row,
            TASK_FIELDS,
            where,
            exclude=exclude,
            constraints=False,
            business=business,
            platform=_pick(platforms, row.get("platform"), where, "platform"),
            campaign=_pick(campaigns, row.get("campaign"), where, "campaign", optional=True),
            assignee=_user(users, row.get("assignee"), where),
        )
        return _check_task(task, where), where, exclude

    _import_section(open_file, "tasks", Task, build, saved, on_saved=index.extend)


def _import_time_entries(open_file, business, users, tasks, saved):
    def build(i, row):
        where = f"time_entries[{i}]"
        # Hours by someone with no account here (or a deleted one) are kept without a member,
        # as the app keeps them when an account is deleted: the totals stay the same.
        user = _user(users, row.get("user"), where)
        task_id, _kind = tasks.pick(row.get("task"), where)
        exclude = ("task", "user")
        entry = _build(
            TimeEntry,
            row,
            TIME_FIELDS,
            where,
            exclude=exclude,
            constraints=False,
            business=business,
            task_id=task_id,
            user=user,
        )
        return _check_time_entry(entry, where), where, exclude

    _import_section(open_file, "time_entries", TimeEntry, build, saved)


def _import_results(open_file, business, tasks, saved):
    def build(i, row):
        where = f"results[{i}]"
        task_id, kind = tasks.pick(row.get("task"), where)
        exclude = ("task",)
        result = _build(
            ResultEntry,
            row,
            RESULT_FIELDS,
            where,
            exclude=exclude,
            constraints=False,
            business=business,
            task_id=task_id,
        )
        return _check_result(result, where, kind), where, exclude

    _import_section(open_file, "results", ResultEntry, build, saved)


def _import_section(open_file, section, model, build, saved, on_saved=None):
    """Build, check and save a big section's rows, BATCH at a time.

    Every row is checked as it is read, except for the model's check constraints: the
    database enforces the same ones when the batch is inserted (in a savepoint), and only a
    batch it refuses is checked row by row, to say which row and why. (Checking each row's
    constraints up front costs a query per constraint per row: most of an import's time.)
    """
    done = 0
    for batch in _batches(_items(open_file, section)):
        pending = []  # (object, where, exclude)
        for i, row in batch:
            try:
                pending.append(build(i, row))
            except ImportError_:
                _check_constraints(pending)  # an earlier row's error comes first
                raise
        try:
            with transaction.atomic():
                objects = model.objects.bulk_create([row[0] for row in pending])
        except IntegrityError:
            _check_constraints(pending)
            raise  # no row breaks a check: a unique one (the caller says so)
        if on_saved is not None:
            on_saved(objects)
        _drop_files(objects)
        done += len(objects)
        saved(section, done)


def _drop_files(objects):
    """A file field's value (a FieldFile, e.g. a task's image) refers back to its row: a cycle
    that only the garbage collector frees, and late, so saved batches would pile up. The rows
    are saved and not needed any more: break it."""
    for obj in objects:
        for field in obj._meta.concrete_fields:
            if isinstance(field, FileField):
                obj.__dict__.pop(field.attname, None)


def _check_constraints(pending):
    """Raise ImportError_ for the first row that breaks one of its model's constraints."""
    for obj, where, exclude in pending:
        try:
            _validate_constraints(obj, _skip(exclude))
        except ValidationError as error:
            raise ImportError_(f"{where}: {_first_message(error)}") from error
        except (TypeError, ValueError) as error:
            raise ImportError_(f"{where}: {error}") from error


# --- Reading the file ------------------------------------------------------------------------


class _Unbommed:
    """A binary file read without its leading UTF-8 byte order mark (as "utf-8-sig" reads)."""

    def __init__(self, raw):
        self.raw = raw
        self.head = None  # the first bytes, once read (unless they were the mark)

    def read(self, size=-1):
        if size == 0:
            return b""
        if self.head is None:
            head = b""
            while len(head) < len(BOM) and (more := self.raw.read(len(BOM) - len(head))):
                head += more
            self.head = b"" if head == BOM else head
        if not self.head:
            return self.raw.read(size)
        data, self.head = self.head, b""
        if size is None or size < 0:
            return data + self.raw.read()
        return data + (self.raw.read(size - len(data)) if size > len(data) else b"")


def _has_surrogate_escapes(open_file):
    """True if the file has a \\uD800-\\uDFFF escape anywhere (fast: a byte scan)."""
    tail = b""
    with open_file() as raw:
        while chunk := raw.read(SCAN_CHUNK):
            if SURROGATE_ESCAPE.search(chunk) or SURROGATE_ESCAPE.search(tail + chunk[:5]):
                return True
            tail = chunk[-5:]
    return False


class _Survey:
    def __init__(self):
        self.small = {}  # the top-level values other than the big sections, built
        self.counts = {}  # big section -> how many items


def _survey(open_file, backend):
    """Read the whole file once: JSON syntax, a top-level object, each big section a list of
    objects, no key twice at the top, no string a database cannot store (NUL, a lone
    surrogate), not nested deeper than an export. Keeps the small sections.
    """
    survey = _Survey()
    try:
        with open_file() as raw:
            _walk(backend.basic_parse(_Unbommed(raw), use_float=True), survey)
    except ImportError_:
        raise
    except (ijson.JSONError, UnicodeDecodeError, ValueError, OverflowError):
        raise ImportError_(NOT_JSON) from None
    return survey


def _walk(events, survey):
    stack = []  # per open container: [is a list, current key or index]
    builder = top_key = None
    seen = set()  # the top-level keys
    started = False
    for event, value in events:
        if not started:
            if event != "start_map":
                raise ImportError_(NOT_EXPORT)
            stack.append([False, None])
            started = True
            continue
        if event == "map_key":
            problem = _unstorable(value)
            if problem:  # where the object holding this key is
                raise ImportError_(f"{_where(stack[:-1])}: a field name {problem}")
            stack[-1][1] = value
            if len(stack) == 1:
                if value in seen:
                    raise ImportError_(f"{_short(value)}: the file has it twice.")
                seen.add(value)
                top_key, builder = value, None
            elif builder is not None:
                builder.event(event, value)
            continue
        if event in ("end_map", "end_array"):
            stack.pop()
            if builder is not None:
                builder.event(event, value)
                if len(stack) == 1:
                    survey.small[top_key], builder = builder.value, None
            continue
        # A value starts: a string, number, boolean, null, or an object or list.
        container = stack[-1]
        if container[0]:
            container[1] += 1
        depth = len(stack)
        if depth == 1:
            if top_key in BIG:
                if event != "start_array":
                    raise ImportError_(f"{top_key}: expected a list of objects.")
                survey.counts[top_key] = 0
            elif top_key in SMALL:  # anything else in the file is checked, not kept
                builder = ijson.ObjectBuilder()
        elif depth == 2 and top_key in BIG:
            if event != "start_map":
                raise ImportError_(f"{top_key}: expected a list of objects.")
            survey.counts[top_key] += 1
        elif depth == 2 and builder is not None and container[1] == MAX_SMALL_ITEMS:
            raise ImportError_(
                f"{top_key}: more than {MAX_SMALL_ITEMS:,} of them; a business has far fewer."
            )
        if event == "string":
            problem = _unstorable(value)
            if problem:
                raise ImportError_(f"{_where(stack)}: {problem}")
        if builder is not None:
            builder.event(event, value)
        if event in ("start_map", "start_array"):
            if depth >= MAX_DEPTH:
                raise ImportError_(f"{_where(stack)}: nested too deeply for an export.")
            stack.append([event == "start_array", -1 if event == "start_array" else None])
        elif depth == 1 and builder is not None:
            survey.small[top_key], builder = builder.value, None
    if stack or not started:
        raise ImportError_(NOT_JSON)


def _unstorable(text):
    """Why a database cannot store `text`, or "" if it can."""
    if "\x00" in text:
        return "contains a NUL character, which cannot be stored."
    match = SURROGATE.search(text)
    if match:
        return (
            f"contains a lone surrogate (\\u{ord(match.group()):04x}), which is not valid "
            "text and cannot be stored."
        )
    return ""


def _where(frames):
    """Where the value being read is, from the open containers: `tasks[3].post_text`."""
    if not frames:
        return "the file"
    where = _short(frames[0][1])
    for is_list, position in frames[1:]:
        where += f"[{position}]" if is_list else f".{_short(position)}"
    return where


def _short(name):
    text = str(name)
    return text if len(text) <= 60 else text[:57] + "…"


def _check_platform(platform, where):
    """What PlatformForm.clean_handle does: '@name ' is stored as 'name', and it cannot be empty."""
    platform.handle = platform.handle.strip().lstrip("@").strip()
    if not platform.handle:
        raise ImportError_(f"{where}: handle: Enter the profile's handle.")
    return platform


def _check_task(task, where):
    """The rules SmoTaskForm and SmmTaskForm hold beyond the model's own."""
    for name in sorted(NOT_ON[task.kind]):
        value = getattr(task, name)
        if value not in (None, "") and value != DEFAULTS[name]:
            other = "paid (SMM)" if task.kind == Kind.SMO else "organic (SMO)"
            raise ImportError_(f"{where}: {name} belongs to {other} tasks only.")
    _check(where, "estimated_hours", quarter_hours, task.estimated_hours, allow_zero=True)
    if task.kind == Kind.SMO:
        tags = text_rules.split_hashtags(task.hashtags)
        if tags is None:
            raise ImportError_(f"{where}: hashtags: each one is a word of letters, digits or _.")
        task.hashtags = " ".join(tags)
        task.post_text = task.post_text.replace("\r\n", "\n")
    else:
        for name in ("objective", "bid_model", "budget_type"):
            if not getattr(task, name):
                raise ImportError_(f"{where}: {name}: an ad campaign needs one.")
    return task


def _check_time_entry(entry, where):
    """TimeEntryForm's rule beyond the model's: quarter hours."""
    _check(where, "hours", quarter_hours, entry.hours)
    return entry


def _check_result(result, where, kind):
    """ResultEntryForm has no spend for organic work: it would count as paid media."""
    if kind == Kind.SMO and result.spend:
        raise ImportError_(f"{where}: spend: organic (SMO) tasks have no media spend.")
    return result


def _check(where, name, rule, value, **kwargs):
    try:
        rule(value, **kwargs)
    except ValidationError as error:
        raise ImportError_(f"{where}: {name}: {error.messages[0]}") from error


def _values(obj, fields):
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _list(data, key):
    rows = data.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ImportError_(f"{key}: expected a list of objects.")
    return rows


def _users_by_name(data, owner):
    """The accounts rows of the file may name: only the person importing. Anyone else's name
    in a file is not proof of anything, so their hours and tasks stay without a member."""
    for i, member in enumerate(_list(data, "members")):
        if not isinstance(member.get("username"), str):
            raise ImportError_(f"members[{i}]: the username must be text.")
    return {owner.username: owner}


def _user(users, username, where):
    """A member by username; None if the file names nobody or someone unknown here."""
    if username is not None and not isinstance(username, str):
        raise ImportError_(f"{where}: a username must be text.")
    return users.get(username)


def _pick(rows, index, where, name, optional=False):
    if index is None and optional:
        return None
    if not isinstance(index, int) or not 0 <= index < len(rows):
        raise ImportError_(f"{where}: {name} {index!r} is not in the file.")
    return rows[index]


def _build(model, row, fields, where, exclude=(), constraints=True, **related):
    """A model instance from a row, checked with the model's validation and (unless
    `constraints` is False: see _import_section) its constraints."""
    if not isinstance(row, dict):
        raise ImportError_(f"{where}: expected an object.")
    values = {name: row[name] for name in fields if name in row}
    for name, value in values.items():
        if isinstance(value, list | dict):
            raise ImportError_(f"{where}: {name} must be a single value.")
    try:
        obj = model(**values, **related)
        skip = _skip(exclude)
        obj.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
        if constraints:
            _validate_constraints(obj, skip)
        if model is Task and obj.work_date is None:
            # An export from before work dates: place the task as the app would.
            obj.work_date = services.work_date(obj, related["business"].time_zone)
    except ValidationError as error:
        raise ImportError_(f"{where}: {_first_message(error)}") from error
    except (TypeError, ValueError) as error:
        raise ImportError_(f"{where}: {error}") from error
    return obj


def _skip(exclude):
    """The fields a row is validated without: its own `exclude`, and what the import sets."""
    return {*exclude, "business", "ical_token"}


def _validate_constraints(obj, exclude):
    """What Model.validate_constraints does (run by full_clean once the fields are valid), with
    each check constraint evaluated against only the fields it names: Django's own passes every
    field of the row to the database, which was nearly all of an import's time."""
    using = router.db_for_write(type(obj), instance=obj)
    errors = {}
    for model_class, constraints in obj.get_constraints():
        for constraint in constraints:
            skip = set(exclude)
            if isinstance(constraint, CheckConstraint):
                skip |= _unreferenced(model_class, constraint.name)
            try:
                constraint.validate(model_class, obj, exclude=skip, using=using)
            except ValidationError as error:
                fields = getattr(constraint, "fields", ())
                if getattr(error, "code", None) == "unique" and len(fields) == 1:
                    errors.setdefault(fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@functools.cache
def _unreferenced(model, name):
    """The fields of `model` that its check constraint `name` does not name."""
    (constraint,) = [c for c in model._meta.constraints if c.name == name]
    names = {field.name for field in model._meta.local_concrete_fields} | {"pk"}
    return frozenset(names - Q(constraint.condition).referenced_base_fields)


def _first_message(error):
    if hasattr(error, "message_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return messages[0] if field == NON_FIELD_ERRORS else f"{field}: {messages[0]}"
    return error.messages[0]
