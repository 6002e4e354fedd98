"""Duplicate a post or an ad: the new-task form opens filled from it ("… (copy)", its content,
platform, campaign, schedule or flight, budget, image), to be changed and saved as a new draft
through the same validation; the original keeps its time, results and review. Another
business's task, a missing one and a viewer get nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner.models import Task
from tests.factories import (
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)
from tests.test_forms_smo import media, png, smo_data, stored_files  # noqa: F401

MOMENT = datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)


def _copy_url(business, kind, pk):
    return reverse(f"{kind}_create", args=[business.pk]) + f"?copy={pk}"


@pytest.fixture
def post(business, platform, campaign, editor):
    post = SmoTaskFactory(business=business, platform=platform, campaign=campaign,
                          title="Roast day", post_text="We roast on Fridays", hashtags="#beans",
                          scheduled_at=MOMENT, status="scheduled",
                          backlink_url="https://shop.example/roast")  # fmt: skip
    TimeEntryFactory(task=post, user=editor)
    Task.objects.filter(pk=post.pk).update(review_state="approved")
    return Task.objects.get(pk=post.pk)


def test_the_form_opens_filled_from_the_post(client_for, business, editor, post, campaign):
    page = client_for(editor).get(_copy_url(business, "smo", post.pk))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="copy-of"' in html
    form = page.context["form"]
    assert form["title"].value() == "Roast day (copy)"
    assert form["post_text"].value() == "We roast on Fridays"
    assert form["campaign"].value() == campaign.pk and form["platform"].value() == post.platform_id
    assert form["status"].value() == "draft"


def test_a_copy_saved_to_another_platform_and_day(client_for, business, editor, post, campaign):
    linkedin = PlatformFactory(business=business, kind="linkedin", handle="acme-li")
    data = smo_data(linkedin, title="Roast day (copy)", post_text="We roast on Fridays",
                    campaign=campaign.pk, scheduled_at="2026-12-17T09:00")  # fmt: skip
    response = client_for(editor).post(_copy_url(business, "smo", post.pk), data)
    assert response.status_code == 302
    copy = Task.objects.exclude(pk=post.pk).get()
    assert (copy.platform, copy.campaign, copy.status, copy.review_state) == (
        linkedin, campaign, "draft", "none")  # fmt: skip
    assert copy.scheduled_at.date() == datetime.date(2026, 12, 17)
    assert not copy.time_entries.exists()
    original = Task.objects.get(pk=post.pk)
    assert (original.review_state, original.time_entries.count()) == ("approved", 1)


def test_a_copy_is_held_to_its_new_platforms_limit(client_for, business, editor, post):
    x = PlatformFactory(business=business, kind="x", handle="acme-x")
    data = smo_data(x, post_text="word " * 80)  # 400 characters: more than X takes
    response = client_for(editor).post(_copy_url(business, "smo", post.pk), data)
    assert response.status_code == 400 and Task.objects.count() == 1
    assert "280" in response.content.decode()


def test_the_image_comes_with_the_copy(client_for, business, editor, platform, media):  # noqa: F811
    client = client_for(editor)
    image = SimpleUploadedFile("roast.png", png(), content_type="image/png")
    client.post(reverse("smo_create", args=[business.pk]),
                smo_data(platform, image=image, image_alt="Beans"))  # fmt: skip
    source = Task.objects.get()
    page = client.get(_copy_url(business, "smo", source.pk)).content.decode()
    assert reverse("task_image", args=[business.pk, source.pk]) in page  # "Currently", linked
    assert "/media/" not in page
    client.post(_copy_url(business, "smo", source.pk), smo_data(platform, image_alt="Beans"))
    copy = Task.objects.exclude(pk=source.pk).get()
    assert copy.image.name == source.image.name and len(stored_files(media)) == 1


def test_an_ad_copies_its_flight_and_budget(client_for, business, editor, platform):
    ad = SmmTaskFactory(business=business, platform=platform, title="Winter ad",
                        budget_amount=Decimal("35.00"))  # fmt: skip
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 3), spend=Decimal("9"))
    form = client_for(editor).get(_copy_url(business, "smm", ad.pk)).context["form"]
    assert form["title"].value() == "Winter ad (copy)"
    assert form["budget_amount"].value() == Decimal("35.00")
    assert form["flight_start"].value() == ad.flight_start


def test_a_long_title_stays_within_its_limit(client_for, business, editor, platform):
    post = SmoTaskFactory(business=business, platform=platform, title="T" * 200)
    form = client_for(editor).get(_copy_url(business, "smo", post.pk)).context["form"]
    assert len(form["title"].value()) == 200 and form["title"].value().endswith(" (copy)")


def test_the_task_page_offers_it_to_editors_only(client_for, business, editor, viewer, post):
    url = reverse("smo_detail", args=[business.pk, post.pk])
    assert 'data-testid="duplicate"' in client_for(editor).get(url).content.decode()
    assert 'data-testid="duplicate"' not in client_for(viewer).get(url).content.decode()


def test_nothing_to_copy_for_others(client_for, business, owner, viewer, outsider, client, post,
                                    other_business):  # fmt: skip
    theirs = SmoTaskFactory(business=other_business)
    ad = SmmTaskFactory(business=business, platform=post.platform)
    assert client_for(owner).get(_copy_url(business, "smo", theirs.pk)).status_code == 404
    assert client_for(owner).get(_copy_url(business, "smo", 99999)).status_code == 404
    assert client_for(owner).get(_copy_url(business, "smo", "1x")).status_code == 404
    assert client_for(owner).get(_copy_url(business, "smo", ad.pk)).status_code == 404  # an ad
    assert client_for(viewer).get(_copy_url(business, "smo", post.pk)).status_code == 403
    assert client_for(outsider).get(_copy_url(business, "smo", post.pk)).status_code == 404
    client.logout()
    assert client.get(_copy_url(business, "smo", post.pk)).status_code == 302
    assert Task.objects.count() == 3
