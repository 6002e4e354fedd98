"""The planner's data: a business (the tenant) and everything that belongs to it.

Words are defined in shared/DESIGN.md. Money is Decimal with two places in the business's
currency; hours are Decimal in quarter hours. Database constraints back the rules that matter so
that a bug in a form cannot store a negative budget or a flight that ends before it starts.
"""

import datetime
import secrets
import zoneinfo
from decimal import Decimal

from babel.numbers import get_currency_name, list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from planner import utm

ZERO = Decimal("0")
NON_NEGATIVE = [MinValueValidator(ZERO)]
AGES = [MinValueValidator(13), MaxValueValidator(100)]
# Counts one entry may hold: a trillion impressions a day is already absurd, and it keeps the
# sums of millions of entries inside 64-bit integers on every database.
COUNT = [MaxValueValidator(10**12)]
FIRST_YEAR, LAST_YEAR = 1970, 2200


def plannable_date(value):
    """Dates people plan with; year 9999 would overflow time zone and calendar arithmetic.

    An aware datetime is judged in UTC, as it is stored, so a row always passes its own check.
    """
    try:
        if getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(datetime.UTC)
    except OverflowError:  # past datetime.max once in UTC
        value = datetime.date.max
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.")


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


def currency_choices():
    # ISO 4217 codes as CLDR knows them, with their English names.
    return [
        (code, f"{code} — {get_currency_name(code, locale='en')}")
        for code in sorted(c for c in list_currencies() if len(c) == 3 and c.isalpha())
    ]


def timezone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


# Higher rank can do everything a lower rank can.
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


class Kind(models.TextChoices):
    SMO = "smo", "SMO (organic)"
    SMM = "smm", "SMM (paid)"


class PlatformKind(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"


class SmoStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class SmmStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


class Objective(models.TextChoices):
    AWARENESS = "awareness", "Awareness"
    TRAFFIC = "traffic", "Traffic"
    ENGAGEMENT = "engagement", "Engagement"
    LEADS = "leads", "Leads"
    CONVERSIONS = "conversions", "Conversions"


class BidModel(models.TextChoices):
    CPC = "cpc", "CPC (pay per click)"
    CPM = "cpm", "CPM (per 1,000 impressions)"
    CPA = "cpa", "CPA (per action)"


class BudgetType(models.TextChoices):
    DAILY = "daily", "Daily"
    LIFETIME = "lifetime", "Lifetime"


class BusinessQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(memberships__user=user)


class TenantQuerySet(models.QuerySet):
    """Every tenant-owned list starts here, so the business is never forgotten."""

    def for_business(self, business):
        return self.filter(business=business)


class Business(models.Model):
    name = models.CharField(max_length=120)
    website_url = http_url_field("website URL", max_length=500)
    currency = models.CharField(max_length=3, default="USD")
    time_zone = models.CharField(max_length=64, default="UTC")
    hourly_rate = money_field("hourly rate", default=ZERO, help_text="Prices the hours spent.")
    # The secret in the iCalendar feed's URL; the owner can replace it to revoke old links.
    ical_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0),
                name="business_hourly_rate_non_negative",
                violation_error_message="The hourly rate cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["business", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} in {self.business} ({self.role})"

    def has_role(self, role):
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def can_edit(self):
        return self.has_role(Role.EDITOR)

    @property
    def is_owner(self):
        return self.role == Role.OWNER


