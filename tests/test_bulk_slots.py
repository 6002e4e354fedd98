"""The bulk action "Put in the next free slots" (planner/lists/bulk.py): each ticked post gets
its platform's next free posting slot, in publish order, each slot once; a post in one of its
platform's slots already keeps it; one whose platform has none left is refused, the others
are moved."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.compose.models import PostingSlot
from planner.models import Task
from tests.factories import PlatformFactory, SmmTaskFactory, SmoTaskFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def berlin(business):
    business.time_zone = "Europe/Berlin"
    business.save()
    return business


def _monday():
    today = timezone.now().astimezone(BERLIN).date()
    return today + datetime.timedelta(days=7 - today.weekday())


def _at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), BERLIN)


def _bulk(client, business, kind, **data):
    return client.post(reverse(f"{kind}_bulk", args=[business.pk]), data)


def test_posts_go_to_the_next_free_slots_in_order(client_for, berlin, editor, platform):
    monday = _monday()
    wednesday = monday + datetime.timedelta(days=2)
    for weekday in (0, 2):
        PostingSlot.objects.create(business=berlin, platform=platform, weekday=weekday,
                                   at=datetime.time(9))  # fmt: skip
    other = SmoTaskFactory(business=berlin, platform=platform, scheduled_at=_at(monday, 9))
    later = SmoTaskFactory(business=berlin, platform=platform, scheduled_at=_at(monday, 20))
    sooner = SmoTaskFactory(business=berlin, platform=platform, scheduled_at=_at(monday, 8))
    kept = SmoTaskFactory(business=berlin, platform=platform, scheduled_at=_at(wednesday, 9))
    undated = SmoTaskFactory(business=berlin, platform=platform, scheduled_at=None)
    ticked = [later, sooner, kept, undated]
    response = _bulk(client_for(editor), berlin, "smo", action="slot",
                     task=[t.pk for t in ticked])  # fmt: skip
    assert response.status_code == 302
    moved = {t.pk: Task.objects.get(pk=t.pk).scheduled_at for t in ticked}
    # Monday 09:00 is the other post's; Wednesday 09:00 is `kept`'s (it keeps it).
    assert moved[sooner.pk] == _at(monday + datetime.timedelta(days=7), 9)
    assert moved[later.pk] == _at(wednesday + datetime.timedelta(days=7), 9)
    assert moved[undated.pk] == _at(monday + datetime.timedelta(days=14), 9)
    assert moved[kept.pk] == _at(wednesday, 9)
    assert Task.objects.get(pk=other.pk).scheduled_at == _at(monday, 9)


def test_a_post_without_free_slots_is_refused(client_for, berlin, editor, platform):
    bare = PlatformFactory(business=berlin, kind="x", handle="noslots")
    PostingSlot.objects.create(business=berlin, platform=platform, weekday=1, at=datetime.time(9))
    lonely = SmoTaskFactory(business=berlin, platform=bare, scheduled_at=None)
    fine = SmoTaskFactory(business=berlin, platform=platform, scheduled_at=None)
    client = client_for(editor)
    response = _bulk(client, berlin, "smo", action="slot", task=[lonely.pk, fine.pk])
    assert response.status_code == 302
    assert Task.objects.get(pk=lonely.pk).scheduled_at is None
    assert Task.objects.get(pk=fine.pk).scheduled_at is not None
    page = client.get(response.url).content.decode()
    assert "no free posting slot" in page


def test_not_for_all_matches_nor_for_ads(client_for, berlin, editor, platform):
    post = SmoTaskFactory(business=berlin, platform=platform)
    ad = SmmTaskFactory(business=berlin, platform=platform)
    client = client_for(editor)
    response = _bulk(client, berlin, "smo", action="slot", scope="matching")
    assert response.status_code == 400
    assert "Tick the posts" in " ".join(response.context["bulk_form"].errors["scope"])
    response = _bulk(client, berlin, "smm", action="slot", task=[ad.pk])
    assert response.status_code == 400
    assert Task.objects.get(pk=post.pk).version == post.version
