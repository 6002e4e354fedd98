"""Exports past a size are written by a job with flat memory and downloaded when ready: the
business's JSON export always, a task list's CSV past exports.JOB_THRESHOLD rows. The file is
offered to who may see the job only, and deleted (and said to be expired) after a day."""

import datetime
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from planner import exports, portability
from planner.jobs import files, services
from planner.jobs.models import Job, JobKind, JobStatus
from planner.models import ResultEntry, Role, Task, TimeEntry
from tests.factories import MembershipFactory, SmoTaskFactory
from tests.jobs_support import work_queue
from tests.test_job_pages import many_jobs
from tests.test_portability import export_via_job


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def exported_files(media):
    return sorted(p.name for p in (media / "jobs" / "exports").glob("*"))


def url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


def many_tasks(business, platform, count, start=0, results=True):
    """`count` posts (one result day each), saved in bulk: what a big business holds."""
    tasks = Task.objects.bulk_create(
        [
            Task(
                business=business,
                platform=platform,
                kind="smo",
                title=f"Post {i}",
                status="draft",
                post_text="Fresh beans, roasted this morning. " * 4,
                work_date=datetime.date(2026, 11, 1),
            )
            for i in range(start, start + count)
        ],
        batch_size=2000,
    )
    if not results:
        return
    ResultEntry.objects.bulk_create(
        [
            ResultEntry(business=business, task=task, date=datetime.date(2026, 11, 2), clicks=3)
            for task in tasks
        ],
        batch_size=2000,
    )


def run(job):
    work_queue()
    job.refresh_from_db()
    return job


