"""Tasks: one unit of planned work, an organic post (SMO) or a paid ad campaign (SMM)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Upper

from planner import utm
from planner.models.base import (
    AGES,
    DATES,
    NON_NEGATIVE,
    ZERO,
    TenantQuerySet,
    http_url_field,
    money_field,
    plannable_date,
    plannable_local_date,
    version_field,
)
from planner.models.business import Business
from planner.models.campaigns import Campaign
from planner.models.platforms import Platform
from planner.teamwork.review import ReviewState


class Kind(models.TextChoices):
    SMO = "smo", "SMO (organic)"
    SMM = "smm", "SMM (paid)"


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


# The longest flight an ad may have: the calendar counts an ad on every day of its flight, so
# a flight is bounded like any other input. Three years covers an "always on" campaign; plan a
# longer one as several, or leave the end open.
MAX_FLIGHT_DAYS = 3 * 365 + 1


def flight_too_long(start, end):
    return bool(start and end) and (end - start).days + 1 > MAX_FLIGHT_DAYS


FLIGHT_TOO_LONG = (
    "A flight can last at most three years (1,096 days): plan a longer one as several."
)


SEARCH_SEPARATOR = "\x1f"  # the "unit separator" control character: never typed


# The ad columns the SMM list can sort by, each with its own index.
SORTED_AD_COLUMNS = (
    "budget_total",
    "media_spend",
    "budget_spent",
    "total_impressions",
    "total_clicks",
    "click_through_rate",
    "cost_per_click",
    "total_conversions",
    "cost_per_conversion",
)

# Sort columns that can be empty, whose empty rows go last in both directions: each also has
# an index high to low on PostgreSQL (planner/list_sorts.py says why; migration 0017).
SORTED_EMPTY_LAST = {
    "smo": ("scheduled_at",),
    "smm": (
        "flight_start",
        "budget_total",
        "budget_spent",
        "click_through_rate",
        "cost_per_click",
        "cost_per_conversion",
    ),
}


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
    # Review and approval (planner/teamwork/review.py): moved only by the teamwork services
    # and services.task_save, never typed. The author of a review is who asked for it, or
    # whose edit sent approved work back to review.
    review_state = models.CharField(
        "review", max_length=10, choices=ReviewState.choices, default=ReviewState.NONE
    )
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The day the task's production cost and estimate count in a period: the post's publish
    # day or the ad's first flight day (else the day it was created), in the business's time
    # zone. Set by services.task_save, never typed.
    work_date = models.DateField("work date", editable=False)

    # A post composed once for several platforms: its variants share a group (planner/compose).
    post_group = models.ForeignKey(
        "compose.PostGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="variants",
    )
    # A recurring post's occurrence: one post of its series (planner/compose).
    series = models.ForeignKey(
        "compose.PostSeries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="posts",
    )
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
    # What the lists' text search reads: the texts in capitals, one column that PostgreSQL
    # indexes by trigrams (migration 0010), so "contains" is an index lookup, not a scan.
    # SEARCH_SEPARATOR keeps a search from matching across two fields.
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "title",
                Value(SEARCH_SEPARATOR),
                "post_text",
                Value(SEARCH_SEPARATOR),
                "ad_headline",
                Value(SEARCH_SEPARATOR),
                "ad_text",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    # Pacing kept as data, so "off pace" is a filter on the row, not a sum per request. Set by
    # rollups.set_figures whenever the ad or its results change, never typed: the ad's
    # media spend (all its results), and the days on which kpis.pace_flag says "over" (from,
    # until) and from which it says "under". A flag only changes as time passes within the
    # flight, and in one direction (over, on pace, under), so three dates hold every day's.
    media_spend = models.DecimalField(
        "media spend", max_digits=16, decimal_places=2, default=ZERO, editable=False
    )
    pace_over_from = models.DateField(null=True, blank=True, editable=False)
    pace_over_until = models.DateField(null=True, blank=True, editable=False)
    pace_under_from = models.DateField(null=True, blank=True, editable=False)
    # The sums of the task's results, its flight's budget and the KPIs the ad list sorts by,
    # kept on the row with the spend (rollups.set_figures), so that the lists show, total and
    # sort by them from the row and TaskTally, never by summing results per request.
    total_impressions = models.BigIntegerField(default=0, editable=False)
    total_reach = models.BigIntegerField(default=0, editable=False)
    total_engagements = models.BigIntegerField(default=0, editable=False)
    total_clicks = models.BigIntegerField(default=0, editable=False)
    total_conversions = models.BigIntegerField(default=0, editable=False)
    total_conversion_value = models.DecimalField(
        max_digits=16, decimal_places=2, default=ZERO, editable=False
    )
    budget_total = models.DecimalField(
        "flight budget", max_digits=16, decimal_places=2, null=True, blank=True, editable=False
    )
    cost_per_click = models.FloatField(null=True, blank=True, editable=False)
    click_through_rate = models.FloatField(null=True, blank=True, editable=False)
    cost_per_conversion = models.FloatField(null=True, blank=True, editable=False)
    budget_spent = models.FloatField(null=True, blank=True, editable=False)

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
            # The lists, newest first; with the id, a deep page's OFFSET reads this index alone.
            models.Index(
                fields=["business", "kind", "-created_at", "-id"], name="task_business_kind_newest"
            ),
            # The API's lists, newest first by id (a cursor on a unique column).
            models.Index(fields=["business", "kind", "-id"], name="task_business_kind_id"),
            models.Index(fields=["business", "work_date"], name="task_business_work_date"),
            # The dashboard's pipeline counts, and what is due or overdue, by status and date.
            # With the id, each gives the lists' whole order for one status (else the index
            # by date alone, which walks every status, looks cheaper to the planner).
            models.Index(
                fields=["business", "kind", "status", "scheduled_at", "id"],
                name="task_status_scheduled_id",
            ),
            models.Index(
                fields=["business", "kind", "status", "work_date", "id"],
                name="task_status_work_date_id",
            ),
            models.Index(
                fields=["business", "kind", "status", "flight_end", "id"],
                name="task_status_flight_end_id",
            ),
            # The lists narrowed to a review state ("waiting for me" is one), newest first.
            models.Index(
                fields=["business", "kind", "review_state", "-created_at", "-id"],
                name="task_review_newest",
            ),
            # Pipeline counts and task lists narrowed to one campaign or platform.
            models.Index(
                fields=["business", "campaign", "kind", "status"], name="task_campaign_status"
            ),
            models.Index(
                fields=["business", "platform", "kind", "status"], name="task_platform_status"
            ),
            # The calendar's posts of a day in time order, its ad flights by first and last day.
            # With the id: many posts share a publish time, and ORDER BY time, id would sort
            # every tie of the day to keep four.
            models.Index(
                fields=["business", "kind", "scheduled_at", "id"], name="task_kind_scheduled_id"
            ),
            models.Index(
                fields=["business", "kind", "flight_start", "id"], name="task_kind_flight_start"
            ),
            # Whether a platform has a post at a posting slot's moment (compose/selectors.py):
            # one probe per slot, where the publish-time index reads every platform's posts.
            models.Index(
                fields=["business", "platform", "scheduled_at"],
                name="task_platform_scheduled",
                condition=Q(kind="smo"),
            ),
            models.Index(
                fields=["business", "kind", "flight_end", "id"], name="task_kind_flight_end"
            ),
            # The best times to post (planner/insights/best_times.py): a platform's published
            # posts by publish time, with their figures, read without the table (PostgreSQL).
            models.Index(
                fields=["business", "platform", "scheduled_at"],
                include=["total_engagements", "total_clicks"],
                condition=Q(kind="smo", status="published"),
                name="task_published_times",
            ),
            # The lists' sorts (planner/list_sorts.py): each an index walk in its order, with
            # the id as the tie-break; the ads' money sorts on ads alone.
            models.Index(fields=["business", "kind", "title", "id"], name="task_sort_title"),
            models.Index(
                fields=["business", "kind", "estimated_hours", "id"], name="task_sort_hours"
            ),
            *(
                models.Index(
                    fields=["business", column, "id"],
                    name=f"task_sort_{column}",
                    condition=Q(kind="smm"),
                )
                for column in SORTED_AD_COLUMNS
            ),
            # …and high to low with empty values last, on PostgreSQL: migration 0017 (SQLite
            # cannot index NULLS LAST; it sorts those orders instead).
            # "Off pace", newest first: the ads that can be (selectors.off_pace), in list order,
            # so a page stops at its 25th match; the pace dates are checked on these rows.
            # A report's top posts and ads by clicks and engagements (planner/reports): each
            # a walk of the index from the highest, the work day checked in the index itself.
            *(
                models.Index(
                    fields=["business", column, "id"],
                    include=["work_date"],
                    name=f"task_top_{kind}_{column.removeprefix('total_')}",
                    condition=Q(kind=kind),
                )
                for kind in ("smo", "smm")
                for column in ("total_clicks", "total_engagements")
            ),
            # How many ads are off pace on a day (the portfolio): under from a day on, or
            # over from one day to another, counted in these indexes alone.
            *(
                models.Index(
                    fields=["business", *columns],
                    name=name,
                    condition=Q(
                        kind="smm",
                        status__in=["active", "paused"],
                        flight_end__isnull=False,
                        budget_amount__isnull=False,
                    ),
                )
                for name, columns in (
                    ("task_pace_under", ["pace_under_from"]),
                    ("task_pace_over", ["pace_over_from", "pace_over_until"]),
                )
            ),
            models.Index(
                fields=["business", "-created_at", "-id"],
                name="task_pace_candidates",
                condition=Q(
                    kind="smm",
                    status__in=["active", "paused"],
                    flight_end__isnull=False,
                    budget_amount__isnull=False,
                ),
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
                condition=Q(review_state__in=ReviewState.values),
                name="task_review_state_valid",
                violation_error_message="This is not a review state.",
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

    def clean(self):
        """A post's publish time must be on a plannable day where the business is, too: its
        local day is its work date, a day of the dashboard and of the calendar."""
        super().clean()
        if self.kind == Kind.SMM and flight_too_long(self.flight_start, self.flight_end):
            raise ValidationError({"flight_end": FLIGHT_TOO_LONG})
        moment = self.scheduled_at
        if self.kind != Kind.SMO or not isinstance(moment, datetime.datetime):
            return  # no publish time, or one its field has refused already
        if not self.business_id:
            return
        try:
            plannable_date(moment)
        except ValidationError:
            return  # out of range in UTC: the field's validator says so
        try:
            plannable_local_date(moment, self.business.time_zone)
        except ValidationError as error:
            raise ValidationError({"scheduled_at": error}) from None

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
