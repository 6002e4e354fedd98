"""Every API route of a business, walked by every kind of caller: the owner, an editor and a
viewer (sessions), an owner of another business, an anonymous caller, a read key, a write key,
a revoked key, an expired key, and a key of another business.

The routes and their methods are read from the URLconf: a route this test does not know fails
`test_every_api_route_is_covered` until it is taught here.
"""

import datetime

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver

from planner.models import Role
from tests.api_support import ApiClient, api, make_key
from tests.factories import (
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    TimeEntryFactory,
    UserFactory,
)

READ, WRITE = "read", "write"
API_BUSINESS = "api/v1/businesses/<int:business_id>/"


def api_routes():
    """(url name, HTTP method) of every route under /api/v1/businesses/<id>/."""
    found = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == API_BUSINESS:
            for pattern in entry.url_patterns:
                for method in getattr(pattern.callback, "actions", {}):
                    if method != "head":  # DRF adds it to a GET's view once one was served
                        found.add((pattern.name, method))
    return found


@pytest.fixture
def world(business, owner, editor, viewer, outsider, platform, campaign, smo_task, smm_task):
    spare = MembershipFactory(business=business, role=Role.EDITOR, user=UserFactory())
    other = outsider.memberships.get().business
    return {
        "business": business,
        "owner": owner,
        "platform": platform,
        "spare_platform": PlatformFactory(business=business, kind="x", handle="spare"),
        "campaign": campaign,
        "smo": smo_task,
        "smm": smm_task,
        "member": spare,
        "time": TimeEntryFactory(task=smo_task, user=owner),
        "result": ResultEntryFactory(task=smm_task, date=datetime.date(2026, 11, 2)),
        "keys": {
            "read key": make_key(business, owner, "read")[1],
            "write key": make_key(business, owner, "write")[1],
            "revoked key": make_key(business, owner, "write", state="revoked")[1],
            "expired key": make_key(business, owner, "write", state="expired")[1],
            "other business's key": make_key(other, outsider, "write")[1],
        },
        "users": {"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider},
    }


def _cases(w):
    """(name, method) -> (access, path after the business, body or None, headers)."""
    platform, campaign, smo, smm = w["platform"], w["campaign"], w["smo"], w["smm"]
    version = {"If-Match": "*"}
    smo_body = {
        "platform": platform.pk,
        "title": "API post",
        "post_text": "Hello",
        "status": "draft",
    }
    smm_body = {
        "platform": platform.pk,
        "title": "API ad",
        "objective": "traffic",
        "bid_model": "cpc",
        "budget_type": "daily",
        "budget_amount": "10",
        "status": "draft",
    }
    campaign_body = {
        "name": "API campaign",
        "start_date": "2026-01-01",
        "end_date": "2026-02-01",
        "budget": "5",
    }
    day = {"date": "2026-11-15"}
    return {
        ("api-platform-list", "get"): (READ, "platforms/", None, {}),
        ("api-platform-list", "post"): (WRITE, "platforms/", {"kind": "x", "handle": "new"}, {}),
        ("api-platform-detail", "get"): (READ, f"platforms/{platform.pk}/", None, {}),
        ("api-platform-detail", "put"): (
            WRITE,
            f"platforms/{platform.pk}/",
            {"kind": "facebook", "handle": "renamed"},
            version,
        ),
        ("api-platform-detail", "patch"): (
            WRITE,
            f"platforms/{platform.pk}/",
            {"handle": "renamed"},
            version,
        ),
        ("api-platform-detail", "delete"): (
            WRITE,
            f"platforms/{platform.pk}/?move_to={w['spare_platform'].pk}",
            None,
            {},
        ),
        ("api-campaign-list", "get"): (READ, "campaigns/", None, {}),
        ("api-campaign-list", "post"): (WRITE, "campaigns/", campaign_body, {}),
        ("api-campaign-detail", "get"): (READ, f"campaigns/{campaign.pk}/", None, {}),
        ("api-campaign-detail", "put"): (
            WRITE,
            f"campaigns/{campaign.pk}/",
            campaign_body,
            version,
        ),
        ("api-campaign-detail", "patch"): (
            WRITE,
            f"campaigns/{campaign.pk}/",
            {"notes": "x"},
            version,
        ),
        ("api-campaign-detail", "delete"): (
            WRITE,
            f"campaigns/{campaign.pk}/?move_to=",
            None,
            {},
        ),
        ("api-smo-task-list", "get"): (READ, "smo-tasks/", None, {}),
        ("api-smo-task-list", "post"): (WRITE, "smo-tasks/", smo_body, {}),
        ("api-smo-task-detail", "get"): (READ, f"smo-tasks/{smo.pk}/", None, {}),
        ("api-smo-task-detail", "put"): (WRITE, f"smo-tasks/{smo.pk}/", smo_body, version),
        ("api-smo-task-detail", "patch"): (
            WRITE,
            f"smo-tasks/{smo.pk}/",
            {"title": "Changed"},
            version,
        ),
        ("api-smo-task-detail", "delete"): (WRITE, f"smo-tasks/{smo.pk}/", None, {}),
        ("api-smm-task-list", "get"): (READ, "smm-tasks/", None, {}),
        ("api-smm-task-list", "post"): (WRITE, "smm-tasks/", smm_body, {}),
        ("api-smm-task-detail", "get"): (READ, f"smm-tasks/{smm.pk}/", None, {}),
        ("api-smm-task-detail", "put"): (WRITE, f"smm-tasks/{smm.pk}/", smm_body, version),
        ("api-smm-task-detail", "patch"): (
            WRITE,
            f"smm-tasks/{smm.pk}/",
            {"title": "Changed"},
            version,
        ),
        ("api-smm-task-detail", "delete"): (WRITE, f"smm-tasks/{smm.pk}/", None, {}),
        ("api-time-entry-list", "get"): (READ, "time-entries/", None, {}),
        ("api-time-entry-list", "post"): (
            WRITE,
            "time-entries/",
            {"task": smo.pk, **day, "hours": "1.5", "user": w["owner"].pk},
            {},
        ),
        ("api-time-entry-detail", "get"): (READ, f"time-entries/{w['time'].pk}/", None, {}),
        ("api-time-entry-detail", "delete"): (WRITE, f"time-entries/{w['time'].pk}/", None, {}),
        ("api-result-list", "get"): (READ, "results/", None, {}),
        ("api-result-list", "post"): (
            WRITE,
            "results/",
            {"task": smm.pk, **day, "clicks": 3},
            {},
        ),
        ("api-result-detail", "get"): (READ, f"results/{w['result'].pk}/", None, {}),
        ("api-result-detail", "delete"): (WRITE, f"results/{w['result'].pk}/", None, {}),
        ("api-results-bulk", "post"): (
            WRITE,
            "results/bulk/",
            {
                "rows": [
                    {"task": smm.pk, **day, "clicks": 4},
                    {"ad": smm.title, "date": "2026-11-16"},
                ]
            },
            {},
        ),
        ("api-member-list", "get"): (READ, "members/", None, {}),
        ("api-member-detail", "get"): (READ, f"members/{w['member'].pk}/", None, {}),
        ("api-pacing-list", "get"): (READ, "pacing/", None, {}),
        ("api-dashboard", "get"): (READ, "dashboard/", None, {}),
    }


def snapshot():
    """Every row of the business's data, to prove a refused request changed nothing."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for label in ("planner", "teamwork")
        for model in apps.get_app_config(label).get_models()
    }


def test_every_api_route_is_covered(world):
    assert api_routes() == set(_cases(world)), "teach tests/test_api_access.py the new route"


CASES = sorted(api_routes())
CALLERS = [
    "owner",
    "editor",
    "viewer",
    "outsider",
    "anonymous",
    "read key",
    "write key",
    "revoked key",
    "expired key",
    "other business's key",
]


def caller(world, who, client):
    if who in world["keys"]:
        return ApiClient(world["keys"][who])
    if who != "anonymous":
        client.force_login(world["users"][who])
    return ApiClient(client=client)


def expected(access, who):
    """The status class a caller gets: "ok", or the refusal's code."""
    if who in ("anonymous", "revoked key", "expired key"):
        return 401
    if who in ("outsider", "other business's key"):
        return 404
    if access == WRITE and who in ("viewer", "read key"):
        return 403
    return "ok"


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("name, method", CASES)
def test_api_route(client, world, name, method, who):
    access, path, body, headers = _cases(world)[(name, method)]
    api_client = caller(world, who, client)
    before = snapshot()
    url = api(world["business"], path)
    if method == "get":
        response = api_client.get(url)
    elif method == "delete":
        response = api_client.delete(url, headers=headers)
    else:
        response = api_client.call(method, url, body, headers=headers)
    want = expected(access, who)
    if want == "ok":
        assert 200 <= response.status_code < 300, response.content[:500]
        if access == WRITE:
            assert snapshot() != before
        return
    assert response.status_code == want, response.content[:500]
    if want == 401:
        assert response["WWW-Authenticate"] == "Bearer"
    assert snapshot() == before


@pytest.mark.parametrize("who", CALLERS)
def test_business_list_shows_only_what_the_caller_reaches(client, world, who):
    response = caller(world, who, client).get("/api/v1/businesses/")
    if who in ("anonymous", "revoked key", "expired key"):
        assert response.status_code == 401
        return
    names = {row["name"] for row in response.json()}
    mine = {"owner", "editor", "viewer", "read key", "write key"}
    assert names == ({world["business"].name} if who in mine else {"Competitor Ltd"})
