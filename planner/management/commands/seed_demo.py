"""Seed a realistic demo business, deterministically, with bulk inserts.

manage.py seed_demo                 # the demo: ~60 tasks, results over the last two months
manage.py seed_demo --tasks 100000  # a large business for benchmarks
manage.py seed_demo --if-empty      # do nothing when a business exists (used by `make run`)
"""

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from planner import entry_rules, rollups, services
from planner.compose.models import Snippet
from planner.insights import history
from planner.insights.models import Goal, Scenario
from planner.insights.whatif_forms import DEFAULT_WEEKS
from planner.models import (
    BidModel,
    BudgetType,
    Business,
    Campaign,
    Kind,
    Membership,
    Objective,
    Platform,
    PlatformKind,
    ResultEntry,
    Role,
    SmmStatus,
    SmoStatus,
    Task,
    TimeEntry,
)
from planner.teamwork.review import ApprovalMode, ReviewState

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = (("demo", Role.OWNER), ("demo-editor", Role.EDITOR), ("demo-viewer", Role.VIEWER))
BATCH = 5000
CENT = Decimal("0.01")
ZERO = Decimal("0")
TOPICS = (
    "New single-origin espresso",
    "Behind the roastery door",
    "Brewing guide: pour-over",
    "Meet our green-coffee buyer",
    "Weekend cupping session",
    "Customer story: Café Lumen",
    "Sustainability report",
    "Holiday gift boxes",
    "Barista tips for home",
    "Subscription launch",
)
AUDIENCES = (
    ("Café owners, Restaurant managers", "Specialty coffee, Hospitality", "Germany, Austria"),
    ("Journalists, Food editors", "Food media, Coffee", "Europe"),
    ("Entrepreneurs, Office managers", "Office perks, Small business", "Berlin, Munich"),
)


class Command(BaseCommand):
    help = "Seed a demo business with platforms, campaigns, SMO/SMM tasks, time and results."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=60, help="How many tasks (default 60).")
        parser.add_argument("--days", type=int, default=60, help="History length in days.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument("--name", default="Northwind Coffee Roasters")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any business exists."
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Business.objects.exists():
            self.stdout.write("Data already present; nothing seeded.")
            return
        started = time.perf_counter()
        with transaction.atomic():
            _business, counts = seed(
                options["name"], options["tasks"], options["days"], options["seed"]
            )
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded {summary} in {elapsed:.1f}s."))
        self.stdout.write(f"Log in as demo / {DEMO_PASSWORD} (also demo-editor, demo-viewer).")


TIME_COLUMNS = ("business_id", "task_id", "user_id", "date", "hours", "note")
RESULT_COLUMNS = (
    "business_id",
    "task_id",
    "date",
    "impressions",
    "reach",
    "engagements",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
)


def _reserve_ids(model, count):
    """`count` ids for new rows of `model`, taken from its sequence so nothing else gets them."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{model._meta.db_table}', 'id')) "
                "FROM generate_series(1, %s)",
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: one writer at a time, and the seed runs in one transaction.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _task_columns():
    """Every column a task row is written with (not the generated search text), and the
    value of each for a task that does not set it: the model's default."""
    fields = [
        f
        for f in Task._meta.concrete_fields
        if not f.generated and f.name not in ("id", "business", "created_at", "updated_at")
    ]
    return fields, {f.attname: f.get_default() for f in fields}


TASK_FIELDS, TASK_BLANKS = _task_columns()


class _RowWriter:
    """Rows of tasks, time and results, written a batch at a time: COPY on PostgreSQL, one
    executemany INSERT elsewhere. Values go through each field's own conversion (dates,
    datetimes and decimals as the database keeps them)."""

    def __init__(self, business_id, now):
        self.business_id = business_id
        self.now = now
        self.task_rows, self.time_rows, self.result_rows = [], [], []
        self.day_hours = {}  # (user, day) -> hours written, for _a_day_with_room

    def task(self, task_id, fields):
        values = TASK_BLANKS | fields
        self.task_rows.append(
            (
                task_id,
                self.business_id,
                self.now,
                self.now,
                *(values[f.attname] for f in TASK_FIELDS),
            )
        )
        if len(self.task_rows) >= BATCH:
            self.flush()

    def _a_day_with_room(self, row):
        """The row moved back to the latest day (up to two weeks earlier) on which its person
        stays within a normal day, so that the demo has no 28-hour day (entry_rules warns past
        12 hours); a busy benchmark business keeps the rest where they were."""
        business_id, task_id, user_id, day, hours, note = row
        for back in range(15):
            moved = day - timedelta(days=back)
            logged = self.day_hours.get((user_id, moved), 0)
            if logged + hours <= entry_rules.LONG_DAY_HOURS:
                break
        else:
            moved = day
        self.day_hours[(user_id, moved)] = self.day_hours.get((user_id, moved), 0) + hours
        return (business_id, task_id, user_id, moved, hours, note)

    def flush(self):
        columns = ("id", "business_id", "created_at", "updated_at")
        _write(Task, (*columns, *(f.column for f in TASK_FIELDS)), self.task_rows)
        stamp = (self.now,)
        time_rows = [self._a_day_with_room(row) for row in self.time_rows]
        _write(TimeEntry, (*TIME_COLUMNS, "created_at"), [r + stamp for r in time_rows])
        _write(ResultEntry, (*RESULT_COLUMNS, "created_at"), [r + stamp for r in self.result_rows])
        self.task_rows, self.time_rows, self.result_rows = [], [], []


def _write(model, columns, rows):
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        fields = {f.column: f for f in model._meta.concrete_fields}
        prepared = [
            tuple(
                fields[c].get_db_prep_save(v, connection) for c, v in zip(columns, row, strict=True)
            )
            for row in rows
        ]
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)


