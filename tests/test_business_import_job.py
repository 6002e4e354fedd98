"""Importing a business is a background job: the request only checks the size and stores the
file; the job streams it (ijson), checks every string, saves all or nothing, runs twice safely,
and leaves no file behind whatever happens."""

import copy
import json
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from planner import portability
from planner.forms import BusinessImportForm
from planner.jobs import services
from planner.jobs.models import Job, JobKind, JobStatus
from planner.models import (
    Business,
    Membership,
    Platform,
    ResultEntry,
    Role,
    Task,
    TimeEntry,
)
from tests.factories import MembershipFactory, UserFactory
from tests.jobs_support import work_queue
from tests.test_job_pages import many_jobs
from tests.test_portability import small_export


@pytest.fixture
def place(settings, tmp_path, monkeypatch):
    """Job files, Django's upload temp files and tempfile.gettempdir(), each in a directory of
    this test's own, so what is left behind can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads"
    temp = tmp_path / "tmp"
    uploads.mkdir()
    temp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(uploads)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes through a temporary file
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    class Place:
        media = Path(settings.MEDIA_ROOT)

        @staticmethod
        def job_files():
            return sorted(p for p in (Place.media / "jobs").rglob("*") if p.is_file())

        @staticmethod
        def temp_files():
            assert tempfile.gettempdir() == str(temp)
            return sorted(p for d in (uploads, temp) for p in d.rglob("*") if p.is_file())

    return Place


@pytest.fixture
def user(db):
    return UserFactory()


def body(data, ensure_ascii=True):
    return json.dumps(data, ensure_ascii=ensure_ascii).encode()


def post(client, content, name="backup.json"):
    return client.post(reverse("business_import"), {"file": SimpleUploadedFile(name, content)})


def bigger_export(tasks=6):
    """small_export() with `tasks` posts, an hour and a day's results on each."""
    data = small_export()
    post_row = data["tasks"][0]
    data["tasks"] = [dict(post_row, title=f"Post {i}") for i in range(tasks)] + [data["tasks"][1]]
    data["time_entries"] = [
        {"task": i, "date": "2026-11-02", "hours": "1.25", "note": f"n{i}"} for i in range(tasks)
    ]
    data["results"] = [{"task": i, "date": "2026-11-02", "clicks": i} for i in range(tasks)]
    return data


def run(job):
    work_queue()
    job.refresh_from_db()
    return job


def test_the_request_stores_the_file_and_the_job_imports_it(client_for, user, place):
    client = client_for(user)
    page = client.get(reverse("business_import")).content.decode()
    assert "At most 50 MB" in page
    response = post(client, body(bigger_export()))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("my_job_detail", args=[job.pk])
    # The request imported nothing: it stored the file for the job.
    assert not Business.objects.exists()
    assert (job.kind, job.business, job.started_by, job.status) == (
        JobKind.BUSINESS_IMPORT,
        None,
        user,
        JobStatus.QUEUED,
    )
    assert job.label == "Import of backup.json"
    assert [p.relative_to(place.media).as_posix() for p in place.job_files()] == [
        job.payload["input_file"]
    ]
    assert place.temp_files() == []  # Django's upload file is gone after the request
    waiting = client.get(response.url).content.decode()
    assert "Waiting for a worker" in waiting

    job = run(job)
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    business = Business.objects.get()
    assert Membership.objects.get(business=business).user == user
    assert (Task.objects.count(), TimeEntry.objects.count(), ResultEntry.objects.count()) == (
        7,
        6,
        6,
    )
    assert job.result["business_id"] == business.pk
    assert job.result["message"] == (
        "Hand made was imported: 7 task(s), 6 time entr(ies) and 6 day(s) of results."
    )
    assert job.business is None  # still the importer's own job (/jobs/<id>/)
    assert job.done == job.total == 19
    done = client.get(response.url).content.decode()
    assert "Hand made was imported" in done
    assert f'href="{reverse("dashboard", args=[business.pk])}"' in done
    assert place.job_files() == [] and place.temp_files() == []  # nothing left behind


