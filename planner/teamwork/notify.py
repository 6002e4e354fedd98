"""Notifications: who is told of what, exactly once, in the app and by e-mail as they chose.

`tell()` writes one row per recipient who is a member of the business now (nobody is told of a
business they have left), keyed by the event, so the same event found twice tells nobody twice
(a unique constraint backs it). E-mail goes out after the transaction commits: at once for
those who chose it, else in the daily digest (`send_digests`, run by `manage.py notify_daily`).
Every message is sent through Django's mail, which the jobs turn into a job (planner/jobs/mail.py).
"""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from planner.models import Membership, Role
from planner.teamwork.models import (
    DEFAULT_EMAIL,
    EmailChoice,
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
)

STATE_FOR = {
    EmailChoice.INSTANT: EmailState.INSTANT,
    EmailChoice.DIGEST: EmailState.DIGEST,
    EmailChoice.OFF: EmailState.OFF,
}
DIGEST_LISTED = 100  # a digest lists this many, then says how many more


def email_choices(user_ids, kind):
    """{user id: EmailChoice} for one kind, the default where a user has not chosen."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "email"
        )
    )
    default = DEFAULT_EMAIL.get(kind, EmailChoice.INSTANT)
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def choices_of(user_id):
    """{kind: EmailChoice} of one user, every kind (their settings page)."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id=user_id).values_list("kind", "email")
    )
    return {
        kind: chosen.get(kind, DEFAULT_EMAIL.get(kind, EmailChoice.INSTANT))
        for kind in NotificationKind.values
    }


def tell(user_ids, *, business, kind, key, text, url, task=None):
    """Tell each of `user_ids` who is a member of `business` of one event (`key`)."""
    members = set(
        Membership.objects.filter(business=business, user_id__in=set(user_ids)).values_list(
            "user_id", flat=True
        )
    )
    if not members:
        return
    choices = email_choices(members, kind)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                business=business,
                task=task,
                kind=kind,
                key=key[:120],
                text=text[:400],
                url=url[:300],
                email_state=STATE_FOR[choices[user_id]],
            )
            for user_id in sorted(members)
        ],
        ignore_conflicts=True,  # told already: the first row stands
    )
    transaction.on_commit(lambda: send_instant(key[:120], members), robust=True)


def send_instant(key, user_ids):
    """E-mail the rows of event `key` waiting to go at once; each row is claimed first, so
    two runs cannot both send it."""
    rows = Notification.objects.filter(
        key=key, user_id__in=user_ids, email_state=EmailState.INSTANT
    ).select_related("user", "business")
    for row in rows:
        claimed = Notification.objects.filter(pk=row.pk, email_state=EmailState.INSTANT).update(
            email_state=EmailState.SENT
        )
        if claimed and row.user.email:
            send_mail(
                _subject(f"{row.business.name}: {row.text}"),
                render_to_string(
                    "teamwork/notification_email.txt",
                    {"rows": [row], "site": settings.SITE_URL, "settings_url": _settings_url()},
                ),
                None,
                [row.user.email],
            )