# The composer's templates and hashtag groups (planner/compose).
DEMO_SNIPPETS = [
    ("template", "Roast of the week",
     "This week's roast: {beans}, roasted on Friday in Berlin. Tasting notes: {notes}."),
    ("template", "Café partner spotlight",
     "Meet {café}, serving Northwind coffee since {year}. Drop by and say hello!"),
    ("hashtags", "Coffee lovers", "#coffee #specialtycoffee #berlin"),
    ("hashtags", "B2B", "#b2b #cafe #wholesale"),
]  # fmt: skip


def _users():
    User = get_user_model()
    users = []
    for username, _role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        # The demo accounts' addresses count as verified, so they can log in at once.
        EmailAddress.objects.update_or_create(
            user=user,
            email=user.email.lower(),
            defaults={"verified": True, "primary": True},
        )
        users.append(user)
    return users


def _money(rng, low, high):
    return Decimal(rng.uniform(low, high)).quantize(CENT)


def _quarter_hours(rng, low, high):
    return Decimal(rng.randint(int(low * 4), int(high * 4))) / 4


# Drafts in each review state, asked for by the demo editor (so "waiting for me" has work for
# the demo owner).
DRAFT_REVIEW_STATES = (ReviewState.IN_REVIEW, ReviewState.APPROVED, ReviewState.CHANGES, None)


def _review_fields(index, status, editor_id):
    state = DRAFT_REVIEW_STATES[index % len(DRAFT_REVIEW_STATES)] if status == "draft" else None
    if state is None:
        return {}
    return {"review_state": state, "review_requested_by_id": editor_id}


