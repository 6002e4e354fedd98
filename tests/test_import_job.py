"""The ad-report import as a background job: applied once however often it is confirmed or
run, all or nothing, with progress, and the slow part outside the business's lock."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from planner import imports, rollups
from planner.jobs import services
from planner.jobs.models import Job, JobStatus
from planner.models import DailyRollup, ReportUpload, ResultEntry, StagedResultDay
from tests.factories import SmmTaskFactory
from tests.jobs_support import work_queue
from tests.test_imports import META_SPEND


def url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


def spend(business):
    return ResultEntry.objects.filter(business=business).aggregate(s=Sum("spend"))["s"]


def confirm(client, business, upload):
    return client.post(url(business, "import_confirm", upload.pk))


def test_two_confirms_of_one_upload_start_one_job_and_apply_it_once(
    client_for, business, editor, stored
):
    client = client_for(editor)
    first, second = confirm(client, business, stored), confirm(client, business, stored)
    assert first.url == second.url
    assert Job.objects.count() == 1
    work_queue()
    assert spend(business) == META_SPEND
    third = confirm(client, business, stored)  # after it is done: still the same job
    assert third.url == first.url
    work_queue()
    assert spend(business) == META_SPEND
    assert Job.objects.get().status == JobStatus.SUCCEEDED


def test_a_job_run_again_after_its_import_committed_says_what_it_did(
    client_for, business, editor, stored
):
    confirm(client_for(editor), business, stored)
    work_queue()
    job = Job.objects.get()
    # The worker died after the import's transaction committed, before the job was marked.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=None)
    services.enqueue(job.pk)
    work_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["message"].startswith("Ad report imported: 6 day(s) added")
    assert spend(business) == META_SPEND
    assert job.attempts == 2


def test_a_cancelled_upload_fails_the_job_with_nothing_applied(
    client_for, business, editor, stored
):
    client = client_for(editor)
    confirm(client, business, stored)
    ReportUpload.objects.filter(pk=stored.pk).delete()
    work_queue()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error == "This report was cancelled before it was imported."
    assert not ResultEntry.objects.exists()


def test_a_task_renamed_while_rows_were_staged_refuses_the_import(
    monkeypatch,
    business,
    editor,
    stored,
    gifts,
):
    stage = imports._stage

    def stage_then_rename(*args):
        stage(*args)
        gifts.title = "Renamed meanwhile"
        gifts.save()

    monkeypatch.setattr(imports, "_stage", stage_then_rename)
    with pytest.raises(imports.ImportRefused, match="changed while the report was being"):
        imports.apply(stored, business)
    assert not ResultEntry.objects.exists()
    assert not StagedResultDay.objects.exists()
    assert ReportUpload.objects.filter(pk=stored.pk).exists()  # there to import again


def test_a_failure_in_the_locked_step_applies_nothing(monkeypatch, business, editor, stored):
    def broken_refresh(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rollups, "refresh", broken_refresh)
    with pytest.raises(RuntimeError):
        imports.apply(stored, business)
    assert not ResultEntry.objects.exists()
    assert not DailyRollup.objects.filter(spend__gt=0).exists()
    assert ReportUpload.objects.filter(pk=stored.pk).exists()
    assert not StagedResultDay.objects.exists()


def test_the_slow_part_runs_before_the_business_lock(monkeypatch, business, editor, stored):
    order = []
    stage, lock = imports._stage, rollups.lock
    monkeypatch.setattr(imports, "_stage", lambda *a: (order.append("stage"), stage(*a)))
    monkeypatch.setattr(rollups, "lock", lambda pk: (order.append("lock"), lock(pk)))
    imports.apply(stored, business)
    assert order.index("stage") < order.index("lock")


def test_progress_is_reported_in_phases(business, editor, stored):
    seen = []

    class Recorder:
        def update(self, **kwargs):
            seen.append(kwargs)

    imports.apply(stored, business, progress=Recorder())
    phases = [entry["phase"] for entry in seen]
    assert phases[0] == "Reading the report"
    assert "Checking and staging rows" in phases and phases[-1] == "Saving"
    assert seen[-1]["done"] == seen[-1]["total"] == 9  # the report's nine data rows


def test_new_days_get_zero_for_figures_the_report_lacks_and_old_days_keep_them(
    business, editor, platform
):
    ad = SmmTaskFactory(business=business, platform=platform, title="Spring sale")
    from tests.factories import ResultEntryFactory

    ResultEntryFactory(task=ad, date=datetime.date(2026, 3, 1), reach=900, spend=1)
    report = "date,campaign,spend\n2026-03-01,Spring sale,5.00\n2026-03-02,Spring sale,7.00\n"
    imports.apply(imports.store_upload(business, editor, "s.csv", report.encode()), business)
    old = ResultEntry.objects.get(task=ad, date=datetime.date(2026, 3, 1))
    new = ResultEntry.objects.get(task=ad, date=datetime.date(2026, 3, 2))
    assert (old.reach, str(old.spend)) == (900, "5.00")
    assert (new.reach, str(new.spend), new.business_id) == (0, "7.00", business.pk)
    rollup = DailyRollup.objects.filter(business=business).aggregate(s=Sum("spend"))["s"]
    assert rollup == Decimal("12.00")


def test_an_upload_being_imported_cannot_be_cancelled(client_for, business, editor, stored):
    client = client_for(editor)
    job_url = confirm(client, business, stored).url
    response = client.post(url(business, "import_cancel", stored.pk))
    assert response.url == job_url
    assert ReportUpload.objects.filter(pk=stored.pk).exists()
    work_queue()
    assert spend(business) == META_SPEND


def test_a_cancel_that_comes_after_the_import_says_so(client_for, business, editor, stored):
    imports.apply(stored, business)
    ReportUpload.objects.create(pk=stored.pk, business=business, content="x", file_name="r.csv")
    # The page was open before the import: the upload is found, then gone when deleted.
    ReportUpload.objects.filter(pk=stored.pk).delete()
    assert imports.cancel(stored) is False


def test_a_failed_import_can_be_confirmed_again(client_for, business, editor, stored, gifts):
    client = client_for(editor)
    gifts.title = "Renamed"  # the report's campaign no longer matches: the job fails
    gifts.save()
    first = confirm(client, business, stored).url
    work_queue()
    assert Job.objects.get().status == JobStatus.FAILED
    gifts.title = "Holiday gift boxes"
    gifts.save()
    second = confirm(client, business, stored).url
    assert second != first
    work_queue()
    assert spend(business) == META_SPEND


def test_rows_staged_by_a_run_that_died_are_cleared(business, editor, stored):
    StagedResultDay.objects.create(
        upload_id=stored.pk, run="dead", task_id=1, date=datetime.date(2026, 1, 1)
    )
    imports.apply(stored, business)
    assert not StagedResultDay.objects.exists()
    StagedResultDay.objects.create(
        upload_id=stored.pk, run="dead", task_id=1, date=datetime.date(2026, 1, 1)
    )
    imports.store_upload(business, editor, "x.csv", b"date,campaign,spend\n2026-01-01,x,1\n")
    assert not StagedResultDay.objects.exists()  # its upload is gone: the rows go too
