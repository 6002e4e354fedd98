"""What a business keeps for writing posts faster: post templates and hashtag groups, both
inserted into the post form's text by the composer (static/js/snippets.js)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from planner.models import Business, TenantQuerySet, version_field

MAX_SNIPPETS = 200  # per business: the composer's lists stay short enough to read
TEMPLATE_LENGTH = 3000  # the longest post any platform takes (LinkedIn)
HASHTAGS_LENGTH = 500  # as a post's own hashtags field
# A recurring post's posts, made when it is saved: a year of daily posts (recurrence.py can
# say more; a longer series is made again when it ends).
MAX_SERIES_POSTS = 366


class SnippetKind(models.TextChoices):
    TEMPLATE = "template", "Post template"
    HASHTAGS = "hashtags", "Hashtag group"


class Snippet(models.Model):
    """A named post text (a template) or a named set of hashtags, of one business."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="snippets")
    kind = models.CharField(max_length=10, choices=SnippetKind.choices)
    name = models.CharField(max_length=80)
    text = models.TextField(max_length=TEMPLATE_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["kind", Lower("name")]
        constraints = [
            # One name (in any case) per kind and business; also the page's index.
            models.UniqueConstraint("business", "kind", Lower("name"), name="snippet_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=SnippetKind.values), name="snippet_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name


class PostGroup(models.Model):
    """One post written once for several platforms: each variant is an SMO task of its own
    (Task.post_group), so the dashboard, calendar, imports and exports count it as before;
    the group lets the variants be opened and edited together."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="post_groups")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    def __str__(self):
        return f"post group {self.pk}"


class SeriesUnit(models.TextChoices):
    DAY = "day", "days"
    WEEK = "week", "weeks"


class PostSeries(models.Model):
    """A recurring post: its rule (planner/compose/recurrence.py) and the posts made from it
    (Task.series), each a post of its own that can be edited or skipped alone."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="post_series")
    every = models.PositiveSmallIntegerField(default=1)
    unit = models.CharField(max_length=4, choices=SeriesUnit.choices, default=SeriesUnit.WEEK)
    weekdays = models.CharField(max_length=13, blank=True)  # "0,2,4": Monday, Wednesday, Friday
    until = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    skipped = models.PositiveIntegerField(default=0)  # occurrences skipped (deleted) since
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(every__gte=1, every__lte=52), name="series_every"),
            models.CheckConstraint(
                condition=Q(unit__in=SeriesUnit.values), name="series_unit_valid"
            ),
            # It ends on a day or after a number of posts: one of them.
            models.CheckConstraint(
                condition=Q(until__isnull=True, count__isnull=False)
                | Q(until__isnull=False, count__isnull=True),
                name="series_ends_once",
            ),
        ]

    def __str__(self):
        return f"series {self.pk}"

    @property
    def weekday_numbers(self):
        return frozenset(int(day) for day in self.weekdays.split(",") if day)

    def describe(self):
        """ "Every 2 weeks on Monday, Thursday, until 2027-03-01" and the like."""
        names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        unit = self.get_unit_display() if self.every != 1 else self.unit
        words = f"Every {self.every} {unit}" if self.every != 1 else f"Every {unit}"
        if self.weekdays:
            words += " on " + ", ".join(names[day] for day in sorted(self.weekday_numbers))
        if self.until:
            return f"{words}, until {self.until.isoformat()}"
        return f"{words}, {self.count} times"


MAX_SLOTS_PER_PLATFORM = 50  # seven a day, every day, and some


class PostingSlot(models.Model):
    """A weekly time at which a platform takes a post ("Tuesday 09:00 on LinkedIn"), in the
    business's time zone: the composer's and the post form's "next free slot", and the
    calendar's free slots (planner/compose/slots.py)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="posting_slots")
    platform = models.ForeignKey(
        "planner.Platform", on_delete=models.CASCADE, related_name="posting_slots"
    )
    weekday = models.PositiveSmallIntegerField()  # 0 Monday … 6 Sunday
    at = models.TimeField("time")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "weekday", "at"]
        constraints = [
            models.UniqueConstraint("platform", "weekday", "at", name="slot_once_per_platform"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="slot_weekday_valid"),
        ]
        indexes = [models.Index(fields=["business", "platform"], name="slot_business_platform")]

    def __str__(self):
        return f"{WEEKDAY_NAMES[self.weekday]} {self.at:%H:%M}"


WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
