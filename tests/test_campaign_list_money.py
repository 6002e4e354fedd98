"""The campaigns list with each campaign's paid budget, spend to date, pacing and organic
versus paid cost: the same figures as each campaign's own page, from one grouped query."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from planner.selectors import campaign_pacing, split_from_rollups
from tests.factories import (
    CampaignFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

D = Decimal


def test_each_row_has_its_campaigns_money(client_for, business, viewer, platform, editor):
    today = timezone.localdate()
    days = datetime.timedelta
    campaigns = [
        CampaignFactory(
            business=business,
            name=name,
            budget=D(budget),
            start_date=today - days(9),
            end_date=today + days(20),
        )  # fmt: skip
        for name, budget in (("Beans week", "300"), ("Cups week", "1000"), ("Empty", "50"))
    ]
    for n, campaign in enumerate(campaigns[:2]):
        ad = SmmTaskFactory(business=business, platform=platform, campaign=campaign)
        post = SmoTaskFactory(business=business, platform=platform, campaign=campaign)
        ResultEntryFactory(task=ad, date=today, spend=D(50 * (n + 1)), clicks=10, impressions=100,
                           reach=100)  # fmt: skip
        ResultEntryFactory(task=ad, date=today + days(3), spend=D("7"))  # not to date yet
        TimeEntryFactory(task=post, user=editor, date=today, hours=D(n + 2))
        TimeEntryFactory(task=ad, user=editor, date=today, hours=D("1"))
    response = client_for(viewer).get(reverse("campaign_list", args=[business.pk]))
    assert response.status_code == 200
    shown = {c.pk: c for c in response.context["page"].object_list}
    for campaign in campaigns:
        row = shown[campaign.pk]
        assert row.split == split_from_rollups(business, campaign=campaign)
        assert row.pacing == campaign_pacing(campaign, today)
    html = response.content.decode()
    beans = html[html.index("Beans week") : html.index("</tr>", html.index("Beans week"))]
    # 50 spent to date of 300 over 30 days, 10 days in: 100 expected, so under pace.
    assert "$50.00" in beans and "under pace" in beans and "50% of expected" in beans
    # Organic: 2 h at $50; paid: 1 h at $50 + $57 of media spend (all time).
    assert "$100.00" in beans and "$107.00" in beans
    empty = html[html.index(">Empty<") : html.index("</tr>", html.index(">Empty<"))]
    assert "$0.00" in empty and "under pace" in empty


def test_other_actors(client_for, business, editor, outsider, client):
    CampaignFactory(business=business)
    url = reverse("campaign_list", args=[business.pk])
    assert client_for(editor).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
