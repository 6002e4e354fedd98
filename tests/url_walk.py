"""The URLconf, walked: every named URL and the ids to call it with (for the CSRF and XSS
tests, which both visit every page)."""

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(resolver=None, prefix=""):
    """(name, pattern string) of every named URL outside the admin."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            found += url_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((entry.name, prefix + str(entry.pattern)))
    return found


def url_arguments(w, reset_link):
    """URL name -> the arguments after the business id (or all of them, outside a business).

    `w` holds real rows (keys as below); `reset_link` is the [uidb64, token] of a password
    reset link, which only the caller knows whether it should be valid.
    """
    smo, smm = w["smo"], w["smm"]
    return {
        "member_edit": [w["membership"].pk],
        "member_remove": [w["membership"].pk],
        "platform_edit": [w["platform"].pk],
        "platform_delete": [w["platform"].pk],
        "campaign_detail": [w["campaign"].pk],
        "campaign_edit": [w["campaign"].pk],
        "campaign_delete": [w["campaign"].pk],
        "smo_detail": [smo.pk],
        "smo_edit": [smo.pk],
        "smo_delete": [smo.pk],
        "smm_detail": [smm.pk],
        "smm_edit": [smm.pk],
        "smm_delete": [smm.pk],
        "task_image": [smo.pk],
        "time_entry_create": [smo.pk],
        "time_entry_delete": [smo.pk, w["time"].pk],
        "result_create": [smm.pk],
        "result_delete": [smm.pk, w["result"].pk],
        "calendar_reschedule": [smo.pk],
        "import_preview": [w["upload"].pk],
        "import_mapping": [w["upload"].pk],
        "import_confirm": [w["upload"].pk],
        "import_cancel": [w["upload"].pk],
        "ical_feed": [w["business"].ical_token],
        "password_reset_confirm": reset_link,
    }
