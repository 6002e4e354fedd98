"""Bulk results: many (task, day, figures) rows in one request, all saved or none.

Each row names its task by id (`task`) or, for an ad, by its title (`ad`, matched ignoring case
and repeated spaces, as a report import matches campaign names), and is checked by the task
page's result form. A day that already has results gets the row's figures instead (the figures
the row leaves out are kept), so sending the same rows twice leaves what sending them once did.
"""

from collections import defaultdict

from django.db import IntegrityError, OperationalError, transaction
from rest_framework.exceptions import ValidationError

from planner import ad_reports, imports, rollups
from planner.api.forms_bridge import form_data, form_errors
from planner.forms import ResultEntryForm
from planner.models import Kind, ResultEntry, Task
from planner.teamwork.activity import record_business
from planner.teamwork.models import Verb

MAX_ROWS = 10_000
DEADLOCK_RETRIES = 3
ERRORS_SHOWN = 1000  # of a refused request's row errors; a file of bad rows says enough by then


class ResultDayForm(ResultEntryForm):
    """One row: the result form's fields and rules, but a day recorded before is replaced."""

    def clean_date(self):
        return self.cleaned_data["date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A script's daily push has no one to confirm a warning: rows are checked for what is
        # impossible only (entry_rules), and the import preview shows what is unusual.
        del self.fields["confirm_warnings"]
        # The model's own validators (COUNT's ceiling, NON_NEGATIVE, DATES), in the fields,
        # so that no model instance is built and cleaned per row (see _post_clean).
        for name, field in self.fields.items():
            extra = ResultEntry._meta.get_field(name).validators
            field.validators = [*field.validators, *(v for v in extra if v not in field.validators)]

    def warnings(self, cleaned):
        return []

    def _post_clean(self):
        """Nothing more per row: the model's validators ran in the fields; its check constraints
        (Django checks each with a query, 20,000 for 10,000 rows) are the database's on the
        write, and ResultEntry has no clean() of its own."""


class RowChecker:
    """A ResultDayForm per kind of task, bound to each row in turn. Building a form deep-copies
    its fields (a third of a row's time); binding one again is safe, as full_clean starts from
    nothing and a bound field reads the form's data as it is now."""

    def __init__(self):
        self.forms = {}

    def check(self, task, figures):
        """(cleaned data, None) or (None, errors) for one row's figures."""
        form = self.forms.get(task.kind)
        if form is None:
            form = self.forms[task.kind] = ResultDayForm(None, task=task)
        try:
            data = form_data(form, figures)
        except ValidationError as refused:  # a list where one value goes, an unknown field
            return None, refused.detail
        form.data, form.is_bound, form._errors = data, True, None
        form.task = task
        if not form.is_valid():
            return None, form_errors(form)
        return form.cleaned_data, None


class Refused(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} row(s) refused")
        self.errors = errors


def _tasks(business, rows):
    """The rows' tasks, by id and by ad title: two queries, for the names and ids sent only."""
    ids = set()
    names = set()
    for row in rows:
        if not isinstance(row, dict):
            continue
        value = row.get("task")
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
            ids.add(value)
        elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
            ids.add(int(value))
        if isinstance(row.get("ad"), str):
            names.add(ad_reports.name_key(row["ad"]))
    own = Task.objects.for_business(business)
    by_id = {task.pk: task for task in own.filter(pk__in=ids).only("pk", "kind", "title")}
    by_name = defaultdict(list)
    if names:  # the import's rule (planner/imports.py match_campaigns): every ad's title
        for pk, title in own.smm().values_list("pk", "title"):
            key = ad_reports.name_key(title)
            if key in names:
                by_name[key].append(Task(pk=pk, kind=Kind.SMM, title=title))
    return by_id, by_name


def _task_of(row, by_id, by_name):
    if "task" in row:
        value = row["task"]
        task = by_id.get(int(value)) if str(value).isascii() and str(value).isdigit() else None
        return task, None if task else "No such task in this business."
    if "ad" in row:
        found = by_name.get(ad_reports.name_key(row["ad"])) if isinstance(row["ad"], str) else None
        if not found:
            return None, "No SMM ad campaign has this title."
        if len(found) > 1:
            return None, f"{len(found)} SMM ad campaigns have this title: send the task's id."
        return found[0], None
    return None, "Name the task by its id (task) or, for an ad, by its title (ad)."


def upsert_results(business, rows, by):
    """Save every row, or none: Refused with each bad row's errors, by its index in `rows`.
    Returns {"rows", "added", "replaced"}."""
    if not isinstance(rows, list) or not rows:
        raise Refused([{"row": None, "rows": ["Send a non-empty list of rows."]}])
    if len(rows) > MAX_ROWS:
        raise Refused([{"row": None, "rows": [f"Send at most {MAX_ROWS:,} rows at a time."]}])
    by_id, by_name = _tasks(business, rows)
    errors, seen, groups, checker = [], {}, defaultdict(list), RowChecker()
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append({"row": index, "non_field_errors": ["A row is a JSON object."]})
            continue
        task, problem = _task_of(row, by_id, by_name)
        if problem:
            field = "ad" if "ad" in row and "task" not in row else "task"
            errors.append({"row": index, field: [problem]})
            continue
        figures = {name: value for name, value in row.items() if name not in ("task", "ad")}
        if task.kind == Kind.SMO and "spend" in figures:
            errors.append({"row": index, "spend": ["Organic posts have no media spend."]})
            continue
        cleaned, problems = checker.check(task, figures)
        if problems:
            errors.append({"row": index, **problems})
            continue
        key = (task.pk, cleaned["date"])
        if key in seen:
            errors.append({"row": index, "date": [f"Row {seen[key]} has this task and day."]})
            continue
        seen[key] = index
        given = tuple(name for name in ad_reports.FIGURES if name in figures)
        values = [cleaned.get(name) or 0 for name in ad_reports.FIGURES]
        groups[given].append(imports.DayFigures(task.pk, task.title, key[1], values, [index]))
    if errors:
        raise Refused(errors)
    return _save(business, groups, by, len(rows))


def _save(business, groups, by, count):
    """Write the days under the business's lock, and move the rollups and the ads' pacing by
    what changed (as a page's save does: a cost in the size of the request, not of the
    business's results of those days)."""
    days = [day for group in groups.values() for day in group]
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                rollups.lock(business.pk)
                keys = _task_keys({day.task_id for day in days})
                if len(keys) < len({day.task_id for day in days}):
                    raise IntegrityError("a task was deleted")
                runs = {given: imports.stage_days(group) for given, group in groups.items()}
                before = imports.saved_figures(business, list(runs.values()))
                for given, run in runs.items():
                    imports.copy_days(business, run, given)
                _move_rollups(business, groups, before, keys)
                replaced = len(before)
                record_business(
                    business.pk,
                    by,
                    Verb.IMPORTED,
                    f"{count:,} day(s) of results through the API ({count - replaced:,} added, "
                    f"{replaced:,} replaced)",
                )
            return {"rows": count, "added": count - replaced, "replaced": replaced}
        except IntegrityError:  # a task was deleted while its rows were written
            raise Refused(
                [
                    {
                        "row": None,
                        "task": ["A task of these rows was deleted meanwhile; nothing was saved."],
                    }
                ]  # fmt: skip
            ) from None
        except OperationalError as error:
            # An ad-report import copying the same days holds their rows and waits for the
            # business's lock, which this request holds: PostgreSQL cancels one of the two
            # (40P01). Nothing of this one was saved: again, as the import does.
            if getattr(error.__cause__, "sqlstate", None) != "40P01" or attempt == DEADLOCK_RETRIES:
                raise


def _task_keys(task_ids):
    """{task id: (kind, platform, campaign)}, read under the lock: where their figures count."""
    found = {}
    ids = sorted(task_ids)
    for start in range(0, len(ids), 5000):
        rows = Task.objects.filter(pk__in=ids[start : start + 5000]).values_list(
            "pk", "kind", "platform_id", "campaign_id"
        )
        found |= {pk: key for pk, *key in rows}
    return found


def _move_rollups(business, groups, before, keys):
    """Each day's and month's rollup row, and each ad's spend and pacing, by the difference
    between the figures written and those they replaced."""
    by_row = defaultdict(lambda: defaultdict(int))  # (date, task key) -> figure -> change
    by_task = defaultdict(lambda: defaultdict(int))  # task id -> figure -> change
    for given, group in groups.items():
        for day in group:
            old = before.get((day.task_id, day.date))
            changes = by_row[(day.date, tuple(keys[day.task_id]))]
            for name in given:
                change = getattr(day, name) - (old[name] if old else 0)
                changes[name] += change
                by_task[day.task_id][name] += change
    rollups.move_results(business.pk, by_row)
    moved = {task: changes for task, changes in by_task.items() if any(changes.values())}
    rollups.move_figures(business.pk, moved)