def test_a_file_over_the_limit_is_refused_before_it_is_read(client_for, user, place, monkeypatch):
    assert BusinessImportForm.MAX_BYTES == 50 * 1024 * 1024
    assert "At most 50 MB" in str(BusinessImportForm.base_fields["file"].help_text)

    def never(*args, **kwargs):
        raise AssertionError("a refused file was read")

    monkeypatch.setattr(BusinessImportForm, "MAX_BYTES", 1024 * 1024)
    for method in ("read", "chunks", "__iter__", "readlines"):
        monkeypatch.setattr(TemporaryUploadedFile, method, never)
    response = post(client_for(user), b" " * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "The file is larger than 1 MB (1.0 MB)." in response.context["form"].errors["file"]
    assert not Job.objects.exists()
    assert place.job_files() == [] and place.temp_files() == []


@pytest.mark.parametrize("count", [3, 60])
def test_the_import_page_runs_a_fixed_number_of_queries(
    client_for, user, place, count, django_assert_num_queries
):
    """However many businesses the user belongs to (the navbar) and imports they ran."""
    for _ in range(count // 3):
        MembershipFactory(user=user, role=Role.OWNER)
    many_jobs(None, [user], count, kind=JobKind.BUSINESS_IMPORT)
    client = client_for(user)
    page_url = reverse("business_import")
    client.get(page_url)
    # session, user, a verified e-mail address, navbar businesses: 4
    with django_assert_num_queries(4):
        assert client.get(page_url).status_code == 200
    # A refused file: the same page with the form's error, and nothing written.
    with django_assert_num_queries(4):
        refused = client.post(page_url, {"file": ""})  # submitted with no file chosen
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()


NUL = "contains a NUL character, which cannot be stored."
LONE = "contains a lone surrogate (\\u{:04x}), which is not valid text and cannot be stored."


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["tasks"][3].update(post_text="New\x00beans"), f"tasks[3].post_text: {NUL}"),
        (
            lambda d: d["tasks"][3].update(post_text="New \ud800 beans"),
            "tasks[3].post_text: " + LONE.format(0xD800),
        ),
        (lambda d: d["business"].update(name="Hand\x00made"), f"business.name: {NUL}"),
        (
            lambda d: d["platforms"][0].update(handle="\udfffshop"),
            "platforms[0].handle: " + LONE.format(0xDFFF),
        ),
        (
            lambda d: d["members"].append({"username": "a\x00b", "role": "editor"}),
            f"members[0].username: {NUL}",
        ),
        (
            lambda d: d["time_entries"][5].update(note="\ud83d"),
            "time_entries[5].note: " + LONE.format(0xD83D),
        ),
        (lambda d: d["results"][2].update(extra=["x", "\x00"]), f"results[2].extra[1]: {NUL}"),
        (lambda d: d.update(exported_at="2026\x00"), f"exported_at: {NUL}"),
        (lambda d: d["tasks"][1].update({"a\x00": 1}), f"tasks[1]: a field name {NUL}"),
    ],
)
def test_a_nul_or_a_lone_surrogate_anywhere_is_refused_saying_where(
    client_for, user, place, change, message
):
    """Both are a 500 on PostgreSQL if they reach it (it stores neither); SQLite would keep a NUL
    that no PostgreSQL could restore. The file is refused, naming the string."""
    data = bigger_export()
    data["members"] = []
    change(data)
    job = run(Job.objects.get(pk=_started(client_for(user), body(data))))
    assert job.status == JobStatus.FAILED
    assert not job.error_detail  # refused on purpose: no retry, no traceback
    assert job.error == message
    assert not Business.objects.exists() and not Task.objects.exists()
    assert place.job_files() == []


