"""The business's profiles on the social networks, with the SMO profile checklist."""

from django.db import models
from django.db.models.functions import Lower

from planner.models.base import TenantQuerySet, http_url_field, version_field
from planner.models.business import Business


class PlatformKind(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"


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