def seed(name, task_count, days, seed_value):
    rng = random.Random(seed_value)
    tz = ZoneInfo("Europe/Berlin")
    today = datetime.now(tz).date()
    first_day = today - timedelta(days=days - 1)
    users = _users()

    business = Business.objects.create(
        name=name,
        website_url="https://northwind-coffee.example",
        currency="EUR",
        time_zone="Europe/Berlin",
        hourly_rate=Decimal("45.00"),
        approval_mode=ApprovalMode.OPTIONAL,  # so the demo shows review at work
    )
    Membership.objects.bulk_create(
        Membership(business=business, user=user, role=role)
        for user, (_name, role) in zip(users, DEMO_USERS, strict=True)
    )
    platforms = Platform.objects.bulk_create(
        [
            Platform(
                business=business,
                kind=PlatformKind.FACEBOOK,
                handle="northwindcoffee",
                profile_url="https://facebook.com/northwindcoffee",
                has_bio=True,
                has_logo=True,
                has_cover=True,
                has_website_link=True,
            ),
            Platform(
                business=business,
                kind=PlatformKind.X,
                handle="northwind_coffee",
                profile_url="https://x.com/northwind_coffee",
                has_bio=True,
                has_logo=True,
            ),
            Platform(
                business=business,
                kind=PlatformKind.INSTAGRAM,
                handle="northwind.coffee",
                profile_url="https://instagram.com/northwind.coffee",
                has_bio=True,
                has_logo=True,
                has_website_link=True,
            ),
            Platform(
                business=business,
                kind=PlatformKind.LINKEDIN,
                handle="northwind-coffee",
                profile_url="https://linkedin.com/company/northwind-coffee",
                has_logo=True,
            ),
        ]
    )
    Snippet.objects.bulk_create(
        Snippet(business=business, kind=kind, name=snippet_name, text=text)
        for kind, snippet_name, text in DEMO_SNIPPETS
    )
    campaigns = Campaign.objects.bulk_create(
        [
            Campaign(
                business=business,
                name="Autumn espresso launch",
                slug="autumn-espresso-launch",
                objective="Sell the new espresso blend to cafés",
                start_date=first_day,
                end_date=first_day + timedelta(days=34),
                budget=Decimal("3000.00"),
            ),
            Campaign(
                business=business,
                name="B2B office coffee",
                slug="b2b-office-coffee",
                objective="Leads from office managers",
                start_date=first_day + timedelta(days=20),
                end_date=today + timedelta(days=20),
                budget=Decimal("4500.00"),
            ),
            Campaign(
                business=business,
                name="Holiday gift boxes",
                slug="holiday-gift-boxes",
                objective="Online sales of gift boxes",
                start_date=today - timedelta(days=10),
                end_date=today + timedelta(days=40),
                budget=Decimal("2500.00"),
            ),
        ]
    )

    # Tasks, time and results go in as plain rows (COPY on PostgreSQL), each task's history
    # generated with it, so its pacing is known before its row is written: building a model
    # instance per row and bulk_update afterwards made a million tasks take most of an hour.
    user_ids = [u.pk for u in users]
    composed = COMPOSED_POSTS if task_count >= 20 else 0  # part of the count asked for
    ids = _reserve_ids(Task, task_count - composed)
    now = timezone.now()
    writer = _RowWriter(business.pk, now)
    for index, task_id in enumerate(ids):
        kind = Kind.SMM if index % 5 == 4 else Kind.SMO  # one in five is paid
        platform = platforms[rng.randrange(len(platforms))]
        campaign = campaigns[rng.randrange(len(campaigns))] if rng.random() < 0.8 else None
        topic = TOPICS[index % len(TOPICS)]
        fields = {
            "kind": kind,
            "platform_id": platform.pk,
            "campaign_id": campaign.pk if campaign else None,
            "assignee_id": user_ids[rng.randrange(2)],
            "estimated_hours": _quarter_hours(rng, 0.5, 6 if kind == Kind.SMO else 12),
        }
        if kind == Kind.SMO:
            fields.update(_smo_fields(rng, index, topic, platform, today, days, tz))
        else:
            fields.update(_smm_fields(rng, index, topic, today, days))
        fields.update(_review_fields(index, fields["status"], user_ids[1]))
        task = SimpleNamespace(
            pk=task_id, business_id=business.pk, created_at=now, **TASK_BLANKS | fields
        )
        fields["work_date"] = services.work_date(task, business.time_zone)
        first_result = len(writer.result_rows)
        _task_history(rng, task, user_ids, first_day, today, writer.time_rows, writer.result_rows)
        sums = rollups.no_figures()
        for row in writer.result_rows[first_result:]:
            for name, value in zip(RESULT_COLUMNS[3:], row[3:], strict=True):
                sums[name] += value
        fields.update(rollups.figure_values(task, sums))
        writer.task(task_id, fields)
    writer.flush()
    tasks = ids
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner treats a million new rows as a handful.
        with connection.cursor() as cursor:
            for model in (Task, TimeEntry, ResultEntry):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    rollups.refresh(business.pk)
    rollups.refresh_tallies(business.pk)  # and the calendar's (pacing was set row by row)
    if composed:
        _composed_posts(business, platforms, users[0], today, tz)
    _goals(business, campaigns, today)
    _scenario(business, users[0], today)
    return business, {
        "tasks": len(tasks) + composed,
        "time entries": TimeEntry.objects.filter(business=business).count(),
        "result entries": ResultEntry.objects.filter(business=business).count(),
    }


def _goals(business, campaigns, today):
    """A goal for this month and one on the running gift-box campaign, so that the dashboard
    and the campaign's page show goals at work."""
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    Goal.objects.bulk_create(
        [
            Goal(
                business=business,
                name=f"{first:%B} targets",
                start_date=first,
                end_date=last,
                target_clicks=4000,
                target_conversions=120,
                max_effective_cpc=Decimal("1.50"),
            ),
            Goal(
                business=business,
                campaign=campaigns[2],
                target_conversions=80,
                target_conversion_value=Decimal("4000.00"),
                max_cpa=Decimal("30.00"),
            ),
        ]
    )


