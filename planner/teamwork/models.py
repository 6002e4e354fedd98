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


class Activity(models.Model):
    """Who did what to which task, and when. A deleted task's rows stay with its title; a
    deleted user's with the name they had."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="activity")
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="activity"
    )
    task_title = models.CharField(max_length=200, blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activity"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business", "-created_at", "-id"], name="activity_business"),
            models.Index(fields=["task", "-created_at", "-id"], name="activity_task"),
        ]

    def __str__(self):
        return f"{self.actor_name} {self.get_verb_display()} ({self.task_title})"