class Platform(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="platforms")
    kind = models.CharField(max_length=20, choices=PlatformKind.choices)
    handle = models.CharField(max_length=100, help_text="The profile's name on the network.")
    profile_url = http_url_field("profile URL", max_length=500, blank=True)
    # The SMO profile checklist: a complete profile is organic work too.
    has_bio = models.BooleanField("bio written", default=False)
    has_logo = models.BooleanField("logo", default=False)
    has_cover = models.BooleanField("cover image", default=False)
    has_website_link = models.BooleanField("website link in profile", default=False)
    version = version_field()

    objects = TenantQuerySet.as_manager()

    CHECKLIST = ("has_bio", "has_logo", "has_cover", "has_website_link")

    class Meta:
        ordering = ["kind", "handle"]
        constraints = [
            models.UniqueConstraint(
                "business", "kind", Lower("handle"), name="platform_unique_handle_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} @{self.handle}"

    def checklist(self):
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.CHECKLIST
        ]

    @property
    def checklist_done(self):
        return sum(1 for name in self.CHECKLIST if getattr(self, name))


class Campaign(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=150)
    # utm_campaign of every link in the campaign; set from the name when left blank.
    slug = models.SlugField(max_length=80, blank=True)
    objective = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(validators=DATES)
    end_date = models.DateField(validators=DATES)
    budget = money_field("paid budget", default=ZERO)
    notes = models.TextField(blank=True)
    version = version_field()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="campaign_budget_non_negative",
                violation_error_message="The budget cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="campaign_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return self.name


class TaskQuerySet(TenantQuerySet):
    def smo(self):
        return self.filter(kind=Kind.SMO)

    def smm(self):
        return self.filter(kind=Kind.SMM)


class Task(models.Model):
    """One unit of planned work: an organic post (SMO) or a paid ad campaign (SMM).

    Both kinds live in one table so that effort, cost and results aggregate by kind in a single
    query; the fields only one kind uses are blank/null for the other.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    # RESTRICT: deleting a platform or campaign never takes its tasks along, but deleting the
    # whole business (which cascades to tasks too) still works.
    platform = models.ForeignKey(Platform, on_delete=models.RESTRICT, related_name="tasks")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.RESTRICT, related_name="tasks", null=True, blank=True
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    estimated_hours = models.DecimalField(
        "estimated hours", max_digits=7, decimal_places=2, default=ZERO, validators=NON_NEGATIVE
    )
    production_cost = money_field(
        "production cost", null=True, blank=True, help_text="A photo shoot, a designer's invoice."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    # The day the task's production cost and estimate count in a period: the post's publish
    # day or the ad's first flight day (else the day it was created), in the business's time
    # zone. Set by services.task_save, never typed.
    work_date = models.DateField("work date", editable=False)

    # SMO: an organic post with a backlink.
    post_text = models.TextField("post text", blank=True)
    image = models.ImageField(upload_to="posts/%Y/%m/", blank=True)
    image_alt = models.CharField("image alt text", max_length=300, blank=True)
    backlink_url = http_url_field("backlink URL", max_length=1000, blank=True)
    hashtags = models.CharField(max_length=500, blank=True)
    scheduled_at = models.DateTimeField(
        "scheduled publish time", null=True, blank=True, validators=DATES
    )
    published_url = http_url_field("published URL", max_length=1000, blank=True)

    # SMM: a paid pay-per-click ad campaign.
    objective = models.CharField(max_length=20, choices=Objective.choices, blank=True)
    bid_model = models.CharField(
        "bid model", max_length=3, choices=BidModel.choices, default=BidModel.CPC, blank=True
    )
    max_bid = money_field("max bid", null=True, blank=True)
    budget_type = models.CharField(
        "budget type", max_length=10, choices=BudgetType.choices, blank=True
    )
    budget_amount = money_field("budget amount", null=True, blank=True)
    flight_start = models.DateField("flight start", null=True, blank=True, validators=DATES)
    flight_end = models.DateField("flight end", null=True, blank=True, validators=DATES)
    audience_job_titles = models.CharField("audience job titles", max_length=500, blank=True)
    audience_interests = models.CharField("audience interests", max_length=500, blank=True)
    audience_locations = models.CharField("audience locations", max_length=500, blank=True)
    # The ad platforms target ages 13 to 100 (65+ is the usual top bracket).
    audience_age_min = models.PositiveSmallIntegerField(
        "minimum age", null=True, blank=True, validators=AGES
    )
    audience_age_max = models.PositiveSmallIntegerField(
        "maximum age", null=True, blank=True, validators=AGES
    )
    ad_headline = models.CharField("ad headline", max_length=200, blank=True)
    ad_text = models.TextField("ad text", blank=True)
    destination_url = http_url_field("destination URL", max_length=1000, blank=True)

    # Overrides of the UTM tags the planner puts on the backlink or destination URL (blank:
    # the planner's value, see planner/utm.py).
    utm_source = models.CharField("utm_source", max_length=100, blank=True)
    utm_medium = models.CharField("utm_medium", max_length=100, blank=True)
    utm_campaign = models.CharField("utm_campaign", max_length=100, blank=True)
    utm_content = models.CharField("utm_content", max_length=100, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["business", "kind", "-created_at"], name="task_business_kind_new"),
            models.Index(fields=["business", "work_date"], name="task_business_work_date"),
            # The dashboard's pipeline counts, and what is due or overdue, by status and date.
            models.Index(
                fields=["business", "kind", "status", "scheduled_at"], name="task_status_scheduled"
            ),
            models.Index(
                fields=["business", "kind", "status", "work_date"], name="task_status_work_date"
            ),
            models.Index(
                fields=["business", "kind", "status", "flight_end"], name="task_status_flight_end"
            ),
            # Pipeline counts and task lists narrowed to one campaign or platform.
            models.Index(
                fields=["business", "campaign", "kind", "status"], name="task_campaign_status"
            ),
            models.Index(
                fields=["business", "platform", "kind", "status"], name="task_platform_status"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="task_kind_valid",
                violation_error_message="A task is an organic post or a paid ad campaign.",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.SMO, status__in=SmoStatus.values)
                | Q(kind=Kind.SMM, status__in=SmmStatus.values),
                name="task_status_valid_for_kind",
                violation_error_message="This status is not one this kind of task can have.",
            ),
            models.CheckConstraint(
                condition=Q(estimated_hours__gte=0),
                name="task_estimated_hours_non_negative",
                violation_error_message="Estimated hours cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(production_cost__isnull=True) | Q(production_cost__gte=0),
                name="task_production_cost_non_negative",
                violation_error_message="The production cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(max_bid__isnull=True) | Q(max_bid__gte=0),
                name="task_max_bid_non_negative",
                violation_error_message="The maximum bid cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="task_budget_non_negative",
                violation_error_message="The budget amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(budget_type=BudgetType.LIFETIME) | Q(budget_amount__isnull=False),
                name="task_lifetime_budget_has_amount",
                violation_error_message="A lifetime budget needs an amount.",
            ),
            models.CheckConstraint(
                condition=Q(flight_start__isnull=True)
                | Q(flight_end__isnull=True)
                | Q(flight_end__gte=F("flight_start")),
                name="task_flight_end_after_start",
                violation_error_message="The flight cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(audience_age_min__isnull=True)
                | Q(audience_age_max__isnull=True)
                | Q(audience_age_max__gte=F("audience_age_min")),
                name="task_age_range_ordered",
                violation_error_message="The maximum age cannot be below the minimum.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.SMO, status=SmoStatus.SCHEDULED)
                | Q(scheduled_at__isnull=False),
                name="task_scheduled_post_has_time",
                violation_error_message="A scheduled post needs a publish time.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.SMM, status=SmmStatus.ACTIVE)
                | Q(flight_start__isnull=False, flight_end__isnull=False),
                name="task_active_ad_has_flight",
                violation_error_message="An active ad campaign needs a flight start and end.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_smo(self):
        return self.kind == Kind.SMO

    @property
    def link_url(self):
        """Where the post or ad sends people, as typed."""
        return self.backlink_url if self.is_smo else self.destination_url

    def utm_tags(self):
        return utm.planner_values(
            kind=self.kind,
            platform_kind=self.platform.kind,
            campaign_slug=self.campaign.slug if self.campaign_id else "",
            title=self.title,
            task_id=self.pk,
            overrides={key: getattr(self, key) for key in utm.PLANNER_KEYS},
        )

    @property
    def tagged_url(self):
        """The link with its UTM tags: what to publish and what exports show."""
        try:
            return utm.tag_url(self.link_url, self.utm_tags())
        except ValueError:  # a link urlsplit cannot read (e.g. "https://[::1/"): as typed
            return self.link_url

    @property
    def link_off_site(self):
        """True when the link leaves the business's website (a warning, not an error)."""
        return bool(self.link_url) and utm.host_of(self.link_url) != utm.host_of(
            self.business.website_url
        )

    def get_status_display(self):
        choices = SmoStatus if self.is_smo else SmmStatus
        return dict(choices.choices).get(self.status, self.status)


class TimeEntry(models.Model):
    """Hours spent on a task: who, which day, how long."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="time_entries")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="time_entries",
        verbose_name="member",
    )
    date = models.DateField(validators=DATES)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "time entries"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["business", "date"], name="time_business_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="time_hours_in_a_day",
                violation_error_message="Hours logged in a day are more than 0 and at most 24.",
            ),
        ]

    def __str__(self):
        return f"{self.hours} h on {self.date}"


class ResultEntry(models.Model):
    """Dated figures for one task; a task's totals are the sums of its entries."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="results")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="results")
    date = models.DateField(validators=DATES)
    impressions = models.PositiveBigIntegerField(default=0, validators=COUNT)
    reach = models.PositiveBigIntegerField(default=0, validators=COUNT)
    engagements = models.PositiveBigIntegerField(default=0, validators=COUNT)
    clicks = models.PositiveBigIntegerField(default=0, validators=COUNT)
    conversions = models.PositiveBigIntegerField(default=0, validators=COUNT)
    conversion_value = money_field("conversion value", default=ZERO)
    spend = money_field("media spend", default=ZERO, help_text="Paid (SMM) tasks only.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "result entries"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["business", "date"], name="result_business_date")]
        constraints = [
            # One figure per task per day, so a re-import replaces instead of doubling.
            models.UniqueConstraint(fields=["task", "date"], name="result_one_per_task_per_day"),
            models.CheckConstraint(
                condition=Q(conversion_value__gte=0),
                name="result_conversion_value_non_negative",
                violation_error_message="The conversion value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(spend__gte=0),
                name="result_spend_non_negative",
                violation_error_message="Spend cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"results for {self.date}"


class DailyRollup(models.Model):
    """Sums per business, day, kind, platform and campaign, so the dashboard reads a few
    thousand rows instead of every entry.

    Not a cache: services.py rebuilds the affected days in the same transaction as every write
    to tasks, time or results (rollups.refresh), so it is always exactly the sum of its sources.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="rollups")
    date = models.DateField(validators=DATES)
    kind = models.CharField(max_length=3, choices=Kind.choices)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    hours = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    impressions = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    engagements = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    conversion_value = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    spend = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    production_cost = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    estimated_hours = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    published_posts = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["business", "date"], name="rollup_business_date"),
            models.Index(fields=["business", "campaign", "date"], name="rollup_business_campaign"),
        ]

    def __str__(self):
        return f"{self.business_id} {self.date} {self.kind}"


class TaskTally(models.Model):
    """How many tasks a business has per kind, status, platform and campaign, for the
    dashboard's pipeline. Counted in and out by services.task_save and task_delete."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="tallies")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    status = models.CharField(max_length=10)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["business", "kind", "status"], name="tally_business")]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=0), name="tally_count_non_negative")
        ]

    def __str__(self):
        return f"{self.business_id} {self.kind} {self.status}: {self.count}"


class ReportUpload(models.Model):
    """An ad report between its upload and its import (planner/imports.py).

    Kept in the database, not on the local disk or in memory, so that whichever app server
    answers the next step finds it; deleted once imported or cancelled (or a day later).
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField("file name", max_length=255)
    content = models.TextField()  # the file's text, decoded (see planner/ad_reports.py)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["business", "created_at"], name="upload_business_created")]

    def __str__(self):
        return self.file_name


class ImportMapping(models.Model):
    """A campaign name in one kind of ad report, remembered as one of the business's SMM tasks,
    or (no task) as "skip these rows"."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)  # the report format: meta, linkedin, generic
    name = models.CharField(max_length=300)  # as written in the report
    name_key = models.CharField(max_length=300)  # ad_reports.name_key(name): what is matched
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "source", "name_key"], name="import_mapping_unique_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.task or 'skip'}"