def test_a_lone_surrogate_written_as_raw_bytes_is_not_utf8(client_for, user, place):
    raw = json.dumps(bigger_export(), ensure_ascii=False).replace("New beans", "New \ud800")
    job = run(Job.objects.get(pk=_started(client_for(user), raw.encode("utf-8", "surrogatepass"))))
    assert job.status == JobStatus.FAILED
    assert job.error == "This is not a JSON export of a business."
    assert not Business.objects.exists()


def test_escaped_pairs_and_a_byte_order_mark_import_as_text(client_for, user, place):
    """Emoji written as surrogate pairs (json.dumps' default) are text, not lone surrogates."""
    data = bigger_export()
    data["tasks"][0]["post_text"] = "Coffee ☕ time 😀 — café"
    content = b"\xef\xbb\xbf" + body(data)
    assert b"\\ud83d\\ude00" in content
    job = run(Job.objects.get(pk=_started(client_for(user), content)))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Task.objects.get(title="Post 0").post_text == "Coffee ☕ time 😀 — café"


def _started(client, content):
    response = post(client, content)
    assert response.status_code == 302
    return Job.objects.latest("pk").pk


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG", "This is not a JSON export of a business."),
        (b'{"format": "campaign-planner/1"', "This is not a JSON export of a business."),
        (b"[1, 2]", "This is not a campaign planner export"),
        (b'{"format": "campaign-planner/1", "tasks": {"item": {}}}', "tasks: expected a list"),
        (b'{"format": "campaign-planner/1", "results": [1]}', "results: expected a list"),
        (b'{"format": "campaign-planner/1", "tasks": [], "tasks": []}', "tasks: the file has"),
        (b'{"format": "campaign-planner/1", "members": [' * 40, "nested too deeply"),
    ],
)
def test_the_shape_of_the_file_is_checked(client_for, user, place, content, message):
    job = run(Job.objects.get(pk=_started(client_for(user), content)))
    assert job.status == JobStatus.FAILED
    assert message in job.error
    assert place.job_files() == []


def test_only_the_sections_rows_refer_to_are_kept_and_they_have_a_bound(monkeypatch, user):
    """What is read whole (business, members, platforms, campaigns) has a limit; anything else
    in the file is checked and dropped, never kept (a big unknown section costs no memory)."""
    data = bigger_export()
    data["notes"] = [{"text": "x" * 100} for _ in range(1000)]
    survey = portability._survey(lambda: _bytes(body(data)), portability.FAST)
    assert set(survey.small) == {"format", "business", "platforms"}
    assert survey.counts == {"tasks": 7, "time_entries": 6, "results": 6}
    assert portability.import_business(data, user).tasks.count() == 7
    monkeypatch.setattr(portability, "MAX_SMALL_ITEMS", 2)
    data["platforms"] += [dict(data["platforms"][0], handle=f"shop{i}") for i in range(2)]
    with pytest.raises(portability.ImportError_, match="^platforms: more than 2 of them"):
        portability.import_business(data, user)


def test_a_late_error_saves_nothing_and_names_the_first_bad_row(monkeypatch, user):
    """Rows are saved in batches as they are read; an error in a later batch (or the database
    refusing a batch) undoes everything, including the business."""
    monkeypatch.setattr(portability, "BATCH", 2)
    data = bigger_export(tasks=9)
    data["time_entries"][6]["hours"] = "24.25"  # a check constraint: found when it is inserted
    data["time_entries"][7]["hours"] = "0.1"  # a field error in the same batch, one row later
    with pytest.raises(portability.ImportError_) as refusal:
        portability.import_business(data, user)
    assert str(refusal.value).startswith("time_entries[6]: Hours logged in a day")
    data["time_entries"][7]["hours"] = "1"
    with pytest.raises(portability.ImportError_, match=r"^time_entries\[6\]: Hours logged"):
        portability.import_business(data, user)
    data["time_entries"][6]["hours"] = "1"
    data["results"].append({"task": 8, "date": "2026-11-02", "clicks": 1})  # a second day 0
    data["results"][-1]["task"] = 0
    with pytest.raises(portability.ImportError_, match="repeats a row that must be unique"):
        portability.import_business(data, user)
    for model in (Business, Membership, Platform, Task, TimeEntry, ResultEntry):
        assert not model.objects.exists(), model
    assert portability.import_business(bigger_export(tasks=9), user).tasks.count() == 10