def _scenario(business, owner, today):
    """A saved what-if: the last 13 weeks again, with a fifth of the organic hours' worth
    moved to paid media, for the scenario pages to show."""
    segments = history.segments(business, today, DEFAULT_WEEKS)
    organic = sum(s.baseline_input for s in segments if s.kind == Kind.SMO)
    paid = [s for s in segments if s.kind == Kind.SMM]
    moved = organic * 0.2 * float(business.hourly_rate)
    paid_total = sum(s.baseline_input for s in paid)
    inputs = {}
    for segment in segments:
        value = segment.baseline_input
        if segment.kind == Kind.SMO:
            value *= 0.8
        elif paid_total:
            value += moved * segment.baseline_input / paid_total
        inputs[segment.key] = f"{value:.2f}"
    Scenario.objects.create(
        business=business,
        name="A fifth of the organic hours to ads",
        baseline_end=today,
        baseline_weeks=DEFAULT_WEEKS,
        inputs=inputs,
        created_by=owner,
    )


COMPOSED_POSTS = 9  # three platforms' post in a group, six of a weekly series


def _composed_posts(business, platforms, owner, today, tz):
    """A post composed for three platforms, a weekly recurring post and posting slots, as the
    composer, the new-post form's Repeat and the slots page make them (through the services,
    so the rollups count them)."""
    from planner.compose import recurrence
    from planner.compose import services as compose_services

    by_kind = {platform.kind: platform for platform in platforms}
    monday = today + timedelta(days=7 - today.weekday())
    at = datetime.combine(monday, datetime.min.time(), tz).replace(hour=10)

    def post(platform, text, title="Winter blend is here", **fields):
        return Task(
            business=business,
            kind=Kind.SMO,
            platform=platform,
            title=title,
            post_text=text,
            status="draft",
            scheduled_at=at,
            estimated_hours=Decimal("0.5"),  # counted by day, as the seed's own posts
            backlink_url="https://northwind-coffee.example/winter",
            **fields,
        )

    long_text = (
        "Our winter blend is here: cocoa, orange peel and a long, warm finish. Roasted in "
        "small batches in Berlin, ground to order. Find it in the shop from today."
    )
    compose_services.post_group_save(
        business,
        [
            (post(by_kind[PlatformKind.FACEBOOK], long_text), None, False),
            (post(by_kind[PlatformKind.LINKEDIN], long_text, hashtags="#coffee #b2b"), None, False),
            (post(by_kind[PlatformKind.X], "Winter blend ☕ cocoa + orange peel."), None, False),
        ],
        by=owner,
    )
    rule = recurrence.Rule(every=1, unit=recurrence.WEEK, weekdays=frozenset({1}), count=6)
    first = post(
        by_kind[PlatformKind.INSTAGRAM],
        "This week's roast, fresh from the drum.",
        "Roast of the week",
    )
    first.scheduled_at = at + timedelta(days=1)
    moments = recurrence.occurrences(first.scheduled_at, rule, business.time_zone)
    compose_services.series_create(first, rule, moments, by=owner)
    for platform in platforms:  # the weekly times each platform takes a post
        compose_services.slots_add(
            business, platform, [0, 2, 4], datetime.min.time().replace(hour=9)
        )
        compose_services.slots_add(business, platform, [1, 3], datetime.min.time().replace(hour=13))


def _smo_fields(rng, index, topic, platform, today, days, tz):
    status = rng.choices(
        [
            SmoStatus.IDEA,
            SmoStatus.DRAFT,
            SmoStatus.SCHEDULED,
            SmoStatus.PUBLISHED,
            SmoStatus.ARCHIVED,
        ],
        weights=[1, 2, 2, 6, 1],
    )[0]
    offset = (
        rng.randint(-days + 1, -1)
        if status in (SmoStatus.PUBLISHED, SmoStatus.ARCHIVED)
        else rng.randint(0, 21)
    )
    scheduled = datetime.combine(
        today + timedelta(days=offset), datetime.min.time(), tz
    ) + timedelta(hours=rng.choice([8, 9, 12, 17, 19]))
    slug = topic.lower().replace(" ", "-").replace(":", "")
    tags = "#coffee #specialtycoffee" if platform.kind != PlatformKind.LINKEDIN else "#b2b"
    return {
        "title": f"{topic} #{index + 1}",
        "status": status,
        "post_text": f"{topic}. Fresh from our roastery in Berlin — read more on our blog.",
        "hashtags": tags,
        "backlink_url": f"https://northwind-coffee.example/blog/{slug}",
        "scheduled_at": scheduled if status != SmoStatus.IDEA else None,
        "production_cost": _money(rng, 20, 400) if rng.random() < 0.25 else None,
    }


