"""Client review links: creating, revoking and reading them, and a client's decision.

The link's token is 32 random bytes shown once; only its SHA-256 is stored. The page behind it
reads only the link's selection, and names each item by a reference signed for that link, so
there are no ids to walk: a reference altered, or taken to another link, is a 404.
"""

import datetime
import hashlib
import secrets

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from planner import rollups
from planner.models import Kind, Membership, Role, SmmStatus, SmoStatus, Task
from planner.teamwork import notify, review
from planner.teamwork.activity import record
from planner.teamwork.models import Comment, ReviewLink
from planner.teamwork.review import Action, ReviewRefused
from planner.teamwork.services import move_state
from planner.webhooks import events as webhook_events

DEFAULT_DAYS = 14
MAX_DAYS = 90
MAX_NAME = 100
CLIENT_ACTIONS = (Action.APPROVE, Action.REQUEST_CHANGES)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create(business, user, *, label, campaign=None, start=None, end=None, days=DEFAULT_DAYS):
    """A new link and its token (the only time the token is known)."""
    token = secrets.token_urlsafe(32)
    link = ReviewLink.objects.create(
        business=business,
        token_hash=token_hash(token),
        label=label,
        campaign=campaign,
        start_date=start,
        end_date=end,
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return link, token


def revoke(link):
    ReviewLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def live_link(token):
    """The live link of `token`, else 404 (unknown, revoked and expired look the same)."""
    link = (
        ReviewLink.objects.select_related("business", "campaign")
        .filter(
            token_hash=token_hash(str(token)),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if link is None:
        raise Http404("This review link does not exist, has expired or was withdrawn.")
    return link


def tasks_of(link):
    """What the link shows: the campaign's posts and ads and/or those in its date range (a
    post by its publish day, an ad by its flight), archived ones left out."""
    tasks = Task.objects.filter(business_id=link.business_id).exclude(
        status__in=[SmoStatus.ARCHIVED, SmmStatus.ARCHIVED]
    )
    if link.campaign_id:
        tasks = tasks.filter(campaign_id=link.campaign_id)
    if link.start_date:
        start, end = link.start_date, link.end_date
        tasks = tasks.filter(
            Q(kind=Kind.SMO, scheduled_at__isnull=False, work_date__range=(start, end))
            | Q(kind=Kind.SMM, flight_start__lte=end, flight_end__gte=start)
            | Q(kind=Kind.SMM, flight_end__isnull=True, flight_start__range=(start, end))
        )
    return tasks.order_by("work_date", "pk")


def _salt(link):
    return f"review-link:{link.pk}"


def reference(link, task):
    return signing.dumps(task.pk, salt=_salt(link), compress=False)


def task_of(link, ref):
    """The task a reference names, if it is in the link's selection; else 404."""
    try:
        pk = signing.loads(ref, salt=_salt(link))
    except signing.BadSignature:
        raise Http404("No such item.") from None
    task = tasks_of(link).select_related("platform", "business").filter(pk=pk).first()
    if task is None:
        raise Http404("No such item.")
    return task


@transaction.atomic
def client_decides(link, task_id, action, *, name, comment, seen_version):
    """A client approves or requests changes; ReviewRefused says why not."""
    name, comment = " ".join((name or "").split()), (comment or "").strip()
    if action not in CLIENT_ACTIONS:
        raise ReviewRefused("There is no such review action.")
    if not name:
        raise ReviewRefused("Give your name, so the team knows who decided.")
    if len(name) > MAX_NAME or len(comment) > 5000:
        raise ReviewRefused("The name or the comment is too long.")
    rollups.lock(link.business_id)
    task = tasks_of(link).select_related("business").filter(pk=task_id).first()
    if task is None:
        raise ReviewRefused("This item is no longer part of the review.")
    if task.version != seen_version:
        raise ReviewRefused(
            "It was changed after you opened the page: nothing was recorded. Reload the page "
            "to see the new version."
        )
    business = task.business
    transition = review.decide(
        business.approval_mode,
        action,
        task.review_state,
        can_work=False,
        can_approve=True,
        is_author=False,
        authors_cannot_approve=business.authors_cannot_approve,
        comment=comment,
    )
    before = task.review_state
    move_state(task, transition.target)
    label = f"{name} (client)"
    activity = record(
        task,
        None,
        action,
        from_state=before,
        to_state=task.review_state,
        comment=comment,
        actor_name=label,
    )
    if comment:
        Comment.objects.create(
            business_id=task.business_id,
            task=task,
            author=None,
            author_name=name,
            by_client=True,
            body=comment,
        )
    told = [task.review_requested_by_id] if task.review_requested_by_id else []
    told += Membership.objects.filter(business=business, role=Role.OWNER).values_list(
        "user_id", flat=True
    )
    notify.client_decided(task, action, label, activity, comment, told)
    webhook_events.review_decided(task, action, label, comment)
    return task
