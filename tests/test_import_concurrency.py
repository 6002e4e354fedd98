"""The import's short step against concurrent writers on PostgreSQL: a deadlock with a task
being deleted is retried (not failed), and the rollups stay equal to the raw rows.

Real threads on real connections (transactional tests); SQLite serialises every writer, so it
cannot deadlock and these run on PostgreSQL only.
"""

import contextlib
import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Sum

from planner import imports, rollups, services
from planner.models import DailyRollup, ReportUpload, ResultEntry, Task
from tests.factories import MembershipFactory, PlatformFactory, SmmTaskFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no deadlock to retry")


def setup(days=30):
    member = MembershipFactory(role="owner")
    business, user = member.business, member.user
    platform = PlatformFactory(business=business)
    ads = [SmmTaskFactory(business=business, platform=platform, title=t) for t in ("A", "B")]
    start = datetime.date(2025, 1, 1)
    for n in range(days):
        day = start + datetime.timedelta(days=n)
        services.entry_save(ResultEntry(task=ads[0], business=business, date=day, spend=9))
    lines = ["date,campaign,spend,clicks"] + [
        f"{start + datetime.timedelta(days=n)},{title},1.25,2"
        for n in range(days)
        for title in "AB"
    ]
    upload = imports.store_upload(business, user, "r.csv", "\n".join(lines).encode())
    return business, ads, upload


def rollups_equal_raw(business):
    raw = ResultEntry.objects.filter(business=business).aggregate(s=Sum("spend"))["s"] or 0
    summed = DailyRollup.objects.filter(business=business).aggregate(s=Sum("spend"))["s"] or 0
    return raw == summed, raw


def in_thread(target, out, name):
    def run():
        try:
            out[name] = target()
        except Exception as error:  # noqa: BLE001 - reported to the test
            out[name] = error
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_a_deadlock_with_a_task_delete_is_retried_and_the_delete_goes_through(monkeypatch):
    business, ads, upload = setup()
    real_lock, copied, calls = rollups.lock, threading.Event(), []

    def slow_first_lock(pk):
        calls.append(pk)
        if len(calls) == 1:  # the import, holding the rows it copied
            copied.set()
            time.sleep(1.5)  # the delete takes the business's lock meanwhile
        real_lock(pk)

    monkeypatch.setattr(rollups, "lock", slow_first_lock)
    out = {}

    def delete_task():
        copied.wait(timeout=30)
        services.task_delete(Task.objects.get(pk=ads[0].pk))
        return "deleted"

    importer = in_thread(lambda: imports.apply(upload, business), out, "import")
    deleter = in_thread(delete_task, out, "delete")
    importer.start(), deleter.start()
    importer.join(timeout=60), deleter.join(timeout=60)

    assert out["delete"] == "deleted"
    # Retried after the deadlock, the import finds its campaign gone: refused, nothing saved.
    assert isinstance(out["import"], imports.ImportRefused), out["import"]
    assert "changed while the report was being imported" in str(out["import"])
    assert ReportUpload.objects.filter(pk=upload.pk).exists()
    assert not ResultEntry.objects.filter(business=business, spend=Decimal("1.25")).exists()
    assert rollups_equal_raw(business)[0]


def test_rollups_stay_exact_under_concurrent_saves_during_an_import():
    business, ads, upload = setup(days=60)
    done = threading.Event()
    out = {}

    def keep_saving():
        saves, day = 0, datetime.date(2025, 1, 1)
        while not done.is_set():
            day_n = day + datetime.timedelta(days=saves % 60)
            entry = ResultEntry.objects.filter(task=ads[1], date=day_n).first()
            if entry is None:
                entry = ResultEntry(task=ads[1], business=business, date=day_n)
            entry.spend = Decimal(saves % 7)
            with contextlib.suppress(IntegrityError):  # the import added the day since: fine
                services.entry_save(entry)
            task = Task.objects.get(pk=ads[0].pk)
            task.estimated_hours = Decimal(saves % 4)
            services.task_save(task)
            saves += 1
        return saves

    saver = in_thread(keep_saving, out, "saves")
    saver.start()
    try:
        imports.apply(upload, business)
    finally:
        done.set()
        saver.join(timeout=60)
    assert isinstance(out["saves"], int) and out["saves"] > 0, out["saves"]
    equal, raw = rollups_equal_raw(business)
    assert equal, raw


def test_the_copy_checks_its_keys_before_the_business_lock_and_saves_do_not_wait_for_them(
    monkeypatch,
):
    """At the moment the import takes the business's lock, the copied rows' foreign keys are
    already checked (their key-share lock on the business is held, so FOR UPDATE is refused),
    and a writer's lock (FOR NO KEY UPDATE) is not held up by them. Were the checks left to
    COMMIT, they would run under the lock; were the lock FOR UPDATE, every save would wait for
    the whole copy."""
    business, ads, upload = setup()
    real_lock, out = rollups.lock, {}

    def other_writer():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
                try:
                    with transaction.atomic():
                        cursor.execute(
                            "SELECT 1 FROM planner_business WHERE id = %s FOR UPDATE NOWAIT",
                            [business.pk],
                        )
                    for_update = "granted"
                except OperationalError:
                    for_update = "refused"
            started = time.perf_counter()
            real_lock(business.pk)
            return for_update, time.perf_counter() - started

    def lock_after_another_writer(pk):
        if "writer" not in out:
            thread = in_thread(other_writer, out, "writer")
            thread.start()
            thread.join(timeout=30)
        real_lock(pk)

    monkeypatch.setattr(rollups, "lock", lock_after_another_writer)
    imports.apply(upload, business)
    for_update, waited = out["writer"]
    assert for_update == "refused"
    assert waited < 0.5
    assert rollups_equal_raw(business)[0]
