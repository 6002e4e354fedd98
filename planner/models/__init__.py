"""The planner's data: a business (the tenant) and everything that belongs to it.

Words are defined in docs/domain.md. Money is Decimal with two places in the business's
currency; hours are Decimal in quarter hours. Database constraints back the rules that matter so
that a bug in a form cannot store a negative budget or a flight that ends before it starts.

One module per area; every name is importable from `planner.models` as well:

- base: validators and the plannable years, money and URL fields, choices, TenantQuerySet
- business: Business, Membership, Role
- platforms: Platform, PlatformKind
- campaigns: Campaign
- tasks: Task (SMO posts and SMM ads) and its choices
- entries: TimeEntry, ResultEntry
- rollups: DailyRollup, MonthlyRollup, TaskTally, CalendarTally (the sums and counts pages read)
- imports: ReportUpload, ImportMapping, StagedResultDay (ad report imports)
"""

from planner.models.base import (
    AGES,
    COUNT,
    DATES,
    FIRST_YEAR,
    LAST_YEAR,
    NON_NEGATIVE,
    PLANNABLE_EDGES,
    ZERO,
    HttpURLField,
    TenantQuerySet,
    currency_choices,
    http_url_field,
    local_day,
    money_field,
    new_feed_token,
    plannable_date,
    plannable_local_date,
    timezone_choices,
    version_field,
)
from planner.models.business import ROLE_RANK, Business, BusinessQuerySet, Membership, Role
from planner.models.campaigns import Campaign
from planner.models.entries import ResultEntry, TimeEntry
from planner.models.imports import ImportMapping, ReportUpload, StagedResultDay
from planner.models.platforms import Platform, PlatformKind
from planner.models.rollups import CalendarTally, DailyRollup, MonthlyRollup, TaskTally
from planner.models.tasks import (
    FLIGHT_TOO_LONG,
    MAX_FLIGHT_DAYS,
    SEARCH_SEPARATOR,
    SORTED_EMPTY_LAST,
    BidModel,
    BudgetType,
    Kind,
    Objective,
    SmmStatus,
    SmoStatus,
    Task,
    TaskQuerySet,
)

__all__ = [
    "AGES",
    "COUNT",
    "DATES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "FLIGHT_TOO_LONG",
    "MAX_FLIGHT_DAYS",
    "SEARCH_SEPARATOR",
    "SORTED_EMPTY_LAST",
    "NON_NEGATIVE",
    "PLANNABLE_EDGES",
    "ROLE_RANK",
    "ZERO",
    "BidModel",
    "BudgetType",
    "Business",
    "BusinessQuerySet",
    "Campaign",
    "DailyRollup",
    "MonthlyRollup",
    "HttpURLField",
    "ImportMapping",
    "Kind",
    "Membership",
    "Objective",
    "Platform",
    "PlatformKind",
    "ReportUpload",
    "StagedResultDay",
    "ResultEntry",
    "Role",
    "SmmStatus",
    "SmoStatus",
    "Task",
    "TaskQuerySet",
    "TaskTally",
    "CalendarTally",
    "TenantQuerySet",
    "TimeEntry",
    "currency_choices",
    "http_url_field",
    "local_day",
    "money_field",
    "new_feed_token",
    "plannable_date",
    "plannable_local_date",
    "timezone_choices",
    "version_field",
]
