"""CSV export of the task lists: exactly what the filters show, safe for spreadsheets."""

import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse

from tests.factories import CampaignFactory, PlatformFactory, SmmTaskFactory, SmoTaskFactory


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_smo_export_follows_the_filters(client_for, business, viewer, platform, campaign):
    other = PlatformFactory(business=business, kind="x", handle="acme_x")
    SmoTaskFactory(
        business=business,
        platform=platform,
        campaign=campaign,
        title="Wanted",
        status="scheduled",
        scheduled_at=datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC),
    )
    SmoTaskFactory(business=business, platform=other, title="Other platform")
    SmmTaskFactory(business=business, platform=platform, title="Paid, not in the SMO list")
    url = reverse("smo_export", args=[business.pk])
    exported = rows(client_for(viewer).get(url, {"platform": platform.pk}))
    assert [row["title"] for row in exported] == ["Wanted"]
    row = exported[0]
    assert row["campaign"] == "Launch"
    assert row["scheduled at"] == "2026-12-01T09:00:00+00:00"
    assert row["tagged URL"] == (
        "https://shop.example/beans?utm_source=facebook&utm_medium=social&utm_campaign=launch"
        "&utm_content=wanted"
    )


def test_all_pages_are_exported(client_for, business, owner, platform):
    for i in range(30):
        SmoTaskFactory(business=business, platform=platform, title=f"Post {i}")
    exported = rows(client_for(owner).get(reverse("smo_export", args=[business.pk])))
    assert len(exported) == 30


def test_smm_export_money_dates_and_times_in_the_business_zone(
    client_for, business, owner, platform
):
    business.time_zone = "Asia/Tokyo"
    business.save()
    SmmTaskFactory(
        business=business,
        platform=platform,
        title="Ads",
        max_bid=Decimal("1.5"),
        budget_amount=Decimal("300"),
        flight_start=datetime.date(2026, 12, 1),
        flight_end=datetime.date(2026, 12, 31),
    )
    (row,) = rows(client_for(owner).get(reverse("smm_export", args=[business.pk])))
    assert row["max bid"] == "1.50"
    assert row["budget amount"] == "300.00"
    assert row["flight start"] == "2026-12-01"
    assert row["tagged URL"].endswith("utm_medium=cpc&utm_content=ads")


def test_formulas_are_neutralised(client_for, business, owner, platform):
    CampaignFactory(business=business, name="@campaign")
    SmoTaskFactory(
        business=business,
        platform=platform,
        title='=HYPERLINK("http://x")',
        post_text="+1 555 0100",
        hashtags="",
    )
    SmoTaskFactory(business=business, platform=platform, title="-minus", post_text="ok")
    exported = rows(client_for(owner).get(reverse("smo_export", args=[business.pk])))
    titles = sorted(row["title"] for row in exported)
    assert titles == ["'-minus", '\'=HYPERLINK("http://x")']
    assert "'+1 555 0100" in [row["post text"] for row in exported]


def test_export_shows_only_this_business(client_for, business, owner, other_business):
    SmoTaskFactory(business=other_business, title="Theirs")
    SmoTaskFactory(business=business, title="Ours")
    exported = rows(client_for(owner).get(reverse("smo_export", args=[business.pk])))
    assert [row["title"] for row in exported] == ["Ours"]


def test_export_link_keeps_the_filters(client_for, business, owner, platform):
    SmoTaskFactory(business=business, platform=platform)
    html = (
        client_for(owner)
        .get(reverse("smo_list", args=[business.pk]), {"status": "draft"})
        .content.decode()
    )
    assert f"{reverse('smo_export', args=[business.pk])}?status=draft" in html