def test_progress_is_reported_by_phase(user):
    seen = []

    class Recorder:
        def update(self, **kwargs):
            seen.append(kwargs)

    data = bigger_export()
    portability.import_file(lambda: _bytes(body(data)), user, progress=Recorder())
    phases = [entry["phase"] for entry in seen if "phase" in entry]
    assert phases[0] == "Checking the file"
    assert {"Saving tasks", "Saving time entries", "Saving results"} <= set(phases)
    assert phases[-1] == "Adding up the totals"
    assert seen[-1]["done"] == seen[-1]["total"] == 19


def _bytes(content):
    import io

    return io.BytesIO(content)


def test_run_twice_after_the_import_committed_it_makes_one_business(client_for, user, place):
    """The worker was killed after the import's transaction committed, before the job was
    marked done: the run again finds the result saved with the import and returns it."""
    job_id = _started(client_for(user), body(bigger_export()))
    job = Job.objects.get(pk=job_id)
    stored = default_storage.open(job.payload["input_file"]).read()
    job = run(job)
    first = job.result
    assert job.status == JobStatus.SUCCEEDED and Business.objects.count() == 1
    # As it was when the worker died: running, its file still there.
    default_storage.save(job.payload["input_file"], ContentFile(stored))
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=None)
    services.enqueue(job.pk)
    job = run(job)
    assert (job.status, job.attempts, job.result) == (JobStatus.SUCCEEDED, 2, first)
    assert Business.objects.count() == 1 and Task.objects.count() == 7
    assert place.job_files() == []


def test_the_file_is_kept_for_a_retry_and_deleted_when_the_job_gives_up(
    client_for, user, place, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(portability, "import_file", broken)
    job = Job.objects.get(pk=_started(client_for(user), body(bigger_export())))
    job = run(job)
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert len(place.job_files()) == 1  # the retry needs it
    for _attempt in (2, 3):  # its backoff has passed (moved into the past, not waited for)
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        job = run(job)
    assert job.status == JobStatus.FAILED and "3 times" in job.error
    assert place.job_files() == [] and place.temp_files() == []


def test_an_import_whose_starter_was_deleted_is_refused(client_for, user, place):
    job = Job.objects.get(pk=_started(client_for(user), body(bigger_export())))
    user.delete()
    job = run(job)
    assert job.status == JobStatus.FAILED
    assert job.error == "The account that started this import no longer exists."
    assert not Business.objects.exists() and place.job_files() == []


def test_reading_the_file_keeps_memory_flat(monkeypatch, user):
    """Items are read one at a time and saved BATCH at a time: ten times the rows do not take
    ten times the memory (json.loads of the whole file would)."""
    monkeypatch.setattr(portability, "BATCH", 100)

    def peak(tasks):
        data = bigger_export(tasks=tasks)
        for row in data["tasks"][:-1]:  # the posts (the last one is an ad)
            row["post_text"] = "x" * 500
        content = body(data)
        tracemalloc.start()
        try:
            portability.import_file(lambda: _bytes(content), user)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(300), peak(3000)
    assert large < small + 1024 * 1024, (small, large)  # +2,700 rows of each kind: < 1 MB more


def test_the_parsed_form_still_imports(user):
    """import_business(dict) (tests, the shell) goes through the same streaming import."""
    data = copy.deepcopy(small_export())
    business = portability.import_business(data, user)
    assert business.name == "Hand made" and business.tasks.count() == 2
