"""Saved views: a member's named filters and sort of a task list."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from planner.models import Business, Kind, TenantQuerySet

MAX_VIEWS = 30  # per member and list: the row of views beside the filters stays readable


class SavedView(models.Model):
    """A named query string of a task list (planner/lists/queries.py keeps it to the list's
    own filters and sort), the member's own: nobody else sees or uses it."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            # One view per name (in any case) per member and list; also the lists' index.
            models.UniqueConstraint(
                "business", "user", "kind", Lower("name"), name="saved_view_name_unique"
            ),
        ]

    def __str__(self):
        return self.name
