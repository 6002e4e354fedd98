"""What the models share: validators, the plannable years, money and URL fields, choices lists
and the tenant queryset.

Money is Decimal with two places in the business's currency; hours are Decimal in quarter hours
(see docs/domain.md, "Money and hours").
"""

import datetime
import functools
import secrets
import zoneinfo
from decimal import Decimal

from babel.numbers import get_currency_name, list_currencies
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone

ZERO = Decimal("0")
NON_NEGATIVE = [MinValueValidator(ZERO)]
AGES = [MinValueValidator(13), MaxValueValidator(100)]
# Counts one entry may hold: a trillion impressions a day is already absurd, and it keeps the
# sums of millions of entries inside 64-bit integers on every database.
COUNT = [MaxValueValidator(10**12)]
FIRST_YEAR, LAST_YEAR = 1970, 2200
# Publish times (in UTC) from which a local day may leave the plannable years somewhere: UTC
# offsets run from -12:00 to +14:00, so anything a day inside either end is safe everywhere.
PLANNABLE_EDGES = (
    datetime.datetime(FIRST_YEAR, 1, 2, tzinfo=datetime.UTC),
    datetime.datetime(LAST_YEAR, 12, 31, tzinfo=datetime.UTC),
)


def plannable_date(value):
    """Dates people plan with; year 9999 would overflow time zone and calendar arithmetic.

    An aware datetime is judged in UTC, as it is stored, so a row always passes its own check.
    Its day in the business's time zone must be plannable too, which needs the business:
    Task.clean and Business.clean check that (`plannable_local_date`).
    """
    try:
        if getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(datetime.UTC)
    except OverflowError:  # past datetime.max once in UTC
        value = datetime.date.max
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.")


def local_day(moment, time_zone):
    """The day a datetime falls on in `time_zone` (a naive one is taken in the default time
    zone, as Django stores it); date.min or date.max past what datetime can hold there."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    except OverflowError:
        return datetime.date.max if moment.year > FIRST_YEAR else datetime.date.min


def plannable_local_date(moment, time_zone):
    """The day a datetime falls on in `time_zone`, refused unless it is plannable.

    The planner files a post under its local day (Task.work_date, the dashboard's rollups, the
    calendar), so 1969-12-31 23:59 in New York is refused although it is 1970 in UTC.
    """
    day = local_day(moment, time_zone)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            f"In the business's time zone ({time_zone}) this is {day:%d %B} {day.year}; "
            f"enter a time between {FIRST_YEAR} and {LAST_YEAR} there.",
            code="local_date_out_of_range",
        )
    return day


DATES = [plannable_date]


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=NON_NEGATIVE, **kwargs
    )


class HttpURLField(models.URLField):
    """A web link: http(s) only (Django's URLField also takes ftp://), https assumed if typed
    without a scheme."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def version_field():
    # Bumped by every save through services.save_checked, which refuses a save based on an
    # older version: two people editing one row never silently overwrite each other.
    return models.PositiveIntegerField(default=0, editable=False)


def http_url_field(verbose_name, **kwargs):
    return HttpURLField(verbose_name, **kwargs)


def new_feed_token():
    return secrets.token_urlsafe(32)


@functools.cache  # read from CLDR and the tz database once per process: ~13 ms a form
def currency_choices():
    # ISO 4217 codes as CLDR knows them, with their English names.
    return [
        (code, f"{code} — {get_currency_name(code, locale='en')}")
        for code in sorted(c for c in list_currencies() if len(c) == 3 and c.isalpha())
    ]


@functools.cache
def timezone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class TenantQuerySet(models.QuerySet):
    """Every tenant-owned list starts here, so the business is never forgotten."""

    def for_business(self, business):
        return self.filter(business=business)
