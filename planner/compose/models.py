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
