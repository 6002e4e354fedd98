"""Time every page a member can open, at several sizes of the business (`make bench-pages`).

    manage.py bench_pages --sizes 1000 100000 [--million] [--repeat 15] [--only calendar]

The pages come from the URLconf, as the access walk finds them (tests/test_access.py), so a page
added tomorrow is timed tomorrow: every GET under /b/<id>/ that answers 200 to the business's
owner, with ids of real rows of the business, plus a few filtered views that the issue names
(the month and week calendar, the "off pace" SMM list, a text search, the dashboard's year, a
deep page of the SMO list), /healthz, and the member list as the logged-in floor (a page that
reads nothing that grows). One page at a time through Django's whole stack in this process, a
logged-in session, no cache. For each: median, p95, queries, SQL time, response size, its ratio
to the floor, and its growth from the smallest size.

A page answering something else than 200 (POST-only views answer 405) is listed as skipped with
its status, so nothing is left out silently.
"""

import datetime
import json
import statistics
import time
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from planner import calendar_feed, list_sorts, services
from planner.compose.models import PostGroup, PostingSlot, PostSeries, Snippet
from planner.insights.models import Goal, Scenario
from planner.jobs.models import Job, JobKind, JobStatus
from planner.lists import matching
from planner.management.commands.bench_dashboard import _machine, _percentile, benchmark_business
from planner.models import (
    Business,
    Campaign,
    Kind,
    Membership,
    Platform,
    ResultEntry,
    Task,
    TimeEntry,
)
from planner.reports.models import ReportSchedule

FLOOR = "member_list"
SAVE = "task save (an ad)"
BULK = "api-results-bulk, 10,000 rows"
GRID = "results grid save, 90 days"
BULK_CHANGES = {  # a bulk action on every match of a list's filters, as a set
    "bulk status change, 10,000 posts": ("status", ["idea", "draft"]),
    "bulk shift by a day, 10,000 posts": ("shift", [1, -1]),
}
FEED_CHANGED = "iCal feed, after an edit"
MAX_SECONDS_PER_PAGE = 20  # fewer samples (at least MIN_SAMPLES) of a slow page
MIN_SAMPLES = 3


class Command(BaseCommand):
    help = "Time every page at several business sizes (see docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
        parser.add_argument("--million", action="store_true", help="Add 1,000,000 tasks.")
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument(
            "--only",
            default="",
            help="Only pages whose label contains this (several: separated by commas).",
        )
        parser.add_argument("--json", help="Also write the results to this file.")

    def handle(self, *args, sizes, million, repeat, only, json=None, **options):
        settings.DEBUG = False  # no query log of its own: CaptureQueriesContext counts
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        # One user times every route hundreds of times a minute: past the API's rate per caller
        # every answer would be a 429, which measures the throttle, not the route.
        settings.API_RATE_LIMIT = "1000000/minute"
        sizes = sorted({*sizes, *([1_000_000] if million else [])})
        results = {}
        for size in sizes:
            business = benchmark_business(size, self.stdout.write)
            results[size] = self._measure(business, repeat, only)
        self._print(results, sizes)
        if json:
            with open(json, "w") as handle:
                _dump(
                    {"database": connection.vendor, "machine": _machine(), "results": results},
                    handle,
                )

    def _measure(self, business, repeat, only):
        owner = Membership.objects.filter(business=business, role="owner").first().user
        client = Client()
        client.force_login(owner)
        wanted = [part for part in only.split(",") if part]

        def chosen(label):
            return not wanted or any(part in label for part in wanted)

        rows = {}
        for label, path, params in pages(business, owner):
            if not chosen(label) and label != FLOOR:
                continue
            rows[label] = time_page(client, path, params, repeat)
        if chosen(SAVE):
            rows[SAVE] = time_save(business, repeat)
        if chosen(FEED_CHANGED):
            rows[FEED_CHANGED] = time_feed_after_edit(client, business, repeat)
        if chosen(BULK):
            rows[BULK] = time_bulk(client, business)
        if chosen(GRID):
            rows[GRID] = time_grid(client, business, repeat)
        for label, (action, values) in BULK_CHANGES.items():
            if chosen(label):
                rows[label] = time_bulk_change(business, owner, action, values)
        return rows

    def _print(self, results, sizes):
        self.stdout.write(f"\ndatabase: {connection.vendor}; machine: {_machine()}")
        header = f"{'page':<34}" + "".join(f"{size:>12,}" for size in sizes)
        self.stdout.write("median ms (x floor) per size, then queries, SQL ms, KB and growth")
        self.stdout.write(header)
        smallest = sizes[0]
        for label in results[smallest]:
            cells = []
            for size in sizes:
                row = results[size].get(label, {})
                floor = results[size][FLOOR].get("median_ms")
                if "median_ms" not in row:
                    cells.append(f"{row.get('skipped', '-'):>12}")
                    continue
                cells.append(f"{row['median_ms']:>7.0f} ({row['median_ms'] / floor:>3.0f}x)")
            self.stdout.write(f"{label:<34}" + "".join(f"{c:>12}" for c in cells))
        self.stdout.write("")
        largest = sizes[-1]
        for label, row in results[largest].items():
            if "median_ms" not in row:
                continue
            base = results[smallest].get(label, {}).get("median_ms")
            growth = f"{row['median_ms'] / base:.2f}x of {smallest:,}" if base else ""
            self.stdout.write(
                f"{label:<34} at {largest:,}: p95 {row['p95_ms']:.0f} ms, {row['queries']} "
                f"queries, SQL {row['sql_ms']:.0f} ms, {row['kb']:,.0f} KB; {growth}"
            )


