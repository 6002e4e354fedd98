"""Client review links: an owner creates and withdraws them; a client without an account sees
the link's posts and ads and approves or requests changes; a revoked or expired link, and
anything outside its selection, is a 404."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from planner import rollups
from planner.models import Task
from planner.teamwork import links
from planner.teamwork.models import Activity, Comment, Notification, ReviewLink
from tests.factories import CampaignFactory, SmmTaskFactory, SmoTaskFactory
from tests.form_checks import all_rows


@pytest.fixture
def optional(business):
    business.approval_mode = "optional"
    business.save()
    return business


@pytest.fixture
def ad(optional, platform, campaign, editor):
    ad = SmmTaskFactory(business=optional, platform=platform, campaign=campaign, title="Spring ad")
    Task.objects.filter(pk=ad.pk).update(review_state="in_review", review_requested_by=editor)
    rollups.refresh_tallies(optional.pk)  # as the review services would have counted it
    ad.refresh_from_db()
    return ad


@pytest.fixture
def link(optional, owner, campaign):
    return links.create(optional, owner, label="For Acme", campaign=campaign)


def page_url(token):
    return reverse("review_link_page", args=[token])


def decide_url(token, ref, action):
    return reverse("review_link_decide", args=[token, ref, action])


def refs(response):
    return {item["task"].pk: item["ref"] for item in response.context["items"]}


def everything():
    return all_rows(), list(Activity.objects.values()), list(Comment.objects.values())


# The owner's page.


def test_owner_creates_a_link_and_sees_it_once(client_for, optional, owner, campaign):
    response = client_for(owner).post(
        reverse("review_link_list", args=[optional.pk]),
        {"label": "For Acme", "campaign": campaign.pk, "days": "7"},
    )
    assert response.status_code == 200
    shown = re.search(r'value="(http://testserver/review/[^"]+/)"', response.content.decode())
    link = ReviewLink.objects.get()
    token = shown.group(1).rstrip("/").rsplit("/", 1)[1]
    assert link.token_hash == links.token_hash(token) and token not in link.token_hash
    assert abs(link.expires_at - (timezone.now() + datetime.timedelta(days=7))).seconds < 60
    again = client_for(owner).get(reverse("review_link_list", args=[optional.pk]))
    assert token not in again.content.decode()  # shown only once


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"label": "x", "days": "7"}, "__all__", "Choose a campaign or a date range"),
        ({"label": "x", "start": "2026-12-01", "days": "7"}, "end", "both ends"),
        (
            {"label": "x", "start": "2026-12-09", "end": "2026-12-01", "days": "7"},
            "end",
            "cannot end before",
        ),
        ({"label": "x", "start": "2026-01-01", "end": "2027-06-01", "days": "7"}, "end", "a year"),
        ({"label": "x", "start": "2026-12-01", "end": "2026-12-02", "days": "91"}, "days", "90"),
        (
            {"label": "", "start": "2026-12-01", "end": "2026-12-02", "days": "7"},
            "label",
            "required",
        ),
    ],
)
def test_bad_link_input_is_refused(client_for, optional, owner, data, field, message):
    response = client_for(owner).post(reverse("review_link_list", args=[optional.pk]), data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not ReviewLink.objects.exists()


def test_another_business_campaign_is_refused(client_for, optional, owner, other_business):
    theirs = CampaignFactory(business=other_business)
    data = {"label": "x", "campaign": theirs.pk, "days": "7"}
    response = client_for(owner).post(reverse("review_link_list", args=[optional.pk]), data)
    assert response.status_code == 400 and "campaign" in response.context["form"].errors
    assert not ReviewLink.objects.exists()


def test_a_withdrawn_link_is_a_404_at_once(client, client_for, optional, owner, link):
    created, token = link
    assert client.get(page_url(token)).status_code == 200
    revoke = reverse("review_link_revoke", args=[optional.pk, created.pk])
    assert client_for(owner).post(revoke).status_code == 302
    client.logout()
    assert client.get(page_url(token)).status_code == 404


def test_an_expired_link_is_a_404(client, link):
    created, token = link
    ReviewLink.objects.filter(pk=created.pk).update(expires_at=timezone.now())
    assert client.get(page_url(token)).status_code == 404


def test_another_business_link_cannot_be_withdrawn_here(
    client_for, optional, owner, outsider, link
):
    created, token = link
    theirs = reverse("review_link_revoke", args=[optional.pk, created.pk])
    assert client_for(outsider).post(theirs).status_code == 404
    assert ReviewLink.objects.get().revoked_at is None


# The client's page.


def test_the_client_sees_the_selection_and_nothing_else(
    client, optional, platform, campaign, ad, link, other_business
):
    _created, token = link
    post = SmoTaskFactory(business=optional, platform=platform, campaign=campaign, title="Post")
    SmoTaskFactory(business=optional, platform=platform, title="Not in the campaign")
    SmoTaskFactory(business=other_business, title="Someone else's")
    response = client.get(page_url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert {item["task"].title for item in response.context["items"]} == {"Spring ad", "Post"}
    assert "Budget $20.00 daily" in body and "1 Nov 2026" in body
    assert "/b/" not in body  # no way into the business
    assert f'"{ad.pk}"' not in body and f"/{ad.pk}/" not in body  # no ids to walk
    assert 'name="robots" content="noindex' in body
    assert post.pk in refs(response)


def test_a_date_range_link_shows_the_posts_and_flights_in_it(
    client, optional, owner, platform, campaign
):
    in_range = SmoTaskFactory(
        business=optional,
        platform=platform,
        title="In range",
        scheduled_at=timezone.make_aware(datetime.datetime(2026, 12, 3, 9)),
    )
    SmoTaskFactory(
        business=optional,
        platform=platform,
        title="Later",
        scheduled_at=timezone.make_aware(datetime.datetime(2027, 1, 3, 9)),
    )
    flight = SmmTaskFactory(
        business=optional,
        platform=platform,
        flight_start=datetime.date(2026, 11, 20),
        flight_end=datetime.date(2026, 12, 5),
    )
    _created, token = links.create(
        optional,
        owner,
        label="December",
        start=datetime.date(2026, 12, 1),
        end=datetime.date(2026, 12, 31),
    )
    response = client.get(page_url(token))
    assert set(refs(response)) == {in_range.pk, flight.pk}


def test_a_client_approves_and_the_team_is_told(
    client, optional, owner, editor, ad, link, django_capture_on_commit_callbacks
):
    _created, token = link
    ref = refs(client.get(page_url(token)))[ad.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(token, ref, "approve"),
            {"name": "Carla Client", "comment": "Lovely", "seen_version": ad.version},
        )
    assert response.status_code == 302
    ad.refresh_from_db()
    assert ad.review_state == "approved"
    row = Activity.objects.get(verb="approve")
    assert (row.actor, row.actor_name, row.comment) == (None, "Carla Client (client)", "Lovely")
    comment = Comment.objects.get()
    assert comment.by_client and comment.author_name == "Carla Client"
    told = sorted(Notification.objects.values_list("user__username", flat=True))
    assert told == ["editor", "owner"]
    assert "Carla Client (client) approved" in Notification.objects.first().text
    # The name is remembered for the next item; the thread marks the comment as a client's.
    assert client.get(page_url(token)).context["items"][0]["form"].initial["name"] == "Carla Client"


@pytest.mark.parametrize(
    "action, data, message",
    [
        ("approve", {"name": ""}, "required"),
        ("request_changes", {"name": "Carla", "comment": " "}, "a comment is required"),
        ("approve", {"name": "Carla", "seen_version": "999"}, "changed after you opened the page"),
    ],
)
def test_bad_client_input_is_refused(client, ad, link, action, data, message):
    _created, token = link
    ref = refs(client.get(page_url(token)))[ad.pk]
    before = everything()
    response = client.post(decide_url(token, ref, action), {"seen_version": ad.version, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert everything() == before


def test_approving_twice_is_refused(client, ad, link):
    _created, token = link
    ref = refs(client.get(page_url(token)))[ad.pk]
    data = {"name": "Carla", "seen_version": ad.version}
    assert client.post(decide_url(token, ref, "approve"), data).status_code == 302
    before = everything()
    response = client.post(decide_url(token, ref, "approve"), data)
    assert response.status_code == 400 and "already approved" in response.content.decode()
    assert everything() == before


def test_a_forged_or_borrowed_reference_is_a_404(client, optional, owner, platform, ad, link):
    _created, token = link
    outside = SmmTaskFactory(business=optional, platform=platform, title="Outside")
    other, _other_token = links.create(
        optional,
        owner,
        label="November",
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2026, 11, 30),
    )
    borrowed = links.reference(other, outside)  # a good reference, but of another link
    before = everything()
    for ref in (borrowed, f"{outside.pk}", links.reference(_created, outside)):
        response = client.post(decide_url(token, ref, "approve"), {"name": "X", "seen_version": 1})
        assert response.status_code == 404
        assert client.get(reverse("review_link_image", args=[token, ref])).status_code == 404
    assert everything() == before


def test_a_withdrawn_link_cannot_decide(client, ad, link):
    created, token = link
    ref = refs(client.get(page_url(token)))[ad.pk]
    links.revoke(created)
    before = everything()
    data = {"name": "Carla", "seen_version": ad.version}
    assert client.post(decide_url(token, ref, "approve"), data).status_code == 404
    assert everything() == before


def test_with_review_off_the_link_is_a_preview_only(client, business, owner, campaign, ad):
    business.approval_mode = "off"
    business.save()
    _created, token = links.create(business, owner, label="Preview", campaign=campaign)
    response = client.get(page_url(token))
    assert response.status_code == 200 and b"client-form" not in response.content
    ref = refs(response)[ad.pk]
    data = {"name": "Carla", "seen_version": ad.version}
    assert client.post(decide_url(token, ref, "approve"), data).status_code == 400


def test_the_client_page_reads_the_same_queries_at_any_size(
    client, optional, platform, campaign, link
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _created, token = link

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(token)).status_code == 200
        return len(captured)

    for _ in range(3):
        SmoTaskFactory(business=optional, platform=platform, campaign=campaign)
    queries()
    small = queries()
    for _ in range(40):
        SmoTaskFactory(business=optional, platform=platform, campaign=campaign)
    assert queries() == small


def test_a_client_sending_back_scheduled_work_holds_it_back(
    client, business, owner, platform, campaign
):
    business.approval_mode = "required"
    business.save()
    post = SmoTaskFactory(business=business, platform=platform, campaign=campaign)
    Task.objects.filter(pk=post.pk).update(
        review_state="approved", status="scheduled", scheduled_at=timezone.now()
    )
    rollups.refresh_tallies(business.pk)
    _created, token = links.create(business, owner, label="Acme", campaign=campaign)
    ref = refs(client.get(page_url(token)))[post.pk]
    post.refresh_from_db()
    data = {"name": "Carla", "comment": "Not this week", "seen_version": post.version}
    assert client.post(decide_url(token, ref, "request_changes"), data).status_code == 302
    post.refresh_from_db()
    assert (post.review_state, post.status) == ("changes", "draft")
