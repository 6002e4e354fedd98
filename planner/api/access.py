"""The API's tenant access: the one place that turns a URL's business id into the caller's
business and role, as planner/access.py does for the pages.

A business the caller does not reach — not a member of it, or a key of another business — is a
404, exactly like a missing one. A key acts with its scope's role (read: viewer, read and
write: editor); a session with the member's role.
"""

from django.http import Http404
from rest_framework import exceptions, permissions

from planner.access import get_membership, has_mfa
from planner.api.models import ApiKey
from planner.models import Membership, Role


def api_membership(request, business_id):
    """The caller's Membership of the business (for a key, an unsaved one with its role)."""
    key = request.auth if isinstance(request.auth, ApiKey) else None
    if key is not None:
        if str(key.business_id) != str(business_id):
            raise Http404("No such business.")
        return Membership(business=key.business, user=request.user, role=key.role)
    membership = get_membership(request.user, business_id)
    if membership.business.require_mfa and not has_mfa(request.user):
        raise exceptions.PermissionDenied(
            f"{membership.business.name} requires two-factor authentication: set up an "
            "authenticator app in the planner first."
        )
    return membership


class BusinessAccess(permissions.BasePermission):
    """Members (and keys) of the URL's business read; editors (and write keys) write. Sets
    `request.business` and `request.membership` for the view."""

    message = "Your role in this business (or this key's scope) does not allow this."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        membership = api_membership(request, view.kwargs["business_id"])
        request.business, request.membership = membership.business, membership
        if request.method in permissions.SAFE_METHODS:
            return True
        return membership.has_role(getattr(view, "write_role", Role.EDITOR))
