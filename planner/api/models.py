"""API keys: a business's credentials for scripts and integrations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from planner.models import Role
from planner.models.base import TenantQuerySet


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


# The role a key acts with: never an owner's (keys and members are managed in the app).
SCOPE_ROLES = {Scope.READ: Role.VIEWER, Scope.WRITE: Role.EDITOR}


class ApiKey(models.Model):
    """One key of one business. Only a hash of the secret is kept: it is shown once."""

    business = models.ForeignKey("planner.Business", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, so that the owner can tell keys apart.
    prefix = models.CharField(max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["business", "-created_at"], name="apikey_business_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=Scope.values),
                name="apikey_scope_valid",
                violation_error_message="A key reads, or reads and writes.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="apikey_name_not_empty",
                violation_error_message="Give the key a name.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def role(self):
        return SCOPE_ROLES[self.scope]

    def state(self, now=None):
        """ "active", "revoked" or "expired"."""
        now = now or timezone.now()
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= now:
            return "expired"
        return "active"
