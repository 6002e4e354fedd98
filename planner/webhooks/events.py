"""The events a subscription can choose, and emit(), which the services call in the same
transaction as the change: the deliveries are recorded with it, and sent after it commits."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

EVENTS = {
    "task.created": "A post or ad is created",
    "task.updated": "A post or ad is changed",
    "task.status_changed": "A post's or ad's status changes",
    "task.deleted": "A post or ad is deleted",
    "review.approved": "A post or ad is approved",
    "review.changes_requested": "A post or ad is sent back with changes requested",
    "import.completed": "An ad-report import finished",
    "import.failed": "An ad-report import failed",
    "ad.off_pace": "An ad goes under or over pace (checked daily)",
}
PING = "webhook.ping"  # "Send a test event": to one subscription, whatever it chose


def body(event, business, data, event_id=None, at=None):
    """The JSON every delivery sends: its id and time, the business, and the event's data."""
    at = at or timezone.now()
    return {
        "id": str(event_id or uuid.uuid4()),
        "event": event,
        "created_at": at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "business": {"id": business.pk, "name": business.name},
        "data": data,
    }


def emit(business, event, data, dedupe_key="", subscriptions=None):
    """Record a delivery of `event` to each active subscription of the business that chose it,
    each sent by a job once the transaction commits. `data` may be a callable, called only if
    someone subscribed (so that an unwatched event costs one query). `subscriptions`: the
    business's active ones, read once by a caller that emits many events."""
    from planner.webhooks import services  # its jobs import the models

    if subscriptions is None:
        subscriptions = services.active_subscriptions(business)
    subscriptions = [subscription for subscription in subscriptions if event in subscription.events]
    if not subscriptions:
        return []
    payload = body(event, business, data() if callable(data) else data)
    made = []
    for subscription in subscriptions:
        try:
            with transaction.atomic():
                made.append(services.record_delivery(subscription, event, payload, dedupe_key))
        except IntegrityError:  # sent once already for this key
            continue
    return made


# The events the services make, each with its data.


def task_data(task):
    """A task as the API shows it (GET /api/v1/…/smo-tasks/<id>/), and its kind."""
    from planner.api.serializers import SmmTaskSerializer, SmoTaskSerializer

    serializer = SmoTaskSerializer if task.kind == "smo" else SmmTaskSerializer
    return {"kind": task.kind, **serializer(task).data}


def task_saved(before, task, subscriptions=None):
    """From services.task_save: created, or updated (and status changed)."""
    if before is None:
        emit(task.business, "task.created", lambda: task_data(task), subscriptions=subscriptions)
        return
    emit(task.business, "task.updated", lambda: task_data(task), subscriptions=subscriptions)
    if before.status != task.status:
        emit(
            task.business,
            "task.status_changed",
            lambda: {"from": before.status, "to": task.status, "task": task_data(task)},
            subscriptions=subscriptions,
        )


def task_deleted(task, subscriptions=None):
    emit(
        task.business,
        "task.deleted",
        {"id": task.pk, "kind": task.kind, "title": task.title},
        subscriptions=subscriptions,
    )


def review_decided(task, action, by_name, comment=""):
    """From the review services: approved, or changes requested (by a member or a client)."""
    event = {"approve": "review.approved", "request_changes": "review.changes_requested"}.get(
        action
    )
    if event:
        emit(
            task.business,
            event,
            lambda: {"by": by_name, "comment": comment, "task": task_data(task)},
        )


def import_finished(job):
    """From planner/jobs, when an ad-report import ends."""
    ok = job.status == "succeeded"
    emit(
        job.business,
        "import.completed" if ok else "import.failed",
        {
            "job": job.pk,
            "label": job.label,
            "status": job.status,
            "result": job.result if ok else {},
            "error": "" if ok else job.error,
        },
    )


def ad_off_pace(ad, direction):
    """From the daily checks: once per ad, flight and direction, as the notification."""
    emit(
        ad.business,
        "ad.off_pace",
        lambda: {"direction": direction, "task": task_data(ad)},
        dedupe_key=f"pace:{ad.pk}:{ad.flight_start}:{direction}",
    )
