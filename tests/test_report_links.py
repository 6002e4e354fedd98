"""Report links: an owner shares one report read-only; a revoked or expired link is a 404,
and nothing else of the business is reachable from it."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.reports import links
from planner.reports.models import ReportLink
from tests.factories import PlatformFactory, ResultEntryFactory, SmmTaskFactory


@pytest.fixture
def shared(client_for, business, owner):
    ad = SmmTaskFactory(business=business, platform=PlatformFactory(business=business))
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 6), clicks=300, spend="150")
    client = client_for(owner)
    url = reverse("report_link_list", args=[business.pk])
    query = "period=custom&start=2026-11-01&end=2026-11-30&summary=For+the+board."
    response = client.post(f"{url}?{query}", {"label": "The board", "days": "7"})
    assert response.status_code == 200
    html = response.content.decode()
    address = re.search(r'id="new-report-address" value="([^"]+)"', html).group(1)
    return address.split("testserver", 1)[1]


def test_a_link_shows_its_report_without_an_account(client, shared, business):
    response = client.get(shared)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme Roasters" in html and "For the board." in html
    assert "01 Nov 2026 – 30 Nov 2026" in html
    assert 'data-testid="report-smm-cost">$150.00<' in html
    # Nothing else of the business: no address into it, no navigation.
    assert f"/b/{business.pk}/" not in html and "<nav" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_token_is_kept_only_as_a_hash(shared):
    token = shared.rstrip("/").rsplit("/", 1)[1]
    link = ReportLink.objects.get()
    assert token not in link.token_hash and link.token_hash == links.token_hash(token)


def test_a_revoked_link_is_a_404(client, client_for, owner, business, shared):
    link = ReportLink.objects.get()
    client_for(owner).post(reverse("report_link_revoke", args=[business.pk, link.pk]))
    client.logout()
    assert client.get(shared).status_code == 404


def test_an_expired_link_is_a_404(client, shared):
    now = timezone.now()
    ReportLink.objects.update(
        created_at=now - datetime.timedelta(days=8), expires_at=now - datetime.timedelta(seconds=1)
    )
    assert client.get(shared).status_code == 404


def test_a_made_up_token_is_a_404(client, shared):
    assert client.get(reverse("report_shared", args=["x" * 43])).status_code == 404


def test_the_period_is_fixed_when_the_link_is_made(client_for, business, owner):
    client = client_for(owner)
    url = reverse("report_link_list", args=[business.pk])
    client.post(f"{url}?period=30d", {"label": "Last month", "days": "30"})
    link = ReportLink.objects.get()
    assert link.query.startswith("period=custom&start=") and "end=" in link.query


@pytest.mark.parametrize(
    "data, message",
    [
        ({"label": "", "days": "7"}, "This field is required."),
        ({"label": "Board", "days": "91"}, "less than or equal to 90"),
    ],
)
def test_bad_input_makes_no_link(client_for, business, owner, data, message):
    response = client_for(owner).post(reverse("report_link_list", args=[business.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReportLink.objects.exists()


def test_only_owners_share(client_for, business, editor, viewer, outsider):
    url = reverse("report_link_list", args=[business.pk])
    for user, status in ((editor, 403), (viewer, 403), (outsider, 404)):
        assert client_for(user).post(url, {"label": "x", "days": "7"}).status_code == status
    assert not ReportLink.objects.exists()


def test_another_businesss_link_cannot_be_revoked(client_for, business, owner, other_business):
    theirs = ReportLink.objects.create(
        business=other_business, token_hash="1" * 64, label="Theirs", query="period=30d",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    url = reverse("report_link_revoke", args=[business.pk, theirs.pk])
    assert client_for(owner).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_long_summary_in_any_script_is_kept(client_for, business, owner, client):
    summary = "Ещё один месяц — " * 117  # 2,000 characters, each of them encoded many times over
    url = reverse("report_link_list", args=[business.pk])
    response = client_for(owner).post(
        f"{url}?{urlencode({'period': '30d', 'summary': summary[:2000]})}",
        {"label": "Board", "days": "7"},
    )
    assert response.status_code == 200
    address = re.search(r'id="new-report-address" value="([^"]+)"', response.content.decode())
    client.logout()
    shared = client.get(address.group(1).split("testserver", 1)[1])
    assert "Ещё один месяц" in shared.content.decode()
