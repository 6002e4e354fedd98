"""CSV exports: what a list shows, as a spreadsheet can read it safely."""

import csv
from decimal import Decimal

from django.utils import timezone

from planner.kpis import money

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    for task in tasks.iterator(chunk_size=2000):
        yield writer.writerow([value(task) for _title, value in columns])