def test_the_export_page_starts_nothing_until_its_button_is_pressed(
    client_for, business, owner, smo_task
):
    client = client_for(owner)
    page = client.get(url(business, "business_export"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<form method="post">' in html and "csrfmiddlewaretoken" in html
    assert "Start the export" in html
    assert not Job.objects.exists()  # a GET (a link, an <img>) starts no job

    first = client.post(url(business, "business_export"))
    again = client.post(url(business, "business_export"))  # pressed twice: the same job
    job = Job.objects.get()
    assert first.url == again.url == url(business, "job_detail", job.pk)
    assert (job.kind, job.business, job.started_by) == (JobKind.EXPORT, business, owner)
    assert job.label == "Export of all data of Acme Roasters (JSON)"
    assert "Waiting for a worker" in client.get(first.url).content.decode()

    job = run(job)
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    done = client.get(first.url).content.decode()
    assert f'href="{url(business, "job_download", job.pk)}"' in done
    assert f"Download business-{business.pk}-" in done and "available until" in done
    recent = client.get(url(business, "business_export")).content.decode()
    assert url(business, "job_detail", job.pk) in recent


@pytest.mark.parametrize("count", [3, 60])
def test_the_export_page_and_a_finished_export_run_a_fixed_number_of_queries(
    client_for, business, owner, smo_task, count, django_assert_num_queries
):
    owners = [
        owner,
        *(MembershipFactory(business=business, role=Role.OWNER).user for _ in range(4)),
    ]
    many_jobs(business, owners, count, kind=JobKind.EXPORT, payload={"what": "business"})
    client = client_for(owner)
    job, _content = export_via_job(client, business)  # the newest, ready to download
    page_url = url(business, "business_export")
    client.get(page_url)
    # session, user, membership, the five latest exports with who started them, navbar
    # businesses: 5, however many exports
    with django_assert_num_queries(5):
        page = client.get(page_url)
    recent = page.content.decode().split('data-testid="recent-exports"')[1].split("</ul>")[0]
    assert recent.count("<li>") == min(count + 1, 5)  # bounded: the latest five
    assert url(business, "job_detail", job.pk) in recent
    # session, user, membership, the job with who started it, navbar businesses: 5
    with django_assert_num_queries(5):
        done = client.get(url(business, "job_detail", job.pk))
    assert 'data-testid="job-download"' in done.content.decode()


def test_the_download_is_the_whole_business_as_json(client_for, business, owner, smo_task):
    job, content = export_via_job(client_for(owner), business)
    response = client_for(owner).get(url(business, "job_download", job.pk))
    assert response["Content-Type"] == "application/json"
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="business-{business.pk}-{day}.json"'
    )
    assert int(response["Content-Length"]) == len(content) == job.result["size"]
    data = json.loads(content)
    expected = portability.export_business(business)
    assert {k: v for k, v in data.items() if k != "exported_at"} == {
        k: v for k, v in expected.items() if k != "exported_at"
    }
    assert job.result["rows"] == 1  # one task, no time or results


def test_only_owners_download_the_whole_business(
    client_for, client, business, owner, editor, viewer, outsider, smo_task
):
    job, _content = export_via_job(client_for(owner), business)
    download = url(business, "job_download", job.pk)
    second_owner = MembershipFactory(business=business, role=Role.OWNER).user
    assert client_for(second_owner).get(download).status_code == 200
    for someone in (editor, viewer, outsider):
        assert client_for(someone).get(download).status_code == 404
    client.logout()
    anonymous = client.get(download)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    # It lists every member: an owner who is one no more cannot fetch it either.
    owner.memberships.filter(business=business).update(role=Role.EDITOR)
    assert client_for(owner).get(download).status_code == 404


def test_a_list_export_is_for_its_starter_and_the_owners(
    client_for, business, owner, editor, viewer, platform, monkeypatch
):
    monkeypatch.setattr(exports, "JOB_THRESHOLD", 0)
    SmoTaskFactory(business=business, platform=platform)
    client_for(editor).post(url(business, "smo_export"))
    job = run(Job.objects.get())
    download = url(business, "job_download", job.pk)
    assert client_for(editor).get(download).status_code == 200
    assert client_for(owner).get(download).status_code == 200
    colleague = MembershipFactory(business=business, role=Role.EDITOR).user
    for someone in (viewer, colleague):
        assert client_for(someone).get(download).status_code == 404


def test_a_job_that_wrote_no_file_has_nothing_to_download(client_for, business, owner):
    job = services.start(JobKind.REPORT_IMPORT, label="Import", business=business, user=owner)
    assert client_for(owner).get(url(business, "job_download", job.pk)).status_code == 404


@pytest.mark.parametrize("kind", ["smo", "smm"])
def test_a_long_list_is_exported_by_a_job_and_the_same_as_streamed(
    client_for, business, viewer, platform, monkeypatch, kind
):
    from tests.factories import SmmTaskFactory

    factory = SmoTaskFactory if kind == "smo" else SmmTaskFactory
    for i in range(5):
        factory(business=business, platform=platform, title=f"Wanted {i}")
    factory(business=business, platform=platform, title="Filtered out")
    client = client_for(viewer)  # viewers may export the lists
    link = url(business, f"{kind}_export") + "?q=Wanted"
    streamed = client.get(link)
    assert streamed["Content-Type"] == "text/csv; charset=utf-8"
    expected = b"".join(streamed.streaming_content)

    monkeypatch.setattr(exports, "JOB_THRESHOLD", 4)
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "more than 4 rows" in html
    assert f'<form method="post" action="{link}">' in html
    assert not Job.objects.exists()

    response = client.post(link)
    job = Job.objects.get()
    assert response.url == url(business, "job_detail", job.pk)
    assert job.payload["query"] == "q=Wanted" and job.started_by == viewer
    job = run(job)
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    assert job.result["rows"] == 5
    download = client.get(url(business, "job_download", job.pk))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate().isoformat()
    assert download["Content-Disposition"] == f'attachment; filename="{kind}-tasks-{day}.csv"'
    assert b"".join(download.streaming_content) == expected
    back = client.get(url(business, "job_detail", job.pk)).content.decode()
    list_name = "smo_list" if kind == "smo" else "smm_list"
    assert f'href="{url(business, list_name)}?q=Wanted"' in back


def test_running_an_export_twice_writes_one_file(client_for, business, owner, smo_task, media):
    job, first = export_via_job(client_for(owner), business)
    assert exported_files(media) == [f"job-{job.pk}.json"]
    # The worker died after writing the file, before the job was marked done: run again.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=None)
    services.enqueue(job.pk)
    job = run(job)
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert exported_files(media) == [f"job-{job.pk}.json"]
    assert job.result["file"] == f"jobs/exports/job-{job.pk}.json"
    again = b"".join(client_for(owner).get(url(business, "job_download", job.pk)).streaming_content)
    assert json.loads(again)["tasks"] == json.loads(first)["tasks"]


def test_an_export_that_fails_stores_nothing(business, owner, smo_task, media, monkeypatch):
    def broken(business, out, progress=None):
        out.write(b'{"format": ')
        raise RuntimeError("connection lost")

    monkeypatch.setattr(portability, "write_export", broken)
    job = run(exports.start_export(business, owner, exports.business_payload(), label="Export"))
    assert job.status == JobStatus.QUEUED and job.attempts == 1  # to be retried
    assert exported_files(media) == []


def test_exports_expire_after_a_day(client_for, business, owner, smo_task, media):
    old, _content = export_via_job(client_for(owner), business)
    fresh, _content = export_via_job(client_for(owner), business)
    Job.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - files.retention() - datetime.timedelta(minutes=1)
    )
    # A file no job refers to (a worker killed between writing and recording), and one just
    # written whose job is about to record it.
    stray = default_storage.save("jobs/exports/job-999999.csv", ContentFile(b"id\n"))
    just_written = default_storage.save("jobs/exports/job-999998.csv", ContentFile(b"id\n"))
    long_ago = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(default_storage.path(stray), (long_ago, long_ago))

    call_command("prune_job_files", verbosity=0)
    assert exported_files(media) == sorted([f"job-{fresh.pk}.json", "job-999998.csv"])
    old.refresh_from_db()
    assert old.result["expired"] is True and "file" not in old.result
    client = client_for(owner)
    page = client.get(url(business, "job_detail", old.pk)).content.decode()
    assert "The file expired" in page and url(business, "job_download", old.pk) not in page
    gone = client.get(url(business, "job_download", old.pk))
    assert gone.status_code == 410 and "The file expired" in gone.content.decode()
    assert client.get(url(business, "job_download", fresh.pk)).status_code == 200
    assert just_written  # kept: younger than the retention


