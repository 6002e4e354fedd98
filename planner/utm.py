"""UTM tags on backlinks and ad destination URLs (docs/domain.md, "Backlinks and UTM tags").

Pure functions, no ORM. The planner owns utm_source, utm_medium, utm_campaign and utm_content:
it replaces them; every other query parameter and the fragment survive as they were written,
only made valid (non-ASCII characters percent-encoded as UTF-8, hosts in IDNA).
"""

import re
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from django.utils.text import slugify

PLANNER_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
MEDIUM = {"smo": "social", "smm": "cpc"}  # GA4: Organic Social vs Paid Social
# Characters left as they are: RFC 3986 reserved and unreserved ones, and "%" of an existing
# escape (a "%" not followed by two hex digits is escaped below).
_SAFE = "!#$&'()*+,/:;=?@[]~-._"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def planner_values(*, kind, platform_kind, campaign_slug, title, task_id=None, overrides=None):
    """The UTM values for a task: the planner's, with the task's own overrides on top."""
    content = slugify(title)[:60] or (f"task-{task_id}" if task_id else "")
    values = {
        "utm_source": platform_kind,
        "utm_medium": MEDIUM[kind],
        "utm_campaign": campaign_slug or "",
        "utm_content": content,
    }
    for key, value in (overrides or {}).items():
        if value and value.strip():
            values[key] = value.strip()
    return {key: value for key, value in values.items() if value}


def tag_url(url, values):
    """`url` with the planner's UTM parameters set to `values`; "" stays ""."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    kept = [
        _encode(segment)
        for segment in parts.query.split("&")
        if segment and unquote_plus(segment.split("=", 1)[0]).strip().lower() not in PLANNER_KEYS
    ]
    tags = [f"{key}={quote(values[key], safe='')}" for key in PLANNER_KEYS if key in values]
    return urlunsplit(
        (
            parts.scheme,
            _netloc(parts),
            _encode(parts.path) or "/",
            "&".join(kept + tags),
            _encode(parts.fragment),
        )
    )


def host_of(url):
    """The host a link goes to, without "www.", for comparing with the business's website."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _encode(text):
    return quote(_LONE_PERCENT.sub("%25", text), safe=_SAFE + "%")


def _netloc(parts):
    host = parts.hostname or ""
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        host = host.encode("idna").decode("ascii")
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    port = f":{parts.port}" if parts.port else ""
    return f"{userinfo + '@' if userinfo else ''}{host}{port}"