def pages(business, owner):
    """(label, path, params) of every page to time: the URLconf's, and the named variants."""
    examples = _examples(business, owner)
    found = []
    for name, parameters in _business_url_names():
        args = [business.pk]
        for parameter in parameters:
            value = examples.get((name, parameter)) or examples.get(parameter)
            if value is None:
                break
            args.append(value)
        else:
            if name == "api-results-bulk":  # a POST: timed with its 10,000 rows (BULK)
                found.append((name, None, {"skipped": "POST only"}))
                continue
            found.append((name, reverse(name, args=args), {}))
            continue
        found.append((name, None, {"skipped": "no row"}))
    dashboard = reverse("dashboard", args=[business.pk])
    calendar = reverse("calendar", args=[business.pk])
    smo, smm = reverse("smo_list", args=[business.pk]), reverse("smm_list", args=[business.pk])
    link = _review_link(business, owner)
    found += [
        ("dashboard, this year", dashboard, {"period": "year"}),
        ("calendar, week", calendar, {"view": "week"}),
        ("next free slot", reverse("next_slot", args=[business.pk]), _slot_platform(business)),
        ("portfolio, 50 businesses", _portfolio(owner), {}),
        ("best free time", reverse("best_time", args=[business.pk]), _slot_platform(business)),
        ("SMM list, off pace", smm, {"pace": "off"}),
        ("SMO list, text search", smo, {"q": "launch"}),
        ("SMO list, page 500", smo, {"page": "500"}),
        # Every sort of each list, both ways (planner/list_sorts.py), and a filtered one.
        *(
            (f"{label} list, sort {sign}{key}", path, {"sort": f"{sign}{key}"})
            for label, path, kind in (("SMO", smo, Kind.SMO), ("SMM", smm, Kind.SMM))
            for key in list_sorts.SORTS[kind]
            for sign in ("", "-")
        ),
        ("SMM list, off pace, sort -spend", smm, {"pace": "off", "sort": "-spend"}),
        ("SMM list, active, sort cpc", smm, {"status": "active", "sort": "cpc"}),
        ("SMM list, a saved view", smm, _saved_view(business, owner)),
        ("iCal feed", reverse("ical_feed", args=[business.ical_token]), {}),
        ("invitations waiting", reverse("invitations_waiting"), {}),
        ("notification inbox", reverse("notification_inbox"), {}),
        ("client review link", link, {} if link else {"skipped": "no row"}),
        ("api-businesses", reverse("api-businesses"), {}),
        *_api_deep_pages(business),
        ("healthz", reverse("healthz"), {}),
    ]
    return found