def test_pruning_deletes_uploads_of_finished_jobs(business, owner, media):
    name = default_storage.save("jobs/inputs/left.json", ContentFile(b"{}"))
    Job.objects.create(
        kind=JobKind.BUSINESS_IMPORT,
        label="Import",
        started_by=owner,
        status=JobStatus.FAILED,
        payload={"input_file": name},
    )
    waiting = default_storage.save("jobs/inputs/waiting.json", ContentFile(b"{}"))
    Job.objects.create(
        kind=JobKind.BUSINESS_IMPORT,
        label="Import",
        started_by=owner,
        payload={"input_file": waiting},
    )
    assert files.prune() == 1
    assert not default_storage.exists(name) and default_storage.exists(waiting)


def _peak(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_json_export_keeps_memory_flat(business, owner, platform, monkeypatch):
    """Rows are read in chunks and written one by one: ten times the rows take about the same
    memory. (Building the whole document, as the export did, takes ~15 MB more here.) Chunks
    of 500, so that both sizes read several: two chunks are alive at the turn of a chunk."""
    monkeypatch.setattr(portability, "READ_CHUNK", 500)
    sink = open(os.devnull, "wb")  # noqa: SIM115 - closed below
    try:
        many_tasks(business, platform, 2000)
        small = _peak(lambda: portability.write_export(business, sink))
        many_tasks(business, platform, 18000, start=2000)
        large = _peak(lambda: portability.write_export(business, sink))
    finally:
        sink.close()
    assert Task.objects.count() == ResultEntry.objects.count() == 20000
    assert large < small + 1024 * 1024, (small, large)


def test_the_csv_export_keeps_memory_flat(business, owner, platform, monkeypatch):
    monkeypatch.setattr(exports, "TASK_CHUNK", 250)
    sink = open(os.devnull, "wb")  # noqa: SIM115 - closed below
    tasks = (
        Task.objects.for_business(business)
        .filter(kind="smo")
        .select_related("platform", "campaign", "assignee", "business")
    )
    try:
        many_tasks(business, platform, 1000, results=False)
        small = _peak(lambda: exports.write_task_csv("smo", tasks.all(), sink))
        many_tasks(business, platform, 9000, start=1000, results=False)
        large = _peak(lambda: exports.write_task_csv("smo", tasks.all(), sink))
    finally:
        sink.close()
    assert large < small + 1024 * 1024, (small, large)


def test_the_written_export_imports_again(business, owner, platform, smo_task, tmp_path):
    """write_export's file (written item by item) is a valid export: it imports."""
    from tests.factories import TimeEntryFactory

    TimeEntryFactory(task=smo_task, user=owner)
    path = tmp_path / "export.json"
    with open(path, "wb") as out:
        assert portability.write_export(business, out) == 2  # a task and an hour
    copy = portability.import_file(lambda: open(path, "rb"), owner)  # noqa: SIM115
    assert copy.tasks.count() == 1 and TimeEntry.objects.filter(business=copy).count() == 1
