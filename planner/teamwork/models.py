"""The activity log: one row per thing done to a business's work, written by the services in
the same transaction as the change itself."""

from django.conf import settings
from django.db import models

from planner.models import Business, Task, TenantQuerySet


class Verb(models.TextChoices):
    # Review moves (planner/teamwork/review.py Action), by their action's name.
    REQUEST = "request", "asked for review"
    WITHDRAW = "withdraw", "withdrew it from review"
    APPROVE = "approve", "approved it"
    REQUEST_CHANGES = "request_changes", "requested changes"
    EDITED = "edited", "changed approved content: back to review"
    COMMENT = "comment", "commented"
    # Work itself.
    CREATED = "created", "created it"
    CHANGED = "changed", "changed it"
    STATUS = "status", "moved its status"
    DELETED = "deleted", "deleted it"
    # The business.
    IMPORTED = "imported", "imported an ad report"
    MEMBER = "member", "changed the members"
    INTEGRATION = "integration", "changed the API keys or webhooks"
    PLAN = "plan", "made a what-if scenario the campaigns' budgets"


# The owner's filter of the business's log: a few groups rather than every verb.
VERB_GROUPS = {
    "review": (
        "Review",
        (Verb.REQUEST, Verb.WITHDRAW, Verb.APPROVE, Verb.REQUEST_CHANGES, Verb.EDITED),
    ),
    "comment": ("Comments", (Verb.COMMENT,)),
    "work": (
        "Tasks created, changed, deleted",
        (Verb.CREATED, Verb.CHANGED, Verb.STATUS, Verb.DELETED),
    ),
    "import": ("Imports", (Verb.IMPORTED,)),
    "member": ("Members", (Verb.MEMBER,)),
    "integration": ("API keys and webhooks", (Verb.INTEGRATION,)),
    "plan": ("Scenarios applied to budgets", (Verb.PLAN,)),
}


class Activity(models.Model):
    """Who did what to which task, and when. A deleted task's rows stay with its title; a
    deleted user's with the name they had."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="activity")
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="activity"
    )
    task_title = models.CharField(max_length=200, blank=True)  # blank: the business itself
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150)
    verb = models.CharField(max_length=20, choices=Verb.choices)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    comment = models.TextField(blank=True)
    # A change's fields: [[label, old, new], …], as shown then (names, not ids).
    changes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activity"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business", "-created_at", "-id"], name="activity_business"),
            models.Index(fields=["task", "-created_at", "-id"], name="activity_task"),
            # The owner's filters: by kind of event, by member.
            models.Index(
                fields=["business", "verb", "-created_at", "-id"], name="activity_business_verb"
            ),
            models.Index(
                fields=["business", "actor", "-created_at", "-id"], name="activity_business_actor"
            ),
        ]

    def __str__(self):
        return f"{self.actor_name} {self.get_verb_display()} ({self.task_title})"


class Comment(models.Model):
    """A member's comment on a task, or a client's from a review link (`by_client`, with the
    name they gave). Mentions (@username) are read from the body when it is saved."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="comments")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(max_length=150)
    by_client = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "-created_at", "-id"], name="comment_task")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_body_not_empty")
        ]

    def __str__(self):
        return f"{self.author_name} on {self.task_id}"


class NotificationKind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", "Review requested of me"
    REVIEW_DECIDED = "review_decided", "My work approved or sent back"
    MENTION = "mention", "I am mentioned in a comment"
    ASSIGNED = "assigned", "A task is assigned to me"
    DUE_SOON = "due_soon", "A post due within 24 hours is not approved or not scheduled"
    OVERDUE = "overdue", "A post's time has passed and it is not published"
    OFF_PACE = "off_pace", "An ad has gone off pace"
    IMPORT = "import", "An ad-report import of mine finished or failed"
    WEBHOOK_DISABLED = "webhook_disabled", "A webhook kept failing and was disabled (owners)"


class EmailChoice(models.TextChoices):
    INSTANT = "instant", "E-mail at once"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "No e-mail"


# Without a choice of their own, a member is e-mailed at once about what asks something of them,
# and once a day about what the daily checks find.
DEFAULT_EMAIL = {
    NotificationKind.DUE_SOON: EmailChoice.DIGEST,
    NotificationKind.OVERDUE: EmailChoice.DIGEST,
    NotificationKind.OFF_PACE: EmailChoice.DIGEST,
}


class EmailState(models.TextChoices):
    INSTANT = "instant", "To be e-mailed at once"
    DIGEST = "digest", "Waiting for the daily digest"
    SENT = "sent", "E-mailed"
    OFF = "off", "Not e-mailed"


class Notification(models.Model):
    """One event told to one user: in their inbox always, by e-mail as they chose.

    `key` names the event (unique per user), so nobody is told twice of one event however
    often the code that finds it runs.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="notifications")
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=120)
    text = models.CharField(max_length=400)
    url = models.CharField(max_length=300)
    email_state = models.CharField(max_length=10, choices=EmailState.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            # The bell: unread per business, read with the business switcher.
            models.Index(
                fields=["user", "business"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["user", "id"],
                name="notification_digest",
                condition=models.Q(email_state="digest"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")
        ]

    def __str__(self):
        return self.text


class NotificationPreference(models.Model):
    """A user's choice of e-mail for one kind of notification (none: DEFAULT_EMAIL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    email = models.CharField(max_length=10, choices=EmailChoice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.email}"


class ReviewLink(models.Model):
    """A client's way in: a secret link (only its hash is kept) to a read-only preview of a
    campaign's posts and ads, or of those in a date range, where they approve or request
    changes. Expires; an owner can revoke it. Anything else of the business stays out of reach.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="review_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120)
    campaign = models.ForeignKey(
        "planner.Campaign",
        on_delete=models.CASCADE,  # a link to a campaign ends with it
        null=True,
        blank=True,
        related_name="+",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(campaign__isnull=False)
                | models.Q(start_date__isnull=False, end_date__isnull=False),
                name="review_link_has_a_selection",
                violation_error_message="Choose a campaign or a date range.",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="review_link_range_ordered",
                violation_error_message="The range cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_live(self):
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > timezone.now()