def _smm_fields(rng, index, topic, today, days):
    status = rng.choices(
        [SmmStatus.DRAFT, SmmStatus.ACTIVE, SmmStatus.PAUSED, SmmStatus.COMPLETED],
        weights=[1, 3, 1, 3],
    )[0]
    length = rng.randint(14, 45)
    if status == SmmStatus.COMPLETED:
        start = today - timedelta(days=rng.randint(length, days))
    elif status == SmmStatus.DRAFT:
        start = today + timedelta(days=rng.randint(3, 20))
    else:
        start = today - timedelta(days=rng.randint(1, min(length, days) - 1))
    budget_type = rng.choice([BudgetType.DAILY, BudgetType.LIFETIME])
    job_titles, interests, locations = AUDIENCES[index % len(AUDIENCES)]
    return {
        "title": f"Ads: {topic} #{index + 1}",
        "status": status,
        "objective": rng.choice([Objective.TRAFFIC, Objective.LEADS, Objective.CONVERSIONS]),
        "bid_model": BidModel.CPC,
        "max_bid": _money(rng, 0.4, 2.5),
        "budget_type": budget_type,
        "budget_amount": _money(rng, 20, 80)
        if budget_type == BudgetType.DAILY
        else _money(rng, 400, 2000),
        "flight_start": start,
        "flight_end": start + timedelta(days=length - 1),
        "audience_job_titles": job_titles,
        "audience_interests": interests,
        "audience_locations": locations,
        "audience_age_min": 25,
        "audience_age_max": 55,
        "ad_headline": topic,
        "ad_text": f"{topic} — order a tasting set for your team.",
        "destination_url": "https://northwind-coffee.example/shop",
        "production_cost": _money(rng, 100, 600) if rng.random() < 0.3 else None,
    }


def _task_history(rng, task, user_ids, first_day, today, time_rows, result_rows):
    """Time entries for work done, and results for posts that went out or ads that ran.

    Rows are tuples in the order of TIME_COLUMNS and RESULT_COLUMNS.
    """
    business_id, task_id = task.business_id, task.pk
    if task.kind == Kind.SMO:
        if task.status == SmoStatus.IDEA:
            return
        work_day = (task.scheduled_at.date() if task.scheduled_at else today) - timedelta(days=1)
        for _ in range(rng.randint(1, 2)):
            day = max(first_day, min(today, work_day - timedelta(days=rng.randint(0, 3))))
            time_rows.append(
                (
                    business_id,
                    task_id,
                    user_ids[rng.randrange(2)],
                    day,
                    _quarter_hours(rng, 0.25, 3),
                    "",
                )
            )
        if task.status not in (SmoStatus.PUBLISHED, SmoStatus.ARCHIVED):
            return
        published = task.scheduled_at.date()
        for offset in range(rng.randint(5, 12)):
            day = published + timedelta(days=offset)
            if day > today:
                break
            reach = rng.randint(80, 2500) // (offset + 1)
            clicks = rng.randint(0, max(1, reach // 40))
            conversions = rng.randint(0, max(0, clicks // 25))
            result_rows.append(
                (
                    business_id,
                    task_id,
                    day,
                    int(reach * rng.uniform(1.1, 1.6)),
                    reach,
                    rng.randint(0, max(1, reach // 15)),
                    clicks,
                    conversions,
                    _money(rng, 15, 30) * conversions,
                    ZERO,
                )
            )
        return

    if task.status == SmmStatus.DRAFT:
        time_rows.append(
            (business_id, task_id, user_ids[0], today, _quarter_hours(rng, 0.5, 2), "Set-up")
        )
        return
    flight_days = (task.flight_end - task.flight_start).days + 1
    daily_cap = (
        task.budget_amount
        if task.budget_type == BudgetType.DAILY
        else task.budget_amount / flight_days
    )
    day = max(task.flight_start, first_day)
    end = min(task.flight_end, today)
    while day <= end:
        spend = (daily_cap * Decimal(rng.uniform(0.7, 1.1))).quantize(CENT)
        clicks = rng.randint(10, 120)
        conversions = rng.randint(0, clicks // 10)
        result_rows.append(
            (
                business_id,
                task_id,
                day,
                impressions := clicks * rng.randint(40, 120),
                min(impressions, clicks * rng.randint(25, 80)),  # reach: people, not views
                clicks + rng.randint(0, 60),
                clicks,
                conversions,
                _money(rng, 25, 60) * conversions,
                spend,
            )
        )
        if day.weekday() == 0 or day == task.flight_start:
            time_rows.append(
                (
                    business_id,
                    task_id,
                    user_ids[rng.randrange(2)],
                    day,
                    _quarter_hours(rng, 0.5, 3),
                    "",
                )
            )
        day += timedelta(days=1)
