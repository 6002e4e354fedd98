"""Subscribing, delivering, giving up, replaying; each write and its activity row in one
transaction."""

import json
import secrets
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from planner.jobs import services as jobs
from planner.jobs.models import JobKind, JobStatus
from planner.teamwork.activity import record_business
from planner.teamwork.models import Verb
from planner.webhooks import events, sending
from planner.webhooks.models import Delivery, DeliveryStatus, Subscription

DISABLE_AFTER = 5  # deliveries in a row that failed for good (each after all its retries)
MAX_SUBSCRIPTIONS = 20  # per business


def active_subscriptions(business):
    return list(Subscription.objects.filter(business=business, active=True))


def new_secret():
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def subscribe(business, by, *, url, events_chosen, description=""):
    """A new subscription and its signing secret (shown once)."""
    subscription = Subscription.objects.create(
        business=business,
        url=url,
        events=sorted(events_chosen),
        description=description,
        secret=new_secret(),
        created_by=by,
    )
    record_business(business.pk, by, Verb.INTEGRATION, f"Webhook to {url} added")
    return subscription


@transaction.atomic
def unsubscribe(subscription, by):
    record_business(
        subscription.business_id, by, Verb.INTEGRATION, f"Webhook to {subscription.url} deleted"
    )
    subscription.delete()


@transaction.atomic
def enable(subscription, by):
    """Turn a disabled subscription on again, its failure count back to 0."""
    Subscription.objects.filter(pk=subscription.pk).update(
        active=True, failures=0, disabled_reason=""
    )
    record_business(
        subscription.business_id, by, Verb.INTEGRATION, f"Webhook to {subscription.url} enabled"
    )


def record_delivery(subscription, event, payload, dedupe_key="", replay_of=None):
    """A delivery row and the job that sends it (after the transaction commits)."""
    delivery = Delivery.objects.create(
        business_id=subscription.business_id,
        subscription=subscription,
        event_id=payload["id"],
        event=event,
        payload=payload,
        dedupe_key=dedupe_key or "",
        replay_of=replay_of,
    )
    host = urlsplit(subscription.url).hostname or subscription.url
    jobs.start(
        JobKind.WEBHOOK,
        label=f"Webhook {event} to {host}",
        business=subscription.business,
        payload={"delivery": delivery.pk},
    )
    return delivery


@transaction.atomic
def ping(subscription, by):
    """A test event to this one subscription."""
    payload = events.body(
        events.PING, subscription.business, {"message": "A test from the planner."}
    )
    return record_delivery(subscription, events.PING, payload)


@transaction.atomic
def replay(delivery):
    """Send a delivery's body again, as it was (the same event id), as a new delivery."""
    subscription = Subscription.objects.select_related("business").get(pk=delivery.subscription_id)
    return record_delivery(subscription, delivery.event, delivery.payload, replay_of=delivery)


def encoded(payload):
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def deliver_job(job, progress):
    """The job's work: POST the delivery once. A failure raises, so that the job retries with
    its backoff (planner/jobs RETRY_DELAYS); a refused address fails at once."""
    delivery = (
        Delivery.objects.select_related("subscription")
        .filter(pk=job.payload.get("delivery"))
        .first()
    )
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return {"skipped": True}
    subscription = delivery.subscription
    if not subscription.active:
        _record(delivery, None, 0, "The subscription is disabled.", DeliveryStatus.FAILED)
        raise jobs.JobRefused("The subscription is disabled.")
    body = encoded(delivery.payload)
    headers = {
        sending.SIGNATURE_HEADER: sending.signature(subscription.secret, body),
        "X-Planner-Event": delivery.event,
        "X-Planner-Delivery": str(delivery.event_id),
    }
    try:
        outcome = sending.post(subscription.url, body, headers)
    except sending.Refused as refused:
        _record(delivery, None, 0, str(refused), DeliveryStatus.FAILED)
        raise jobs.JobRefused(str(refused)) from None
    if outcome.ok:
        _record(delivery, outcome.code, outcome.duration_ms, "", DeliveryStatus.DELIVERED)
        Subscription.objects.filter(pk=subscription.pk).update(failures=0)
        return {"code": outcome.code}
    reason = outcome.error or f"The receiver answered {outcome.code}."
    _record(delivery, outcome.code, outcome.duration_ms, reason, DeliveryStatus.PENDING)
    raise DeliveryFailed(reason)


class DeliveryFailed(Exception):
    """An attempt that may work later: the job retries it."""


def _record(delivery, code, duration, error, status):
    now = timezone.now()
    fields = {
        "attempts": F("attempts") + 1,
        "response_code": code,
        "duration_ms": duration,
        "error": error[:500],
        "status": status,
        "last_attempt_at": now,
    }
    if status == DeliveryStatus.DELIVERED:
        fields["delivered_at"] = now
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


def job_finished(job):
    """A delivery's job ended (planner/jobs _tell_starter). If it failed for good, the
    delivery failed, and a subscription that failed DISABLE_AFTER times in a row is disabled
    and its business's owners are told."""
    if job.status != JobStatus.FAILED:
        return
    with transaction.atomic():
        delivery = Delivery.objects.filter(pk=job.payload.get("delivery")).first()
        if delivery is None:
            return
        Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.DELIVERED).update(
            status=DeliveryStatus.FAILED, error=(delivery.error or job.error)[:500]
        )
        subscription = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
        subscription.failures += 1
        fields = ["failures"]
        if subscription.active and subscription.failures >= DISABLE_AFTER:
            subscription.active = False
            subscription.disabled_reason = (
                f"Disabled after {subscription.failures} deliveries in a row failed; the last: "
                f"{delivery.error or job.error}"
            )[:300]
            fields += ["active", "disabled_reason"]
            _tell_owners(subscription)
        subscription.save(update_fields=fields)


def _tell_owners(subscription):
    from django.urls import reverse

    from planner.teamwork import notify
    from planner.teamwork.models import NotificationKind

    business = subscription.business
    notify.tell(
        notify.owner_ids(business),
        business=business,
        kind=NotificationKind.WEBHOOK_DISABLED,
        key=f"webhook-disabled:{subscription.pk}:{timezone.now():%Y%m%d%H%M%S}",
        text=f"The webhook to {subscription.url} kept failing and was disabled",
        url=reverse("webhook_detail", args=[business.pk, subscription.pk]),
    )
    record_business(
        business.pk,
        None,
        Verb.INTEGRATION,
        f"Webhook to {subscription.url} disabled after {subscription.failures} failed deliveries",
    )
