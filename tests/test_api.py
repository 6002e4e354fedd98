"""The API's resources: the forms' rules, tenant scoping inside bodies, versions (ETag,
If-Match, 412), filters, sorting, cursor pages, the dashboard's numbers, and fixed query counts."""

import base64
import datetime
import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import rollups
from planner.models import Campaign, DailyRollup, Platform, ResultEntry, Task
from planner.teamwork.models import Activity
from tests.api_support import ApiClient, api, make_key
from tests.factories import (
    CampaignFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)


@pytest.fixture
def writer(business, owner):
    return ApiClient(make_key(business, owner, "write")[1])


@pytest.fixture
def reader(business, owner):
    return ApiClient(make_key(business, owner, "read")[1])


def smm_body(platform, **fields):
    return {
        "platform": platform.pk,
        "title": "Spring ad",
        "objective": "traffic",
        "bid_model": "cpc",
        "budget_type": "daily",
        "budget_amount": "10",
        "status": "draft",
        **fields,
    }


# The forms' rules, the services' writes.


def test_a_post_over_the_platform_limit_is_refused_by_the_form(writer, business, business_x):
    response = writer.post(
        api(business, "smo-tasks/"),
        {"platform": business_x.pk, "title": "Long", "post_text": "x" * 281},
    )
    assert response.status_code == 400
    assert "post_text" in response.json()
    assert not Task.objects.filter(title="Long").exists()


@pytest.fixture
def business_x(business):
    return PlatformFactory(business=business, kind="x", handle="acme_x")


def test_another_business_s_platform_in_a_body_is_a_field_error(writer, business, other_business):
    theirs = PlatformFactory(business=other_business, kind="x", handle="theirs")
    response = writer.post(api(business, "smm-tasks/"), smm_body(theirs))
    assert response.status_code == 400
    assert "platform" in response.json()
    assert not Task.objects.filter(title="Spring ad").exists()


def test_created_task_is_in_the_rollups_and_the_log(writer, business, platform, owner):
    response = writer.post(
        api(business, "smm-tasks/"),
        smm_body(platform, flight_start="2026-11-01", estimated_hours="2", production_cost="30"),
    )
    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=response.json()["id"])
    assert response["ETag"] == '"0"'
    assert task.business == business and task.kind == "smm"
    day = DailyRollup.objects.get(business=business, date=datetime.date(2026, 11, 1))
    assert day.production_cost == Decimal("30.00")
    assert Activity.objects.filter(task=task, verb="created", actor=owner).exists()


