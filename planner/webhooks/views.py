"""The owner's webhook pages: the list with a form for a new one, and each webhook's page with
its delivery log (replay, a test event, enable again, delete)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from planner.access import get_for_business, member_required
from planner.models import Role
from planner.webhooks import sending, services
from planner.webhooks.events import EVENTS
from planner.webhooks.forms import SubscriptionForm
from planner.webhooks.models import Delivery, Subscription

LOG_PAGE = 25


@member_required(Role.OWNER)
def webhook_list(request):
    form = SubscriptionForm(request.POST or None, business=request.business)
    created = None
    if request.method == "POST" and form.is_valid():
        created = services.subscribe(
            request.business,
            request.user,
            url=form.cleaned_data["url"],
            events_chosen=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
        )
        # Its secret is shown this once, on this page (no redirect: in no URL or history).
        form = SubscriptionForm(business=request.business)
    subscriptions = Subscription.objects.for_business(request.business)
    return render(
        request,
        "webhooks/webhook_list.html",
        {
            "form": form,
            "subscriptions": subscriptions,
            "created": created,
            "events": EVENTS,
            "header": sending.SIGNATURE_HEADER,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _subscription(request, pk):
    return get_for_business(Subscription.objects.all(), request.business, pk=pk)


@member_required(Role.OWNER)
def webhook_detail(request, pk):
    subscription = _subscription(request, pk)
    log = Delivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")
    page = Paginator(log, LOG_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/webhook_detail.html",
        {
            "subscription": subscription,
            "page": page,
            "events": {name: EVENTS[name] for name in subscription.events if name in EVENTS},
        },
    )


@member_required(Role.OWNER)
@require_POST
def webhook_test(request, pk):
    subscription = _subscription(request, pk)
    services.ping(subscription, request.user)
    messages.success(request, "A test event is on its way: its line is in the log below.")
    return redirect("webhook_detail", business_id=request.business.pk, pk=pk)


@member_required(Role.OWNER)
@require_POST
def webhook_enable(request, pk):
    services.enable(_subscription(request, pk), request.user)
    messages.success(request, "The webhook is on again.")
    return redirect("webhook_detail", business_id=request.business.pk, pk=pk)


@member_required(Role.OWNER)
@require_POST
def webhook_delete(request, pk):
    subscription = _subscription(request, pk)
    services.unsubscribe(subscription, request.user)
    messages.success(request, f"The webhook to {subscription.url} is deleted.")
    return redirect("webhook_list", business_id=request.business.pk)


@member_required(Role.OWNER)
@require_POST
def delivery_replay(request, pk, delivery_pk):
    subscription = _subscription(request, pk)
    delivery = get_for_business(
        Delivery.objects.filter(subscription=subscription), request.business, pk=delivery_pk
    )
    services.replay(delivery)
    messages.success(request, f"{delivery.event} is sent again, with the same event id.")
    return redirect("webhook_detail", business_id=request.business.pk, pk=pk)
