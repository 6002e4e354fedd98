"""The jobs page (owners) and one job's progress page, for the five actors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.jobs.models import Job, JobKind, JobStatus
from tests.factories import MembershipFactory
from tests.url_walk import make_job


def url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


@pytest.fixture
def jobs(business, owner, editor):
    now = timezone.now()
    return {
        "done": make_job(
            business,
            editor,
            label="Import of meta.csv",
            status=JobStatus.SUCCEEDED,
            result={"message": "Ad report imported: 6 day(s) added, 0 replaced."},
            started_at=now - datetime.timedelta(seconds=12),
            finished_at=now,
        ),
        "failed": make_job(
            business,
            owner,
            label="Import of bad.csv",
            status=JobStatus.FAILED,
            error="The report has 5 row(s) with errors; nothing was imported.",
        ),
        "running": make_job(
            business,
            editor,
            label="Import of big.csv",
            status=JobStatus.RUNNING,
            done=250,
            total=1000,
            phase="Checking and staging rows",
            heartbeat_at=now,
        ),
    }


def test_owner_sees_every_job_with_who_when_status_duration_and_error(
    client_for, business, owner, jobs
):
    page = client_for(owner).get(url(business, "job_list"))
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count('data-testid="job-row"') == 3
    for label in ("Import of meta.csv", "Import of bad.csv", "Import of big.csv"):
        assert label in content
    assert "12.0 s" in content
    assert "5 row(s) with errors" in content
    assert "editor" in content and "25 %" in content


def test_the_jobs_page_is_owners_only(client_for, business, editor, viewer, jobs):
    assert client_for(editor).get(url(business, "job_list")).status_code == 403
    assert client_for(viewer).get(url(business, "job_list")).status_code == 403


def test_another_business_sees_no_job(client_for, business, outsider, jobs, other_business):
    client = client_for(outsider)
    for job in jobs.values():
        assert client.get(url(business, "job_detail", job.pk)).status_code == 404
        # Its id under the outsider's own business is not found either.
        assert client.get(url(other_business, "job_detail", job.pk)).status_code == 404
        assert client.get(url(other_business, "job_progress", job.pk)).status_code == 404
    assert "Import of" not in client.get(url(other_business, "job_list")).content.decode()


def test_anonymous_is_sent_to_login(client, business, jobs):
    for name, args in (("job_list", []), ("job_detail", [jobs["done"].pk])):
        response = client.get(url(business, name, *args))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_member_sees_their_own_jobs_and_editors_the_imports(
    client_for, business, owner, editor, viewer, jobs
):
    export = make_job(business, owner, label="Export of the business", kind="export")
    client = client_for(editor)
    assert client.get(url(business, "job_detail", jobs["done"].pk)).status_code == 200
    assert client.get(url(business, "job_detail", export.pk)).status_code == 404
    # A colleague who confirms the same upload is led to the same import job: they see it.
    colleague = client_for(MembershipFactory(business=business, role="editor").user)
    assert colleague.get(url(business, "job_detail", jobs["failed"].pk)).status_code == 200
    assert colleague.get(url(business, "job_detail", export.pk)).status_code == 404
    watcher = client_for(viewer)
    for job in (*jobs.values(), export):
        assert watcher.get(url(business, "job_detail", job.pk)).status_code == 404


def test_progress_polls_while_running_and_stops_when_finished(client_for, business, owner, jobs):
    client = client_for(owner)
    running = client.get(url(business, "job_progress", jobs["running"].pk)).content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert "Checking and staging rows" in running and "250 of 1,000" in running
    assert '<progress class="w-100" max="1000" value="250"' in running
    done = client.get(url(business, "job_progress", jobs["done"].pk)).content.decode()
    assert "hx-trigger" not in done
    assert "Ad report imported: 6 day(s) added" in done
    failed = client.get(url(business, "job_detail", jobs["failed"].pk)).content.decode()
    assert "It failed." in failed and "nothing was imported" in failed
    assert "Upload a report again" in failed


def test_a_poll_finds_a_job_whose_worker_died_and_enqueues_it(client_for, business, owner, jobs):
    from django_tasks_db.models import DBTaskResult

    quiet = timezone.now() - datetime.timedelta(minutes=5)
    jobs["running"].heartbeat_at = quiet
    jobs["running"].save()
    client_for(owner).get(url(business, "job_progress", jobs["running"].pk))
    assert DBTaskResult.objects.count() == 1


def test_the_page_shows_no_job_without_one(client_for, business, owner):
    content = client_for(owner).get(url(business, "job_list")).content.decode()
    assert 'data-testid="no-jobs"' in content


def test_a_job_outside_any_business_is_its_starters_alone(client_for, owner, editor, outsider):
    job = make_job(None, owner, label="Import of backup.json", status=JobStatus.RUNNING)
    mine = client_for(owner)
    page = mine.get(reverse("my_job_detail", args=[job.pk]))
    assert page.status_code == 200 and "Import of backup.json" in page.content.decode()
    assert mine.get(reverse("my_job_progress", args=[job.pk])).status_code == 200
    for other in (editor, outsider):
        client = client_for(other)
        assert client.get(reverse("my_job_detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("my_job_progress", args=[job.pk])).status_code == 404


def test_a_business_job_is_not_reachable_through_the_personal_url(
    client_for, business, editor, jobs
):
    job = jobs["done"]  # started by the editor, in a business: only under /b/<id>/
    assert client_for(editor).get(reverse("my_job_detail", args=[job.pk])).status_code == 404


# --- A fixed number of queries, however many jobs the business has ----------------------------


def many_jobs(business, users, count, **fields):
    """`count` jobs of every status, started by each of `users` in turn, saved in bulk."""
    now = timezone.now()
    statuses = [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED]
    return Job.objects.bulk_create(
        [
            Job(
                business=business,
                started_by=users[i % len(users)],
                kind=fields.get("kind", JobKind.REPORT_IMPORT),
                label=f"Import of report-{i}.csv",
                status=statuses[i % 4],
                done=i % 4 and 10,
                total=40,
                error="The report has 2 row(s) with errors." if i % 4 == 3 else "",
                started_at=now - datetime.timedelta(seconds=30),
                heartbeat_at=now,
                finished_at=now if i % 4 >= 2 else None,
                **{k: v for k, v in fields.items() if k != "kind"},
            )
            for i in range(count)
        ]
    )


@pytest.fixture
def starters(business, owner, editor):
    """Members who start jobs: the page must read who started each in one query."""
    return [owner, editor, *(MembershipFactory(business=business).user for _ in range(3))]


@pytest.mark.parametrize("count", [3, 60])
def test_the_jobs_page_runs_a_fixed_number_of_queries(
    client_for, business, owner, starters, count, django_assert_num_queries
):
    many_jobs(business, starters, count)
    client = client_for(owner)
    page_url = url(business, "job_list")
    client.get(page_url)  # the first visit remembers the business in the session
    # session, user, membership, count, the page of jobs with who started them, navbar
    # businesses: 6, however many jobs
    with django_assert_num_queries(6):
        response = client.get(page_url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="job-row"') == min(count, 25)
    if count > 25:  # bounded: the rest are on the next pages, read the same way
        assert "Page 1 of 3 (60 in all)" in response.content.decode()
        with django_assert_num_queries(6):
            last = client.get(page_url, {"page": 3})
        assert last.content.decode().count('data-testid="job-row"') == 10


@pytest.mark.parametrize("count", [3, 60])
def test_a_job_page_and_its_progress_run_a_fixed_number_of_queries(
    client_for, business, owner, starters, count, django_assert_num_queries
):
    many_jobs(business, starters, count)
    job = make_job(
        business,
        starters[1],
        status=JobStatus.RUNNING,
        done=5,
        total=40,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    client = client_for(owner)
    client.get(url(business, "job_detail", job.pk))
    # session, user, membership, the job with who started it, navbar businesses: 5
    with django_assert_num_queries(5):
        assert client.get(url(business, "job_detail", job.pk)).status_code == 200
    # The fragment htmx polls has no navbar: 4
    with django_assert_num_queries(4):
        assert client.get(url(business, "job_progress", job.pk)).status_code == 200


@pytest.mark.parametrize("count", [3, 60])
def test_my_job_pages_run_a_fixed_number_of_queries(
    client_for, business, owner, count, django_assert_num_queries
):
    many_jobs(None, [owner], count, kind=JobKind.BUSINESS_IMPORT)
    job = make_job(
        None, owner, label="Import of backup.json", kind=JobKind.BUSINESS_IMPORT,
        status=JobStatus.RUNNING, heartbeat_at=timezone.now(),
    )  # fmt: skip
    client = client_for(owner)
    client.get(reverse("my_job_detail", args=[job.pk]))
    # session, user, the job, navbar businesses, who started it: 5
    with django_assert_num_queries(5):
        page = client.get(reverse("my_job_detail", args=[job.pk]))
    assert page.status_code == 200
    # The way back, to try another file, is in the breadcrumb.
    assert f'href="{reverse("business_import")}">Import a business</a>' in page.content.decode()
    # session, user, the job: 3
    with django_assert_num_queries(3):
        assert client.get(reverse("my_job_progress", args=[job.pk])).status_code == 200