def send_digests():
    """One e-mail per user with everything waiting for the digest; returns e-mails sent.

    Rows of a business the user has left since are not sent (and not kept waiting).
    """
    sent = 0
    waiting = (
        Notification.objects.filter(email_state=EmailState.DIGEST)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in list(waiting):
        rows = Notification.objects.filter(user_id=user_id, email_state=EmailState.DIGEST)
        left = rows.exclude(business__memberships__user_id=user_id)
        left.update(email_state=EmailState.OFF)
        # Claimed under a mark of this run's own, so two runs at once each send only the
        # rows they claimed (a row arriving between them goes in the second's e-mail alone).
        mark = "c" + secrets.token_hex(4)
        claimed = rows.update(email_state=mark)
        if not claimed:
            continue  # another run sent them
        mine = Notification.objects.filter(user_id=user_id, email_state=mark)
        listed = list(
            mine.select_related("user", "business").order_by(
                "business__name", "-created_at", "-id"
            )[:DIGEST_LISTED]
        )
        mine.update(email_state=EmailState.SENT)
        user = listed[0].user
        if not user.email:
            continue
        send_mail(
            f"Campaign planner: {claimed} update{'s' if claimed != 1 else ''} for you",
            render_to_string(
                "teamwork/notification_email.txt",
                {
                    "rows": listed,
                    "more": claimed - len(listed),
                    "site": settings.SITE_URL,
                    "settings_url": _settings_url(),
                    "digest": True,
                },
            ),
            None,
            [user.email],
        )
        sent += 1
    return sent


def _subject(text):
    """A subject line: one line (a title typed elsewhere may hold a line break), bounded."""
    return " ".join(text.split())[:200]


def _settings_url():
    return settings.SITE_URL + reverse("notification_settings")


def task_url(task, anchor="review"):
    return reverse(f"{task.kind}_detail", args=[task.business_id, task.pk]) + f"#{anchor}"


def approver_ids(business):
    return list(
        Membership.objects.filter(business=business)
        .filter(Q(role=Role.OWNER) | Q(can_approve=True))
        .values_list("user_id", flat=True)
    )


def owner_ids(business):
    return list(
        Membership.objects.filter(business=business, role=Role.OWNER).values_list(
            "user_id", flat=True
        )
    )


# The events.


def review_moved(task, action, actor, activity, comment=""):
    """After a review move: approvers are asked, or the author hears the decision. Returns
    the user ids told (so a mention in the move's comment does not tell them again)."""
    from planner.teamwork.review import Action

    name, title = actor.get_username(), task.title
    if action in (Action.REQUEST, Action.EDITED):
        text = (
            f"{name} asks you to review “{title}”"
            if action == Action.REQUEST
            else f"{name} changed approved “{title}”: it needs review again"
        )
        others = [uid for uid in approver_ids(task.business) if uid != actor.pk]
        tell(
            others,
            business=task.business,
            kind=NotificationKind.REVIEW_REQUESTED,
            key=f"review:{activity.pk}",
            text=text,
            url=task_url(task),
            task=task,
        )
        return others
    if action in (Action.APPROVE, Action.REQUEST_CHANGES) and task.review_requested_by_id:
        if task.review_requested_by_id == actor.pk:
            return []
        text = (
            f"{name} approved “{title}”"
            if action == Action.APPROVE
            else f"{name} requested changes to “{title}”: {_excerpt(comment)}"
        )
        tell(
            [task.review_requested_by_id],
            business=task.business,
            kind=NotificationKind.REVIEW_DECIDED,
            key=f"review:{activity.pk}",
            text=text,
            url=task_url(task),
            task=task,
        )
        return [task.review_requested_by_id]
    return []


def client_decided(task, action, label, activity, comment, user_ids):
    """A client's decision from a review link: the author and the owners hear it."""
    from planner.teamwork.review import Action

    text = (
        f"{label} approved “{task.title}”"
        if action == Action.APPROVE
        else f"{label} requested changes to “{task.title}”: {_excerpt(comment)}"
    )
    tell(
        user_ids,
        business=task.business,
        kind=NotificationKind.REVIEW_DECIDED,
        key=f"review:{activity.pk}",
        text=text,
        url=task_url(task),
        task=task,
    )


def mentioned(comment, user_ids):
    """The members a comment mentions (its author aside), once per comment and person."""
    tell(
        [uid for uid in user_ids if uid != comment.author_id],
        business=comment.task.business,
        kind=NotificationKind.MENTION,
        key=f"mention:{comment.pk}",
        text=f"{comment.author_name} mentioned you on “{comment.task.title}”: "
        f"{_excerpt(comment.body)}",
        url=task_url(comment.task, "comments"),
        task=comment.task,
    )


def assigned(task, actor, version):
    if not task.assignee_id or (actor and task.assignee_id == actor.pk):
        return
    who = actor.get_username() if actor else "Someone"
    tell(
        [task.assignee_id],
        business=task.business,
        kind=NotificationKind.ASSIGNED,
        key=f"assigned:{task.pk}:{version}",
        text=f"{who} assigned “{task.title}” to you",
        url=task_url(task, "top"),
        task=task,
    )


def import_finished(job):
    """An ad-report import ended, well or not: its starter is told."""
    if not job.business_id or not job.started_by_id:
        return
    ok = job.status == "succeeded"
    text = f"{job.label}: {'done' if ok else 'failed'}" + (
        f" ({job.result.get('message', '')})" if ok and job.result.get("message") else ""
    )
    if not ok and job.error:
        text += f": {job.error}"
    tell(
        [job.started_by_id],
        business=job.business,
        kind=NotificationKind.IMPORT,
        key=f"job:{job.pk}",
        text=text,
        url=reverse("job_detail", args=[job.business_id, job.pk]),
    )


def _excerpt(text, length=140):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"