def _api_deep_pages(business):
    """The API's task lists at a cursor half-way down (as following `next` reaches it): the
    cursor is a WHERE on the sort column, so it should cost what page 1 does."""
    import base64
    from urllib.parse import urlencode

    found = []
    for kind, name in ((Kind.SMO, "api-smo-task-list"), (Kind.SMM, "api-smm-task-list")):
        tasks = Task.objects.for_business(business).filter(kind=kind).order_by("-id")
        middle = tasks.values_list("id", flat=True)[tasks.count() // 2 : tasks.count() // 2 + 1]
        params = {"skipped": "no row"}
        if middle:
            token = urlencode({"p": str(middle[0])}).encode("ascii")
            params = {"cursor": base64.b64encode(token).decode("ascii")}
        found.append((f"{name}, half-way", reverse(name, args=[business.pk]), params))
    return found


def _saved_view(business, owner):
    """The query of an owner's saved view of the ad list (made for the run, as they would)."""
    from django.http import QueryDict

    from planner.lists.models import SavedView

    view, _new = SavedView.objects.get_or_create(
        business=business, user=owner, kind=Kind.SMM, name="Active ads by spend",
        defaults={"query": "status=active&sort=-spend"},
    )  # fmt: skip
    return QueryDict(view.query).dict()


def _post_group(business, owner):
    """A post composed for every platform: the business's first, else one made for the run
    from the newest post of each platform (only the group is new: the posts are as seeded)."""
    group = PostGroup.objects.for_business(business).order_by("pk").first()
    if group is not None:
        return group
    newest = [
        Task.objects.for_business(business).filter(kind=Kind.SMO, platform=platform).first()
        for platform in Platform.objects.for_business(business)
    ]
    newest = [task.pk for task in newest if task is not None]
    if not newest:
        return None
    group = PostGroup.objects.create(business=business, created_by=owner)
    Task.objects.filter(pk__in=newest).update(post_group=group)
    return group


def _schedule(business):
    return ReportSchedule.objects.for_business(business).first() or ReportSchedule.objects.create(
        business=business, name="Benchmark", frequency="weekly", recipients="a@example.com"
    )


def _portfolio(owner):
    """The portfolio's address, after giving the owner 50 businesses in all if they have
    fewer (the benchmark's seeded ones, and small ones with a day's figures each)."""
    have = Membership.objects.filter(user=owner).count()
    for n in range(have, PORTFOLIO_BUSINESSES):
        shop = Business.objects.create(
            name=f"Portfolio shop {n:02}",
            website_url="https://shop.example",
            time_zone=("Europe/Berlin", "America/New_York", "Asia/Tokyo")[n % 3],
        )
        Membership.objects.create(business=shop, user=owner, role="owner")
        platform = Platform.objects.create(business=shop, kind="facebook", handle=f"shop{n}")
        ad = services.task_save(
            Task(business=shop, kind=Kind.SMM, platform=platform, title="Ad", status="draft")
        )
        services.entry_save(ResultEntry(task=ad, date=datetime.date.today(), clicks=5))
    return reverse("portfolio")


PORTFOLIO_BUSINESSES = 50


def _slot_platform(business):
    """?platform= of the first platform, after giving each platform of the business three
    posting slots a day if it has none (so the calendar shows free slots, as a team's would)."""
    platforms = list(Platform.objects.for_business(business).order_by("pk"))
    if not PostingSlot.objects.for_business(business).exists():
        PostingSlot.objects.bulk_create(
            PostingSlot(business=business, platform=platform, weekday=day, at=datetime.time(hour))
            for platform in platforms
            for day in range(7)
            for hour in (9, 13, 18)
        )
    return {"platform": str(platforms[0].pk)} if platforms else {"skipped": "no row"}


def _series_post(business):
    """The id of a post of a recurring series: the business's first, else the newest post
    made one for the run (only the series is new)."""
    post = Task.objects.for_business(business).filter(series__isnull=False).first()
    if post is None:
        post = Task.objects.for_business(business).filter(kind=Kind.SMO).first()
        if post is None:
            return None
        series = PostSeries.objects.create(business=business, unit="week", count=1)
        Task.objects.filter(pk=post.pk).update(series=series)
    return post.pk


def _review_link(business, owner):
    """A client's review link to the biggest campaign (made for the run, as an owner would)."""
    from planner.teamwork import links

    campaign = (
        Campaign.objects.for_business(business)
        .annotate(task_count=Count("tasks"))
        .order_by("-task_count")
        .first()
    )
    if campaign is None:
        return None
    _link, token = links.create(business, owner, label="Benchmark", campaign=campaign)
    return reverse("review_link_page", args=[token])


def _business_url_names():
    """(name, its parameters after the business id) of every URL under /b/<id>/ and of the
    API's routes under /api/v1/businesses/<id>/ (regular expressions: their named groups)."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and "business_id" in str(entry.pattern):
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.name:
                    parameters = list(pattern.pattern.converters) or list(
                        pattern.pattern.regex.groupindex
                    )
                    yield pattern.name, parameters


def _examples(business, owner):
    """Ids of real rows for the URLs' parameters: the biggest campaign, a task of each kind
    (the SMM task with the most results), and so on."""
    campaign = (
        Campaign.objects.for_business(business)
        .annotate(task_count=Count("tasks"))
        .order_by("-task_count")
        .first()
    )
    smo = Task.objects.for_business(business).filter(kind=Kind.SMO).order_by("pk").first()
    smm = (
        Task.objects.for_business(business)
        .filter(kind=Kind.SMM)
        .annotate(days=Count("results"))
        .order_by("-days")
        .first()
    )
    job = Job.objects.filter(business=business).order_by("-pk").first() or Job.objects.create(
        business=business,
        started_by=owner,
        kind=JobKind.REPORT_IMPORT,
        label="Benchmark job",
        status=JobStatus.SUCCEEDED,
    )
    time_entry = TimeEntry.objects.for_business(business).filter(task=smo).first()
    result = ResultEntry.objects.for_business(business).filter(task=smm).first()
    membership = Membership.objects.filter(business=business).exclude(user=owner).first()
    platform = Platform.objects.for_business(business).order_by("pk").first()
    snippet = Snippet.objects.for_business(business).first() or Snippet.objects.create(
        business=business, kind="hashtags", name="Benchmark tags", text="#coffee #beans"
    )
    group = _post_group(business, owner)
    goal = Goal.objects.for_business(business).filter(campaign=None).first() or Goal.objects.create(
        business=business,
        start_date=datetime.date.today().replace(day=1),
        end_date=datetime.date.today(),
        target_clicks=1000,
    )
    scenario = Scenario.objects.for_business(business).first() or Scenario.objects.create(
        business=business,
        name="Benchmark scenario",
        baseline_end=datetime.date.today(),
        baseline_weeks=13,
        inputs={},
    )
    task_for = {"smo": smo, "smm": smm}
    examples = {
        "pk": None,
        ("campaign_detail", "pk"): campaign and campaign.pk,
        ("campaign_edit", "pk"): campaign and campaign.pk,
        ("campaign_delete", "pk"): campaign and campaign.pk,
        ("platform_edit", "pk"): platform and platform.pk,
        ("platform_delete", "pk"): platform and platform.pk,
        ("member_edit", "pk"): membership and membership.pk,
        ("member_remove", "pk"): membership and membership.pk,
        ("job_detail", "pk"): job.pk,
        ("job_progress", "pk"): job.pk,
        ("time_entry_delete", "pk"): smo and smo.pk,
        ("time_entry_delete", "entry_pk"): time_entry and time_entry.pk,
        ("result_delete", "pk"): smm and smm.pk,
        ("result_delete", "entry_pk"): result and result.pk,
        ("task_image", "pk"): smo and smo.pk,
        ("time_entry_create", "pk"): smo and smo.pk,
        ("result_create", "pk"): smm and smm.pk,
        ("results_grid", "pk"): smm and smm.pk,
        ("task_activity", "pk"): smo and smo.pk,
        ("snippet_edit", "pk"): snippet and snippet.pk,
        ("snippet_delete", "pk"): snippet and snippet.pk,
        ("post_group_detail", "pk"): group and group.pk,
        ("post_group_edit", "pk"): group and group.pk,
        ("series_skip", "pk"): _series_post(business),
        ("campaign_goal", "pk"): campaign and campaign.pk,
        ("goal_edit", "pk"): goal.pk,
        ("goal_delete", "pk"): goal.pk,
        **{(f"scenario_{view}", "pk"): scenario.pk for view in ("detail", "apply", "delete")},
        ("report_link_revoke", "pk"): None,  # POST only
        ("report_schedule_delete", "pk"): _schedule(business).pk,
    }
    for kind, task in task_for.items():
        for view in ("detail", "edit", "delete"):
            examples[(f"{kind}_{view}", "pk")] = task and task.pk
    # The API's rows: the same ones.
    examples |= {
        ("api-platform-detail", "pk"): platform and platform.pk,
        ("api-campaign-detail", "pk"): campaign and campaign.pk,
        ("api-smo-task-detail", "pk"): smo and smo.pk,
        ("api-smm-task-detail", "pk"): smm and smm.pk,
        ("api-time-entry-detail", "pk"): time_entry and time_entry.pk,
        ("api-result-detail", "pk"): result and result.pk,
        ("api-member-detail", "pk"): membership and membership.pk,
    }
    return examples


def time_page(client, path, params, repeat):
    if path is None:
        return params
    first = client.get(path, params)  # warm: templates, connections, the database's caches
    if first.status_code != 200:
        return {"skipped": str(first.status_code)}
    _body(first)
    timings, started = [], time.perf_counter()
    for _ in range(repeat):
        began = time.perf_counter()
        _body(client.get(path, params))
        timings.append((time.perf_counter() - began) * 1000)
        if len(timings) >= MIN_SAMPLES and time.perf_counter() - started > MAX_SECONDS_PER_PAGE:
            break
    with CaptureQueriesContext(connection) as captured:
        size = len(_body(client.get(path, params)))
    return _stats(timings, captured, size)


def _stats(timings, captured, size):
    """Median and p95 of `timings` (ms), with the queries and SQL time of one more run."""
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 95),
        "samples": len(timings),
        "queries": len(captured),
        "sql_ms": sum(float(query["time"]) for query in captured) * 1000,
        "kb": size / 1024,
    }


def time_save(business, repeat):
    """The hidden cost of a write: an ad's edit saved through services.task_save (its version
    check, tallies, calendar days, pacing and the rollups of its days), one commit each."""
    ad = (
        Task.objects.filter(business=business, kind=Kind.SMM, flight_end__isnull=False)
        .order_by("-pk")
        .first()
    )
    timings = []
    for n in range(repeat + 1):
        task = Task.objects.select_related("business").get(pk=ad.pk)
        task.title = f"{ad.title[:180]} ({n})"
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            services.task_save(task, task.version)
            timings.append((time.perf_counter() - began) * 1000)
    return _stats(timings[1:], captured, 0)  # the first warms the caches


def time_bulk(client, business, rows_wanted=10_000, repeat=3):
    """The API's bulk results upsert (POST /api/v1/…/results/bulk/) of 10,000 rows: the
    business's first ads × the last days, each row with every figure. The first request adds
    the days, the next replace them (the idempotent resend of a script that runs again)."""
    ads = list(
        Task.objects.filter(business=business, kind=Kind.SMM)
        .order_by("pk")
        .values_list("pk", flat=True)[:rows_wanted]
    )
    if not ads:
        return {"skipped": "no row"}
    days = -(-rows_wanted // len(ads))  # enough days for the rows
    today = timezone.now().date()
    rows = [
        {
            "task": ad,
            "date": (today - datetime.timedelta(days=back)).isoformat(),
            "impressions": 1000 + back,
            "clicks": 10 + back,
            "conversions": 1,
            "spend": "1.25",
        }
        for back in range(1, days + 1)
        for ad in ads
    ][:rows_wanted]
    body = json.dumps({"rows": rows})
    path = reverse("api-results-bulk", args=[business.pk])
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.post(path, body, content_type="application/json")
            timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            return {"skipped": str(response.status_code)}
    return {**_stats(timings, captured, len(body)), "rows": len(rows)}


def time_grid(client, business, repeat, days=90):
    """The results grid of the newest ad saved with 90 days of figures: the first save adds
    the days, the next change them (each run different numbers, so every row is written)."""
    ad = Task.objects.filter(business=business, kind=Kind.SMM).order_by("-pk").first()
    if ad is None:
        return {"skipped": "no row"}
    start = timezone.now().date() - datetime.timedelta(days=days)
    path = reverse("results_grid", args=[business.pk, ad.pk]) + f"?start={start}&days={days}"
    timings = []
    for run in range(max(repeat // 3, 3)):
        data = {}
        for n in range(days):
            day = start + datetime.timedelta(days=n)
            data |= {f"{day}-impressions": str(1000 + n + run), f"{day}-clicks": str(10 + n),
                     f"{day}-spend": f"{5 + run}.25"}  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.post(path, data)
            timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 302:
            return {"skipped": str(response.status_code)}
    return {**_stats(timings, captured, 0), "rows": days}


def time_bulk_change(business, owner, action, values, count=10_000, repeat=4):
    """planner/lists/matching.change_matching on the newest 10,000 drafts with a publish time
    (what "all that match the filters" runs once the view has their ids), back and forth
    between two values so that every run changes every task, ending as it began."""
    ids = list(
        Task.objects.filter(business=business, kind=Kind.SMO, status="draft",
                            scheduled_at__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)[:count]
    )  # fmt: skip
    if len(ids) < count:
        return {"skipped": f"fewer than {count:,} drafts"}
    timings = []
    for run in range(repeat):
        business = type(business).objects.get(pk=business.pk)
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            outcome = matching.change_matching(business, owner, ids, action, values[run % 2])
            timings.append((time.perf_counter() - began) * 1000)
        if outcome.changed != count:
            return {"skipped": f"changed {outcome.changed}, refused {outcome.refused}"}
    return {**_stats(timings, captured, 0), "rows": count}


def time_feed_after_edit(client, business, repeat):
    """The feed built anew: before each fetch one of its tasks is saved through the services
    (its edit time moves, the remembered ETag is forgotten), so the kept body no longer
    matches: what the first poll after a change costs."""
    path = reverse("ical_feed", args=[business.ical_token])
    tz = zoneinfo.ZoneInfo(business.time_zone)
    today = timezone.now().astimezone(tz).date()
    start, end = calendar_feed.feed_window(today)
    selection = calendar_feed.feed_selection(business, start, today, end, tz)
    task = Task.objects.filter(pk__in=RawSQL(*selection.ids_sql())).order_by("pk").first()
    if task is None:
        return {"skipped": "an empty feed"}
    timings = []
    for _ in range(repeat + 1):
        services.task_save(Task.objects.select_related("business").get(pk=task.pk))
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            size = len(_body(client.get(path)))
            timings.append((time.perf_counter() - began) * 1000)
    return _stats(timings[1:], captured, size)  # the first warms the caches


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _dump(data, handle):
    json.dump(data, handle, indent=2, default=str)
