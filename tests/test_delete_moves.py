"""Deleting a platform or campaign that still has tasks: the tasks move, never vanish."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner.dashboard import Filters, dashboard_summary
from planner.models import Campaign, Platform, Task
from planner.periods import Period
from tests.factories import (
    CampaignFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

NOV = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), "custom")


def spend_on(business, platform):
    board = dashboard_summary(
        Filters(business, NOV, platform=platform), today=datetime.date(2026, 11, 30)
    )
    return board.split.smm.media_spend


def test_platform_delete_asks_where_tasks_go(client_for, business, editor, smo_task):
    other = PlatformFactory(business=business, kind="x", handle="acme_x")
    url = reverse("platform_delete", args=[business.pk, smo_task.platform_id])
    page = client_for(editor).get(url)
    assert page.status_code == 200
    assert list(page.context["move_form"].fields["move_to"].queryset) == [other]
    # No choice made: nothing happens.
    response = client_for(editor).post(url, {"move_to": ""})
    assert response.status_code == 409
    assert "Choose where its tasks go." in response.content.decode()
    assert Platform.objects.filter(pk=smo_task.platform_id).exists()


def test_platform_tasks_move_with_their_numbers(client_for, business, editor, owner, platform):
    other = PlatformFactory(business=business, kind="linkedin", handle="acme-li")
    ad = SmmTaskFactory(business=business, platform=platform)
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 5), spend=Decimal("40"))
    TimeEntryFactory(task=ad, user=owner, date=datetime.date(2026, 11, 5))
    response = client_for(editor).post(
        reverse("platform_delete", args=[business.pk, platform.pk]), {"move_to": other.pk}
    )
    assert response.status_code == 302
    assert not Platform.objects.filter(pk=platform.pk).exists()
    ad.refresh_from_db()
    assert ad.platform == other and ad.version == 1
    assert spend_on(business, other) == Decimal("40")
    assert ad.results.count() == 1 and ad.time_entries.count() == 1


def test_campaign_tasks_can_move_to_no_campaign(client_for, business, editor, smo_task):
    url = reverse("campaign_delete", args=[business.pk, smo_task.campaign_id])
    response = client_for(editor).post(url, {"move_to": ""})
    assert response.status_code == 302
    smo_task.refresh_from_db()
    assert smo_task.campaign is None
    assert Task.objects.filter(pk=smo_task.pk).exists()


def test_campaign_tasks_move_to_another_campaign(client_for, business, editor, smo_task):
    target = CampaignFactory(business=business, name="Next")
    old = smo_task.campaign_id
    client_for(editor).post(
        reverse("campaign_delete", args=[business.pk, old]), {"move_to": target.pk}
    )
    smo_task.refresh_from_db()
    assert smo_task.campaign == target
    assert not Campaign.objects.filter(pk=old).exists()


def test_cannot_move_to_another_business(client_for, business, editor, smo_task, other_business):
    theirs = PlatformFactory(business=other_business)
    response = client_for(editor).post(
        reverse("platform_delete", args=[business.pk, smo_task.platform_id]),
        {"move_to": theirs.pk},
    )
    assert response.status_code == 409
    assert Platform.objects.filter(pk=smo_task.platform_id).exists()
    smo_task.refresh_from_db()
    assert smo_task.platform.business == business


def test_a_post_moved_past_its_new_platforms_limit_is_flagged_and_still_restores(
    client_for, business, owner, editor, platform, settings, tmp_path
):
    """Facebook takes 63,206 characters, X 280: the move is allowed (the post is the user's),
    the post's page warns, and the business's export still imports."""
    x = PlatformFactory(business=business, kind="x", handle="acme_x")
    post = SmoTaskFactory(business=business, platform=platform, post_text="Long news. " * 40)
    client_for(editor).post(
        reverse("platform_delete", args=[business.pk, platform.pk]), {"move_to": x.pk}
    )
    page = client_for(editor).get(reverse("smo_detail", args=[business.pk, post.pk]))
    assert "Too long for this platform: 440 of 280 weighted characters" in page.content.decode()
    assert "Edit the post before it is published." in page.content.decode()

    from planner.jobs.models import JobStatus
    from tests.test_portability import export_via_job, import_via_job

    settings.MEDIA_ROOT = tmp_path  # the export's and the import's job files
    _job, export = export_via_job(client_for(owner), business)
    upload = SimpleUploadedFile("export.json", export)
    assert import_via_job(client_for(owner), upload).status == JobStatus.SUCCEEDED
    assert Task.objects.filter(post_text=post.post_text).count() == 2
