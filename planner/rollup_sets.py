"""Writes of many rows at once, for changes made as a set (planner/lists/matching.py) and for
the tasks' result totals (rollups): a column per row in one statement, and grouped changes
added to the rollup and tally rows they fall on, reading each row once.

Call under the business's lock (rollups.lock): the rows are read, changed in Python and
written back, so no other writer may move them in between."""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Q

ROWS_PER_STATEMENT = 5000


def update_rows(model, rows, names):
    """Store the columns `names` of each of `rows` (saved rows of `model`). On PostgreSQL one
    UPDATE … FROM (VALUES …) per 5,000 rows: bulk_update's CASE WHEN per row is quadratic in
    the batch, minutes for 200,000 rows."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, names, batch_size=100)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(field.column for field in fields)
    sets = ", ".join(f"{field.column} = v.{field.column}" for field in fields)
    casts = ", ".join(f"%s::{field.db_type(connection)}" for field in fields)
    row = f"(%s, {casts})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = rows[start : start + ROWS_PER_STATEMENT]
            params = [
                value
                for item in batch
                for value in (
                    item.pk,
                    *(field.get_db_prep_save(getattr(item, field.attname), connection)
                      for field in fields),
                )
            ]  # fmt: skip
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {', '.join([row] * len(batch))}) "
                f"AS v(id, {columns}) WHERE t.id = v.id",
                params,
            )


class Deltas:
    """Changes to add to the rows of one model: {key: {sum: change}}, the key being the
    values of `key_names` (a date, the kind, …) within one business."""

    def __init__(self, model, key_names, sum_names):
        self.model, self.key_names, self.sum_names = model, key_names, sum_names
        self.changes = defaultdict(lambda: defaultdict(int))

    def add(self, key, amounts, sign=1):
        row = self.changes[tuple(key)]
        for name, value in amounts.items():
            if value:
                row[name] += sign * value

    def apply(self, business_id, empty):
        """Add the changes to their rows: a row that is missing is made, a row `empty(row)`
        says holds nothing any more is deleted (as the single writes leave them)."""
        changes = {
            key: {name: value for name, value in amounts.items() if value}
            for key, amounts in self.changes.items()
        }
        changes = {key: amounts for key, amounts in changes.items() if amounts}
        if not changes:
            return
        rows = {tuple(getattr(row, name) for name in self.key_names): row
                for row in self._rows(business_id, changes)}  # fmt: skip
        made, changed = [], []
        for key, amounts in changes.items():
            row = rows.get(key)
            if row is None:
                where = dict(zip(self.key_names, key, strict=True))
                row = self.model(business_id=business_id, **where)
                made.append(row)
            else:
                changed.append(row)
            for name, value in amounts.items():
                setattr(row, name, _exact(self.model, name, getattr(row, name) + value))
        gone = [row.pk for row in changed if empty(row)]
        kept = [row for row in changed if not empty(row)]
        update_rows(self.model, kept, self.sum_names)
        for start in range(0, len(gone), ROWS_PER_STATEMENT):
            self.model.objects.filter(pk__in=gone[start : start + ROWS_PER_STATEMENT]).delete()
        self.model.objects.bulk_create([row for row in made if not empty(row)], batch_size=2000)

    def _rows(self, business_id, changes):
        """The rows of these keys, and a few more: narrowed by each key column's values (a
        date column by its range), not one condition per key."""
        where = Q(business_id=business_id)
        for index, name in enumerate(self.key_names):
            values = {key[index] for key in changes}
            if self.model._meta.get_field(name).get_internal_type() == "DateField":
                where &= Q(**{f"{name}__range": (min(values), max(values))})
                continue
            present = {value for value in values if value is not None}
            chosen = Q(**{f"{name}__in": sorted(present)}) if present else Q(pk__in=[])
            where &= chosen | Q(**{f"{name}__isnull": True}) if None in values else chosen
        return self.model.objects.filter(where).iterator(chunk_size=5000)


def _exact(model, name, value):
    """To the field's cents: SQLite hands decimals back through floats."""
    places = getattr(model._meta.get_field(name), "decimal_places", None)
    if places is None:
        return value
    return Decimal(value).quantize(Decimal(1).scaleb(-places))
