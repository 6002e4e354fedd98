"""Businesses, switching between them, and members with the last-owner rule."""

from django.urls import reverse

from planner.models import Business, Membership, Role, Task
from tests.factories import MembershipFactory, TimeEntryFactory


def test_creator_becomes_owner(client_for, new_user):
    response = client_for(new_user).post(
        reverse("business_create"),
        {
            "name": "Bean Co",
            "website_url": "https://bean.example",
            "currency": "EUR",
            "time_zone": "Europe/Berlin",
            "hourly_rate": "42.50",
        },
    )
    business = Business.objects.get(name="Bean Co")
    assert response.status_code == 302
    assert Membership.objects.get(business=business, user=new_user).role == Role.OWNER


def test_home_goes_to_last_used_business(client_for, business, owner):
    second = MembershipFactory(user=owner, role=Role.VIEWER, business__name="Second").business
    client = client_for(owner)
    client.get(reverse("dashboard", args=[second.pk]))
    assert client.get(reverse("home")).url == reverse("dashboard", args=[second.pk])
    client.get(reverse("dashboard", args=[business.pk]))
    assert client.get(reverse("home")).url == reverse("dashboard", args=[business.pk])


def test_home_without_business_asks_to_create_one(client_for, new_user):
    assert client_for(new_user).get(reverse("home")).url == reverse("business_create")


def test_navbar_shows_current_business_and_role(client_for, business, viewer):
    html = client_for(viewer).get(reverse("dashboard", args=[business.pk])).content.decode()
    assert "Acme Roasters" in html and "Viewer" in html


def test_owner_changes_role(client_for, business, owner, editor):
    membership = Membership.objects.get(user=editor)
    client_for(owner).post(
        reverse("member_edit", args=[business.pk, membership.pk]), {"role": "viewer"}
    )
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_last_owner_cannot_be_demoted_or_removed(client_for, business, owner, editor):
    membership = Membership.objects.get(user=owner)
    client = client_for(owner)
    response = client.post(
        reverse("member_edit", args=[business.pk, membership.pk]), {"role": "editor"}
    )
    assert "last owner" in response.context["form"].errors["role"][0]
    response = client.post(reverse("member_remove", args=[business.pk, membership.pk]))
    assert response.status_code == 400
    assert "last owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_can_leave_when_another_owner_remains(client_for, business, owner):
    MembershipFactory(business=business, role=Role.OWNER)
    membership = Membership.objects.get(user=owner)
    client_for(owner).post(reverse("member_remove", args=[business.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_removed_member_keeps_time_but_loses_access(client_for, business, owner, editor, smo_task):
    TimeEntryFactory(task=smo_task, user=editor)
    membership = Membership.objects.get(user=editor)
    client_for(owner).post(reverse("member_remove", args=[business.pk, membership.pk]))
    assert smo_task.time_entries.count() == 1
    assert client_for(editor).get(reverse("dashboard", args=[business.pk])).status_code == 404


def test_owner_deletes_business_with_everything(
    client_for, business, owner, smo_task, other_business
):
    TimeEntryFactory(task=smo_task, user=owner)
    response = client_for(owner).post(reverse("business_delete", args=[business.pk]))
    assert response.status_code == 302
    assert not Business.objects.filter(pk=business.pk).exists()
    assert not Task.objects.filter(business_id=business.pk).exists()
    assert Business.objects.filter(pk=other_business.pk).exists()


def test_platform_and_campaign_with_tasks_are_not_deleted(client_for, business, editor, smo_task):
    client = client_for(editor)
    for name, obj in (
        ("platform_delete", smo_task.platform),
        ("campaign_delete", smo_task.campaign),
    ):
        response = client.post(reverse(name, args=[business.pk, obj.pk]))
        assert response.status_code == 409
        assert "never deleted silently" in response.content.decode()
    assert Task.objects.filter(pk=smo_task.pk).exists()


def test_unused_platform_and_campaign_are_deleted(client_for, business, editor, platform, campaign):
    client = client_for(editor)
    client.post(reverse("platform_delete", args=[business.pk, platform.pk]))
    client.post(reverse("campaign_delete", args=[business.pk, campaign.pk]))
    assert not business.platforms.exists() and not business.campaigns.exists()
