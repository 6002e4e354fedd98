"""Tenant access: the one place that turns a URL's business and object ids into rows.

A business the user does not belong to, and any object outside the current business, answer 404
exactly like a missing one, so ids reveal nothing. A member whose role is too low gets 403; a
member of a business that requires two-factor authentication, without it, is sent to set it up.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from planner.models import Membership, Role

CURRENT_BUSINESS_KEY = "current_business_id"


def member_required(role=Role.VIEWER, mfa=True):
    """View decorator: resolve `business_id` to the user's membership and check the role (and,
    unless `mfa=False`, the business's two-factor rule: leaving must work without it).

    The view receives the request with `request.business` and `request.membership` set, and no
    `business_id` argument.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, business_id, *args, **kwargs):
            membership = get_membership(request.user, business_id)
            if mfa and membership.business.require_mfa and not has_mfa(request.user):
                messages.warning(
                    request,
                    f"{membership.business.name} requires two-factor authentication: set up "
                    "an authenticator app to continue.",
                )
                return redirect("mfa_index")
            if not membership.has_role(role):
                raise PermissionDenied("Your role in this business does not allow this.")
            request.business = membership.business
            request.membership = membership
            if request.session.get(CURRENT_BUSINESS_KEY) != membership.business_id:
                request.session[CURRENT_BUSINESS_KEY] = membership.business_id  # for home()
            # Forms read and pages show times in the business's time zone.
            with timezone.override(membership.business.time_zone):
                return view(request, *args, **kwargs)

        return wrapper

    return decorator


def has_mfa(user):
    """Whether the user has an authenticator app set up (allauth MFA)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def get_membership(user, business_id):
    try:
        return Membership.objects.select_related("business").get(
            business_id=int(business_id), user=user
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404("No such business.") from None


def get_for_business(queryset, business, **lookup):
    """Fetch one object of `business` or raise 404, whatever the reason it is not there."""
    return get_object_or_404(queryset.for_business(business), **lookup)