def test_unknown_fields_and_lists_are_errors_not_ignored(writer, business, platform):
    response = writer.post(
        api(business, "smm-tasks/"), smm_body(platform, budgt=5, title=["a", "b"])
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["budgt"] == ["Not a field of this resource."]
    assert "not a list" in errors["title"][0]


def test_a_missing_field_takes_the_form_s_default(writer, business, platform):
    response = writer.post(api(business, "smo-tasks/"), {"platform": platform.pk, "title": "T"})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "idea" and response.json()["estimated_hours"] == "0.00"


def test_patch_changes_only_what_it_sends(writer, business, smm_task):
    url = api(business, f"smm-tasks/{smm_task.pk}/")
    before = writer.get(url).json()
    response = writer.patch(
        url, {"title": "Renamed"}, headers={"If-Match": f'"{smm_task.version}"'}
    )
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["title"] == "Renamed" and after["version"] == before["version"] + 1
    changed = {name for name in after if after[name] != before[name]}
    assert changed <= {"title", "version", "updated_at", "tagged_url"}
    assert response["ETag"] == f'"{after["version"]}"'


def test_a_fetched_row_can_be_sent_back_as_it_is(writer, business, platform):
    url = api(business, f"platforms/{platform.pk}/")
    row = writer.get(url)
    response = writer.put(
        url, {**row.json(), "handle": "renamed"}, headers={"If-Match": row["ETag"]}
    )
    assert response.status_code == 200, response.content
    assert Platform.objects.get(pk=platform.pk).handle == "renamed"


def test_an_update_without_if_match_is_428(writer, business, campaign):
    response = writer.patch(api(business, f"campaigns/{campaign.pk}/"), {"notes": "x"})
    assert response.status_code == 428
    assert Campaign.objects.get(pk=campaign.pk).notes == ""


def test_a_stale_update_is_412_with_what_differs(writer, business, smo_task):
    url = api(business, f"smo-tasks/{smo_task.pk}/")
    etag = writer.get(url)["ETag"]
    first = writer.patch(url, {"title": "Theirs"}, headers={"If-Match": etag})
    assert first.status_code == 200
    stale = writer.patch(url, {"title": "Mine", "hashtags": ""}, headers={"If-Match": etag})
    assert stale.status_code == 412
    body = stale.json()
    assert body["version"] == first.json()["version"]
    assert body["differs"] == {"title": "Theirs"}  # hashtags: the same as saved
    assert body["current"]["title"] == "Theirs"
    assert Task.objects.get(pk=smo_task.pk).title == "Theirs"


def test_if_match_star_overwrites(writer, business, smo_task):
    url = api(business, f"smo-tasks/{smo_task.pk}/")
    assert writer.patch(url, {"title": "Any"}, headers={"If-Match": "*"}).status_code == 200


def test_a_race_between_check_and_save_is_412(writer, business, smo_task, monkeypatch):
    """Two updates of one version: the service's claim settles it, and the loser gets 412."""
    from planner import services

    save = services.task_save

    def someone_saves_first(task, seen_version=None, by=None):
        Task.objects.filter(pk=task.pk).update(version=seen_version + 1)
        return save(task, seen_version, by)

    monkeypatch.setattr(services, "task_save", someone_saves_first)
    url = api(business, f"smo-tasks/{smo_task.pk}/")
    response = writer.patch(url, {"title": "Late"}, headers={"If-Match": '"0"'})
    assert response.status_code == 412
    assert Task.objects.get(pk=smo_task.pk).title != "Late"


def test_approval_required_holds_the_status_back(writer, business, platform):
    business.approval_mode = "required"
    business.save(update_fields=["approval_mode"])
    response = writer.post(api(business, "smm-tasks/"), smm_body(platform, status="active"))
    assert response.status_code == 400
    assert "status" in response.json()


def test_deleting_a_platform_with_tasks_needs_a_target(writer, business, platform, smo_task):
    url = api(business, f"platforms/{platform.pk}/")
    refused = writer.delete(url)
    assert refused.status_code == 400 and "move_to" in refused.json()
    assert Platform.objects.filter(pk=platform.pk).exists()
    spare = PlatformFactory(business=business, kind="x", handle="spare")
    assert writer.delete(url + f"?move_to={spare.pk}").status_code == 204
    assert Task.objects.get(pk=smo_task.pk).platform == spare


def test_deleting_a_task_keeps_the_rollups_exact(writer, business, smm_task):
    ResultEntryFactory(task=smm_task, date=datetime.date(2026, 11, 3), spend=Decimal("7.50"))
    assert writer.delete(api(business, f"smm-tasks/{smm_task.pk}/")).status_code == 204
    assert not DailyRollup.objects.filter(business=business, spend__gt=0).exists()


def test_a_task_of_the_other_kind_is_404(reader, business, smo_task, smm_task):
    assert reader.get(api(business, f"smm-tasks/{smo_task.pk}/")).status_code == 404
    assert reader.get(api(business, f"smo-tasks/{smm_task.pk}/")).status_code == 404


def test_time_entry_of_another_business_s_task_is_a_field_error(writer, business, outsider, owner):
    theirs = SmoTaskFactory(business=outsider.memberships.get().business)
    response = writer.post(
        api(business, "time-entries/"),
        {"task": theirs.pk, "date": "2026-11-15", "hours": "1", "user": owner.pk},
    )
    assert response.status_code == 400 and response.json() == {
        "task": ["No such task in this business."]
    }


def test_time_entry_follows_the_form_s_rules(writer, business, smo_task, owner):
    response = writer.post(
        api(business, "time-entries/"),
        {"task": smo_task.pk, "date": "2026-11-15", "hours": "25", "user": owner.pk},
    )
    assert response.status_code == 400 and "hours" in response.json()


def test_a_second_result_for_a_day_is_refused(writer, business, smm_task):
    body = {"task": smm_task.pk, "date": "2026-11-15", "clicks": 3}
    assert writer.post(api(business, "results/"), body).status_code == 201
    again = writer.post(api(business, "results/"), body)
    assert again.status_code == 400 and "date" in again.json()


# Lists: filters, sorting, cursor pages.


def test_filters_are_the_lists_filters(reader, business, platform, campaign):
    SmoTaskFactory(business=business, platform=platform, title="Spring launch", status="draft")
    SmoTaskFactory(business=business, platform=platform, title="Autumn", status="scheduled",
                   scheduled_at=datetime.datetime(2026, 12, 24, 9, tzinfo=datetime.UTC),
                   campaign=campaign)  # fmt: skip
    titles = lambda **query: [  # noqa: E731
        row["title"] for row in reader.get(api(business, "smo-tasks/"), **query).json()["results"]
    ]
    assert titles(q="LAUNCH") == ["Spring launch"]
    assert titles(status="scheduled") == ["Autumn"]
    assert titles(campaign=campaign.pk) == ["Autumn"]
    assert reader.get(api(business, "smo-tasks/"), status="nonsense").status_code == 400


def test_off_pace_filter(reader, business, platform):
    today = datetime.date.today()
    ad = SmmTaskFactory(
        business=business, platform=platform, status="active", budget_type="lifetime",
        budget_amount=Decimal("100"), flight_start=today - datetime.timedelta(days=9),
        flight_end=today + datetime.timedelta(days=10),
    )  # fmt: skip
    ResultEntryFactory(task=ad, date=today - datetime.timedelta(days=1), spend=Decimal("90"))
    rollups.refresh_figures(business.pk)
    rows = reader.get(api(business, "smm-tasks/"), pace="off").json()["results"]
    assert [row["id"] for row in rows] == [ad.pk]
    assert rows[0]["pacing"]["flag"] == "over"
    pacing = reader.get(api(business, "pacing/"), pace="off").json()["results"]
    assert [row["id"] for row in pacing] == [ad.pk]


def test_sorting_and_cursor_pages_walk_every_row_once(reader, business, platform):
    for number in range(7):
        SmoTaskFactory(business=business, platform=platform, title=f"Post {number:02}")
    seen, url = [], api(business, "smo-tasks/") + "?page_size=3&ordering=title"
    while url:
        page = reader.get(url).json()
        seen += [row["title"] for row in page["results"]]
        url = page["next"]
    assert seen == [f"Post {number:02}" for number in range(7)]
    bad = reader.get(api(business, "smo-tasks/"), cursor="not-a-cursor")
    assert bad.status_code == 404


def test_a_list_never_shows_another_business_s_rows(reader, business, other_business):
    SmoTaskFactory(business=other_business, title="Theirs")
    assert reader.get(api(business, "smo-tasks/")).json()["results"] == []


# The dashboard summary: the page's numbers, as its CSV gives them.


def test_dashboard_summary_is_the_csv_s_numbers(client, business, owner, platform, reader):
    task = SmmTaskFactory(business=business, platform=platform)
    ResultEntryFactory(task=task, date=datetime.date.today(), spend=Decimal("12.34"), clicks=10)
    TimeEntryFactory(task=task, user=owner, date=datetime.date.today(), hours=Decimal("1.5"))
    client.force_login(owner)
    csv_text = client.get(reverse("dashboard_csv", args=[business.pk])).content.decode()
    total_row = csv_text.strip().splitlines()[-1].split(",")
    summary = reader.get(api(business, "dashboard/")).json()
    header = csv_text.splitlines()[0].split(",")
    assert summary["total"]["media_spend"] == total_row[header.index("media spend")] == "12.34"
    assert summary["total"]["total_cost"] == total_row[header.index("total cost")]
    assert summary["smm"]["clicks"] == 10 and summary["smm"]["hours"] == "1.50"
    assert summary["currency"] == business.currency
    bad = reader.get(api(business, "dashboard/"), period="custom")
    assert bad.status_code == 400 and "start" in bad.json()


# Hostile bodies.


@pytest.mark.parametrize(
    "body",
    [b"[" * 200_000, b'{"title": NaN}', b"\xff\xfe", b'{"a": 1'],
    ids=["deep", "nan", "not utf-8", "cut"],
)
def test_hostile_json_is_a_400(writer, business, body):
    response = writer.client.post(
        api(business, "smo-tasks/"), body, content_type="application/json", headers=writer.headers
    )
    assert response.status_code == 400


def test_a_body_over_the_limit_is_413(writer, business):
    body = json.dumps({"title": "x" * (2 * 1024 * 1024)})
    response = writer.client.post(
        api(business, "smo-tasks/"), body, content_type="application/json", headers=writer.headers
    )
    assert response.status_code == 413


# Fixed query counts: the same at two sizes.


def _grow(business, platform, campaign, owner, count):
    for number in range(count):
        smo = SmoTaskFactory(business=business, platform=platform, campaign=campaign)
        smm = SmmTaskFactory(business=business, platform=platform, campaign=campaign)
        TimeEntryFactory(task=smo, user=owner)
        ResultEntryFactory(task=smm, date=datetime.date(2026, 10, 1) + datetime.timedelta(number))


@pytest.mark.parametrize(
    "path",
    [
        "platforms/",
        "campaigns/",
        "smo-tasks/",
        "smm-tasks/",
        "time-entries/",
        "results/",
        "members/",
        "pacing/",
        "dashboard/",
    ],
)
def test_queries_do_not_grow_with_the_business(
    reader, business, platform, campaign, owner, path, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(api(business, path)).status_code == 200
        return len(queries)

    count()  # the key's "last used" is written on its first call of the minute
    _grow(business, platform, campaign, owner, 3)
    small = count()
    _grow(business, platform, campaign, owner, 60)
    assert count() == small
    assert small <= 8


def test_results_keep_their_rows(reader, business, smm_task):
    ResultEntryFactory(task=smm_task, date=datetime.date(2026, 11, 3), clicks=4)
    row = reader.get(api(business, "results/")).json()["results"][0]
    entry = ResultEntry.objects.get()
    assert row == {
        "id": entry.pk,
        "task": smm_task.pk,
        "date": "2026-11-03",
        "impressions": entry.impressions,
        "reach": entry.reach,
        "engagements": entry.engagements,
        "clicks": 4,
        "conversions": entry.conversions,
        "conversion_value": str(entry.conversion_value),
        "spend": str(entry.spend),
        "created_at": row["created_at"],
    }


def test_campaigns_list_in_order(reader, business):
    CampaignFactory(business=business, name="B")
    CampaignFactory(business=business, name="A")
    names = [
        row["name"]
        for row in reader.get(api(business, "campaigns/"), ordering="name").json()["results"]
    ]
    assert names == ["A", "B"]


# Values a database cannot hold are the list's 400 (or the cursor's 404), never a 500.


@pytest.mark.parametrize(
    "query",
    [
        {"updated_after": "3600-03-22T08:47:47-17:58"},
        {"updated_after": "9999-12-31T23:59:59-12:00"},
        {"updated_after": "0001-01-01T00:00:00+14:00"},
        {"scheduled_before": "1900-01-01T00:00:00Z"},
    ],
)
def test_times_outside_the_plannable_years_are_a_400(reader, business, query):
    response = reader.get(api(business, "smo-tasks/"), **query)
    assert response.status_code == 400
    assert "between" in json.dumps(response.json())


@pytest.mark.parametrize("route", ["smm-tasks/", "results/", "pacing/"])
def test_days_outside_the_plannable_years_are_a_400(reader, business, route):
    name = "flight_from" if route != "results/" else "date_from"
    assert reader.get(api(business, route), **{name: "9999-12-31"}).status_code == 400


def test_a_time_with_an_offset_is_compared_in_utc(reader, business, platform):
    SmoTaskFactory(business=business, platform=platform, title="Now")
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)).astimezone(
        datetime.timezone(datetime.timedelta(hours=-15, minutes=-30))
    )
    rows = reader.get(api(business, "smo-tasks/"), updated_after=later.isoformat()).json()
    assert rows["results"] == []


