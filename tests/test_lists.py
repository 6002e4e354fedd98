"""List pages: filters, pagination, tenant scoping and a query count that does not grow."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    CampaignFactory,
    PlatformFactory,
    SmmTaskFactory,
    SmoTaskFactory,
)


def _fill(business, rows):
    platforms = [PlatformFactory(business=business) for _ in range(3)]
    campaign = CampaignFactory(business=business)
    for i in range(rows):
        SmoTaskFactory(business=business, platform=platforms[i % 3], campaign=campaign)
        SmmTaskFactory(business=business, platform=platforms[i % 3], campaign=campaign)
        CampaignFactory(business=business)


LIST_PAGES = ["smo_list", "smm_list", "campaign_list", "platform_list", "member_list"]


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_is_fixed(
    client_for, business, owner, name, rows, django_assert_max_num_queries
):
    _fill(business, rows)
    client = client_for(owner)
    url = reverse(name, args=[business.pk])
    client.get(url)
    # The task lists: + the saved views and the bulk bar's campaigns and members (fixed).
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_task_list_paginates(client_for, business, owner):
    _fill(business, 30)
    client = client_for(owner)
    url = reverse("smo_list", args=[business.pk])
    first = client.get(url)
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2 (30 in all)" in first.content.decode()
    second = client.get(url + "?page=2")
    assert len(second.context["page"].object_list) == 5


def test_task_list_filters(client_for, business, owner, platform, campaign):
    other_platform = PlatformFactory(business=business, kind="x")
    SmoTaskFactory(
        business=business,
        platform=platform,
        campaign=campaign,
        title="Espresso launch",
        status="scheduled",
        scheduled_at=datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC),
    )
    SmoTaskFactory(business=business, platform=other_platform, title="Other", status="draft")
    SmmTaskFactory(business=business, platform=platform, title="Espresso ad")
    client = client_for(owner)
    url = reverse("smo_list", args=[business.pk])

    def titles(query):
        return [t.title for t in client.get(url + query).context["page"].object_list]

    assert titles("") == ["Other", "Espresso launch"]
    assert titles("?q=espresso") == ["Espresso launch"]  # SMM tasks never in the SMO list
    assert titles(f"?platform={platform.pk}") == ["Espresso launch"]
    assert titles(f"?campaign={campaign.pk}") == ["Espresso launch"]
    assert titles("?status=draft") == ["Other"]
    assert titles("?q=nothing-like-this") == []


def test_filters_offer_only_own_rows(client_for, business, owner, platform, other_business):
    foreign = PlatformFactory(business=other_business, handle="theirs")
    SmoTaskFactory(business=business, platform=platform)
    response = client_for(owner).get(reverse("smo_list", args=[business.pk]))
    choices = list(response.context["filters"].fields["platform"].queryset)
    assert choices == [platform]
    # Filtering by another business's platform id is not a way in: the filter is invalid
    # and the list still shows only this business's tasks.
    response = client_for(owner).get(
        reverse("smo_list", args=[business.pk]) + f"?platform={foreign.pk}"
    )
    assert all(t.business_id == business.pk for t in response.context["page"].object_list)


def test_lists_show_only_this_business(client_for, business, owner, other_business):
    SmoTaskFactory(business=business, title="Ours")
    SmoTaskFactory(business=other_business, title="Theirs")
    CampaignFactory(business=other_business, name="Their campaign")
    client = client_for(owner)
    assert "Theirs" not in client.get(reverse("smo_list", args=[business.pk])).content.decode()
    html = client.get(reverse("campaign_list", args=[business.pk])).content.decode()
    assert "Their campaign" not in html
