"""The bulk results upsert: by task id or ad title, idempotent per task and day, all or nothing
with each bad row's errors, rollups and pacing exact."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from planner import rollups
from planner.models import DailyRollup, MonthlyRollup, ResultEntry, Task
from planner.rollups import PACE_FIELDS as PACE
from planner.teamwork.models import Activity
from tests.api_support import ApiClient, api, make_key
from tests.factories import PlatformFactory, ResultEntryFactory, SmmTaskFactory
from tests.test_rollup_deltas import rows

DAY = "2026-11-20"


@pytest.fixture
def writer(business, owner):
    return ApiClient(make_key(business, owner, "write")[1])


def upsert(writer, business, rows):
    return writer.post(api(business, "results/bulk/"), {"rows": rows})


def figures(task, day=DAY):
    return ResultEntry.objects.filter(task=task, date=day).values("clicks", "impressions", "spend")[
        0
    ]


def test_rows_by_id_and_by_ad_title(writer, business, platform, smm_task, smo_task):
    ad = SmmTaskFactory(business=business, platform=platform, title="Holiday  Gift boxes")
    response = upsert(
        writer,
        business,
        [
            {"task": smm_task.pk, "date": DAY, "clicks": 5, "spend": "2.50"},
            {"ad": "holiday gift BOXES", "date": DAY, "impressions": 100},
            {"task": smo_task.pk, "date": DAY, "clicks": 2},
        ],
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 3, "added": 3, "replaced": 0}
    assert figures(ad)["impressions"] == 100
    day = DailyRollup.objects.filter(business=business, date=DAY)
    assert sum(row.clicks for row in day) == 7 and sum(row.spend for row in day) == Decimal("2.50")
    assert Activity.objects.filter(business=business, verb="imported").count() == 1


def test_sending_the_same_rows_twice_is_sending_them_once(writer, business, smm_task):
    rows = [{"task": smm_task.pk, "date": DAY, "clicks": 5, "spend": "2.50"}]
    upsert(writer, business, rows)
    again = upsert(writer, business, rows)
    assert again.json() == {"rows": 1, "added": 0, "replaced": 1}
    assert ResultEntry.objects.filter(task=smm_task).count() == 1
    assert DailyRollup.objects.get(business=business, date=DAY, kind="smm").clicks == 5


def test_a_replaced_day_keeps_the_figures_the_row_leaves_out(writer, business, smm_task):
    ResultEntryFactory(
        task=smm_task,
        date=datetime.date(2026, 11, 20),
        clicks=9,
        impressions=300,
        spend=Decimal("4"),
    )
    upsert(writer, business, [{"task": smm_task.pk, "date": DAY, "clicks": 11}])
    assert figures(smm_task) == {"clicks": 11, "impressions": 300, "spend": Decimal("4.00")}
    rollup = DailyRollup.objects.get(business=business, date=DAY, kind="smm")
    assert (rollup.clicks, rollup.impressions) == (11, 300)


def test_one_bad_row_saves_nothing_and_says_which(writer, business, smm_task, smo_task, platform):
    SmmTaskFactory(business=business, platform=platform, title="Twin")
    SmmTaskFactory(business=business, platform=platform, title="twin")
    response = upsert(
        writer,
        business,
        [
            {"task": smm_task.pk, "date": DAY, "clicks": 5},
            {"task": smm_task.pk, "date": "not a day"},
            {"task": 999_999, "date": DAY},
            {"ad": "Nobody", "date": DAY},
            {"ad": "TWIN", "date": DAY},
            {"task": smo_task.pk, "date": DAY, "spend": 3},
            {"task": smm_task.pk, "date": DAY, "clicks": -1},
            {"task": smm_task.pk, "date": DAY},
            {"date": DAY},
            "not an object",
            {"task": smm_task.pk, "date": "2026-11-21", "clicks": 1, "colour": "red"},
            {"task": smm_task.pk, "date": "2026-11-22", "clicks": 10**13},
            {"task": smm_task.pk, "date": "1900-01-01"},
        ],
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Nothing was saved."
    by_row = {error["row"]: error for error in body["errors"]}
    assert set(by_row) == {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert "date" in by_row[1]
    assert by_row[2]["task"] == ["No such task in this business."]
    assert "No SMM ad campaign" in by_row[3]["ad"][0]
    assert "2 SMM ad campaigns" in by_row[4]["ad"][0]
    assert by_row[5]["spend"] == ["Organic posts have no media spend."]
    assert "clicks" in by_row[6]
    assert by_row[7]["date"] == ["Row 0 has this task and day."]
    assert "task" in by_row[8]
    assert by_row[10]["colour"] == ["Not a field of this resource."]
    assert "clicks" in by_row[11] and "date" in by_row[12]  # the model's validators too
    assert not ResultEntry.objects.exists()
    assert not DailyRollup.objects.filter(clicks__gt=0).exists()


def test_another_business_s_task_is_not_found(writer, business, other_business):
    theirs = SmmTaskFactory(business=other_business, title="Theirs")
    response = upsert(writer, business, [{"task": theirs.pk, "date": DAY, "clicks": 1}])
    assert response.status_code == 400
    response = upsert(writer, business, [{"ad": "Theirs", "date": DAY, "clicks": 1}])
    assert response.status_code == 400
    assert not ResultEntry.objects.exists()


@pytest.mark.parametrize("body", [{}, {"rows": []}, {"rows": "x"}, [1, 2]])
def test_a_body_without_rows_is_refused(writer, business, body):
    response = writer.post(api(business, "results/bulk/"), body)
    assert response.status_code == 400


def test_at_most_ten_thousand_rows(writer, business, smm_task):
    rows = [{"task": smm_task.pk, "date": DAY}] * 10_001
    response = upsert(writer, business, rows)
    assert response.status_code == 400 and "10,000" in str(response.json())


def test_pacing_is_kept_exact(writer, business, platform):
    today = datetime.date.today()
    ad = SmmTaskFactory(
        business=business, platform=platform, status="active", budget_type="lifetime",
        budget_amount=Decimal("100"), flight_start=today - datetime.timedelta(days=9),
        flight_end=today + datetime.timedelta(days=10),
    )  # fmt: skip
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    upsert(writer, business, [{"task": ad.pk, "date": yesterday, "spend": "95"}])
    ad = Task.objects.get(pk=ad.pk)
    assert ad.media_spend == Decimal("95.00") and ad.pace_over_from is not None
    before = (ad.pace_over_from, ad.pace_over_until, ad.pace_under_from)
    rollups.refresh_figures(business.pk)
    ad.refresh_from_db()
    assert (ad.pace_over_from, ad.pace_over_until, ad.pace_under_from) == before


def test_a_viewer_s_session_cannot_upsert(client, business, viewer, smm_task):
    client.force_login(viewer)
    response = ApiClient(client=client).post(
        api(business, "results/bulk/"), {"rows": [{"task": smm_task.pk, "date": DAY}]}
    )
    assert response.status_code == 403 and not ResultEntry.objects.exists()


# The rollups move by deltas: a full re-sum must find what they hold.

figure_values = st.integers(min_value=0, max_value=500)
row_strategy = st.fixed_dictionaries(
    {"task": st.integers(min_value=0, max_value=3), "day": st.integers(min_value=9, max_value=14)},
    optional={
        "clicks": figure_values,
        "impressions": figure_values,
        "spend": st.decimals(min_value=0, max_value=90, places=2),
    },
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(requests=st.lists(st.lists(row_strategy, min_size=1, max_size=6), min_size=1, max_size=3))
def test_upserts_leave_what_a_full_re_sum_gives(writer, business, platform, campaign, requests):
    ResultEntry.objects.filter(business=business).delete()
    rollups.refresh(business.pk)
    other = PlatformFactory(business=business, kind="linkedin", handle=f"h{len(requests)}")
    start = datetime.date(2026, 10, 20)  # the days run into November: two months
    tasks = [
        SmmTaskFactory(business=business, platform=platform, campaign=campaign, status="active",
                       budget_amount=Decimal("100"), budget_type="lifetime", flight_start=start,
                       flight_end=start + datetime.timedelta(days=60)),
        SmmTaskFactory(business=business, platform=other, campaign=None),
        SmmTaskFactory(business=business, platform=other, campaign=campaign),
    ]  # fmt: skip
    post = Task.objects.create(
        business=business, kind="smo", platform=platform, title="Post", status="draft",
        work_date=start,
    )  # fmt: skip
    for request in requests:
        body = []
        seen = set()
        for row in request:
            task = (tasks + [post])[row["task"]]
            if (task.pk, row["day"]) in seen:
                continue
            seen.add((task.pk, row["day"]))
            figures = {k: v for k, v in row.items() if k not in ("task", "day")}
            if task.kind == "smo":
                figures.pop("spend", None)
            if figures.get("impressions"):  # a click needs an impression (entry_rules)
                figures["impressions"] = max(figures["impressions"], figures.get("clicks", 0))
            date = (start + datetime.timedelta(days=row["day"])).isoformat()
            body.append({"task": task.pk, "date": date, **{k: str(v) for k, v in figures.items()}})
        assert upsert(writer, business, body).status_code == 200
    by_deltas, months = rows(business), rows(business, MonthlyRollup)
    pacing = list(Task.objects.filter(business=business).order_by("pk").values_list(*PACE))
    assert months == rows(business, by_month=True)
    rollups.refresh(business.pk)
    rollups.refresh_figures(business.pk)
    assert rows(business) == by_deltas and rows(business, MonthlyRollup) == months
    assert list(Task.objects.filter(business=business).order_by("pk").values_list(*PACE)) == pacing
    Task.objects.filter(pk__in=[t.pk for t in tasks] + [post.pk]).delete()
    other.delete()