@pytest.mark.parametrize(
    "position",
    ["abc", "99999999999999999999", "-5x", "a\x00b"],
    ids=["word", "huge", "mixed", "nul"],
)
def test_a_hand_made_cursor_is_a_404(reader, business, position):
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    assert reader.get(api(business, "smo-tasks/"), cursor=cursor).status_code == 404
    title_cursor = reader.get(api(business, "smo-tasks/"), cursor=cursor, ordering="title")
    assert title_cursor.status_code in (200, 404)  # any title is a title, but never a 500


def test_a_made_date_cursor_outside_the_years_is_a_404(reader, business):
    cursor = base64.b64encode(urlencode({"p": "9999-12-31 23:59:59-12:00"}).encode()).decode()
    response = reader.get(api(business, "smo-tasks/"), cursor=cursor, ordering="created_at")
    assert response.status_code == 404


def test_a_lone_surrogate_is_a_400(writer, business):
    response = writer.client.post(
        api(business, "smo-tasks/"),
        b'{"title": "\\ud800"}',
        content_type="application/json",
        headers=writer.headers,
    )
    assert response.status_code == 400


def test_task_lists_page_newest_first_by_id_even_with_equal_times(reader, business, platform):
    made = [SmoTaskFactory(business=business, platform=platform) for _ in range(5)]
    Task.objects.update(created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    seen, url = [], api(business, "smo-tasks/") + "?page_size=2"
    while url:
        page = reader.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
        assert "o%3D" not in (url or "")  # a position alone, no offset among ties
    assert seen == [task.pk for task in reversed(made)]


def test_pacing_pages_in_its_index_s_order(reader, business, platform):
    """Pacing offers no sorting: its order is the view's (the partial index
    task_pace_candidates), not the paginator's fallback."""
    SmmTaskFactory(business=business, platform=platform, status="active")
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(api(business, "pacing/")).status_code == 200
    listing = [q["sql"] for q in queries if 'FROM "planner_task"' in q["sql"]][-1]
    assert 'ORDER BY "planner_task"."created_at" DESC, "planner_task"."id" DESC' in listing
