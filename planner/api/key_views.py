"""The owner's page of the business's API keys: create (shown once), list, revoke."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner.access import get_for_business, member_required
from planner.api import keys
from planner.api.forms import ApiKeyForm
from planner.api.models import ApiKey
from planner.models import Role

KEYS_SHOWN = 100


@member_required(Role.OWNER)
def api_key_list(request):
    form = ApiKeyForm(request.POST or None, business=request.business)
    created = None
    if request.method == "POST" and form.is_valid():
        key, secret = keys.create_key(
            request.business,
            request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at(),
        )
        # Shown this once (only its hash is kept): no redirect, so it is in no URL or history.
        created = (key, secret)
        form = ApiKeyForm(business=request.business)
    rows = ApiKey.objects.filter(business=request.business).select_related("created_by")
    return render(
        request,
        "api/api_keys.html",
        {
            "form": form,
            "keys": rows[:KEYS_SHOWN],
            "created": created,
            "now": timezone.now(),
            "api_root": request.build_absolute_uri(
                reverse("api-businesses") + f"{request.business.pk}/"
            ),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@member_required(Role.OWNER)
@require_POST
def api_key_revoke(request, pk):
    key = get_for_business(ApiKey.objects.all(), request.business, pk=pk)
    if keys.revoke_key(key, request.user):
        messages.success(request, f"“{key.name}” is revoked: requests with it are refused.")
    return redirect("api_key_list", business_id=request.business.pk)
