"""Report links: made, revoked and opened. The token is 32 random bytes shown once; only its
SHA-256 is stored (as review links keep theirs, planner/teamwork/links.py)."""

import datetime
import secrets
from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone

from planner.reports.models import ReportLink
from planner.teamwork.links import token_hash

DEFAULT_DAYS = 30
MAX_DAYS = 90
MAX_LINKS = 100  # live ones per business


def fixed_query(report):
    """The report's query with its period written out, so the link keeps showing those days
    (a "last 30 days" report shared today shows the same 30 days next week)."""
    values = {
        "period": "custom",
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
    }
    if report.campaign:
        values["campaign"] = report.campaign.pk
    if report.summary:
        values["summary"] = report.summary
    return urlencode(values)


def create(business, user, report, *, label, days=DEFAULT_DAYS):
    """A new link to `report` and its token (the only time the token is known)."""
    token = secrets.token_urlsafe(32)
    link = ReportLink.objects.create(
        business=business,
        token_hash=token_hash(token),
        label=label,
        query=fixed_query(report),
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return link, token


def revoke(link):
    ReportLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def live_link(token):
    """The live link of `token`, else 404 (unknown, revoked and expired look the same)."""
    link = (
        ReportLink.objects.select_related("business")
        .filter(
            token_hash=token_hash(str(token)),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if link is None:
        raise Http404("This report link does not exist, has expired or was withdrawn.")
    return link


def live_count(business):
    return ReportLink.objects.filter(
        business=business, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
