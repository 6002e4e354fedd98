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

    `w` holds real rows (keys as below); `reset_link` is the [uidb36, key] of a password
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
        "campaign_goal": [w["campaign"].pk],
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
        "results_grid": [smm.pk],
        "result_delete": [smm.pk, w["result"].pk],
        "task_review": [smo.pk, "request"],
        "comment_create": [smo.pk],
        "task_activity": [smo.pk],
        "comment_edit": [smo.pk, w["comment"].pk if "comment" in w else 0],
        "comment_delete": [smo.pk, w["comment"].pk if "comment" in w else 0],
        "notification_open": [0],
        "review_link_revoke": [w["review_link"].pk] if "review_link" in w else [0],
        "review_link_page": ["no-such-link"],
        "report_shared": ["no-such-link"],
        "review_link_image": ["no-such-link", "ref"],
        "review_link_decide": ["no-such-link", "ref", "approve"],
        "calendar_reschedule": [smo.pk],
        "calendar_move_flight": [smm.pk],
        "snippet_edit": [w["snippet"].pk] if "snippet" in w else [0],
        "snippet_delete": [w["snippet"].pk] if "snippet" in w else [0],
        "post_group_detail": [w["post_group"].pk] if "post_group" in w else [0],
        "post_group_edit": [w["post_group"].pk] if "post_group" in w else [0],
        "series_skip": [w["series_post"].pk] if "series_post" in w else [0],
        "slot_delete": [w["slot"].pk] if "slot" in w else [0],
        "goal_edit": [w["goal"].pk] if "goal" in w else [0],
        "report_link_revoke": [w["report_link"].pk] if "report_link" in w else [0],
        "report_schedule_delete": [w["report_schedule"].pk] if "report_schedule" in w else [0],
        **{
            f"scenario_{view}": [w["scenario"].pk] if "scenario" in w else [0]
            for view in ("detail", "apply", "delete")
        },
        "goal_delete": [w["goal"].pk] if "goal" in w else [0],
        "import_preview": [w["upload"].pk],
        "import_mapping": [w["upload"].pk],
        "import_confirm": [w["upload"].pk],
        "import_cancel": [w["upload"].pk],
        "job_detail": [w["job"].pk],
        "job_progress": [w["job"].pk],
        "job_download": [w["job"].pk],
        "my_job_detail": [w["job"].pk],
        "my_job_progress": [w["job"].pk],
        "ical_feed": [w["business"].ical_token],
        "api_key_revoke": [w["api_key"].pk] if "api_key" in w else [0],
        "saved_view_delete": [w["saved_view"].pk] if "saved_view" in w else [0],
        **{
            f"webhook_{view}": [w["webhook"].pk] if "webhook" in w else [0]
            for view in ("detail", "test", "enable", "delete")
        },
        "webhook_replay": [w["webhook"].pk, w["delivery"].pk] if "webhook" in w else [0, 0],
        # The API's rows (tests/test_api_access.py walks them with every kind of caller).
        "api-platform-detail": [w["platform"].pk],
        "api-campaign-detail": [w["campaign"].pk],
        "api-smo-task-detail": [smo.pk],
        "api-smm-task-detail": [smm.pk],
        "api-time-entry-detail": [w["time"].pk],
        "api-result-detail": [w["result"].pk],
        "api-member-detail": [w["membership"].pk],
        "account_reset_password_from_key": reset_link,
        "account_confirm_email": [w["confirm_key"]] if "confirm_key" in w else ["bad-key"],
        "invitation_resend": [w["invitation"].pk] if "invitation" in w else [0],
        "invitation_revoke": [w["invitation"].pk] if "invitation" in w else [0],
        "invitation_answer": [w["invitation"].pk] if "invitation" in w else [0],
        "invitation_detail": [w.get("invitation_token", "no-such-invitation")],
    }


def make_invitation(business, invited_by, email="invitee@example.com", role="editor", **fields):
    """A pending invitation to `business` and the token of its link (no e-mail is sent)."""
    import datetime

    from django.utils import timezone

    from planner.accounts.models import Invitation, new_invitation_token, token_hash

    token = new_invitation_token()
    invitation = Invitation.objects.create(
        business=business,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        **fields,
    )
    return invitation, token


def make_job(business, user, label="Import of r.csv", kind="report_import", **fields):
    """A job of `business` (an ad-report import unless `kind` says), started by `user`."""
    from planner.jobs.models import Job

    return Job.objects.create(business=business, started_by=user, kind=kind, label=label, **fields)


def make_export_job(business, user):
    """A finished CSV export of `business`, started by `user`, with its file in the storage."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from planner.jobs.models import Job, JobKind, JobStatus

    job = Job.objects.create(
        business=business,
        started_by=user,
        kind=JobKind.EXPORT,
        label="Export of the SMO posts (CSV)",
        payload={"what": "tasks", "kind": "smo", "query": "", "key": "tasks:smo:"},
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
    )
    name = default_storage.save(f"jobs/exports/job-{job.pk}.csv", ContentFile(b"id,title\n"))
    job.result = {
        "file": name,
        "file_name": "smo-tasks.csv",
        "content_type": "text/csv; charset=utf-8",
        "size": 9,
        "rows": 0,
    }
    job.save(update_fields=["result"])
    return job
