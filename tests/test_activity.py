"""The activity log: every create, change (fields, old → new), status move, review move,
comment, import and member change, with who and when; the business's log (owners, filtered)
and each task's history (members), paginated in the same queries at 10 and 10,000 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import services
from planner.models import Membership, Task
from planner.teamwork.models import Activity
from tests.factories import SmoTaskFactory
from tests.test_review import form_data


def rows(**filters):
    return list(Activity.objects.filter(**filters).order_by("pk"))


def test_creating_changing_and_deleting_a_task_is_logged(client_for, business, editor, platform):
    url = reverse("smo_create", args=[business.pk])
    data = {"platform": platform.pk, "title": "Launch", "status": "draft", "estimated_hours": "1"}
    assert client_for(editor).post(url, data).status_code == 302
    task = Task.objects.get(title="Launch")
    edit = reverse("smo_edit", args=[business.pk, task.pk])
    changed = form_data(task, title="Launch day", estimated_hours="2.5", assignee=editor.pk)
    assert client_for(editor).post(edit, changed).status_code == 302
    task.refresh_from_db()
    assert client_for(editor).post(edit, form_data(task, status="idea")).status_code == 302
    delete = reverse("smo_delete", args=[business.pk, task.pk])
    assert client_for(editor).post(delete).status_code == 302
    log = rows(business=business)
    assert [(a.verb, a.actor, a.task_title) for a in log] == [
        ("created", editor, "Launch"),
        ("changed", editor, "Launch day"),
        ("status", editor, "Launch day"),
        ("deleted", editor, "Launch day"),
    ]
    assert log[1].changes == [
        ["title", "Launch", "Launch day"],
        ["assignee", "—", "editor"],
        ["estimated hours", "1.00", "2.5"],
    ]
    assert log[2].changes == [["status", "Draft", "Idea"]]
    assert all(a.task_id is None for a in log)  # the task is gone; its rows stay, titled


def test_a_save_that_changes_nothing_logs_nothing(business, owner, smo_task):
    before = Activity.objects.count()
    services.task_save(Task.objects.get(pk=smo_task.pk), by=owner)
    assert Activity.objects.count() == before


def test_member_changes_are_logged(client_for, business, owner, editor):
    membership = Membership.objects.get(user=editor)
    url = reverse("member_edit", args=[business.pk, membership.pk])
    client_for(owner).post(url, {"role": "viewer", "can_approve": "on"})
    client_for(owner).post(reverse("member_remove", args=[business.pk, membership.pk]))
    log = rows(business=business, verb="member")
    assert [(a.actor, a.comment) for a in log] == [
        (owner, "editor: Editor → Viewer, approver"),
        (owner, "editor was removed (viewer)"),
    ]


def test_an_import_is_logged(client_for, business, editor, stored):
    from tests.jobs_support import work_queue

    client_for(editor).post(reverse("import_confirm", args=[business.pk, stored.pk]))
    work_queue()
    (row,) = rows(business=business, verb="imported")
    assert row.actor == editor and row.comment.startswith("Import of meta_daily.csv: ")


def log_url(business, **query):
    return reverse("business_activity", args=[business.pk]), query


def test_the_business_log_is_the_owners_and_filters(
    client_for, business, owner, editor, viewer, smo_task, outsider
):
    url = reverse("business_activity", args=[business.pk])
    assert client_for(editor).get(url).status_code == 403
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    task = Task.objects.get(pk=smo_task.pk)
    task.title = "Renamed"
    services.task_save(task, by=editor)
    page = client_for(owner).get(url)
    assert page.status_code == 200
    verbs = [a.verb for a in page.context["page"].object_list]
    assert verbs == ["changed", "created"]
    assert b"Renamed" in page.content and b"title:" in page.content
    by_editor = client_for(owner).get(url, {"member": editor.pk})
    assert [a.verb for a in by_editor.context["page"].object_list] == ["changed"]
    work = client_for(owner).get(url, {"what": "review"})
    assert list(work.context["page"].object_list) == []
    bad = client_for(owner).get(url, {"member": outsider.pk})
    assert bad.status_code == 400 and "member" in bad.context["form"].errors


def test_a_task_history_is_for_members_of_its_business(
    client, client_for, business, viewer, outsider, smo_task, other_business
):
    url = reverse("task_activity", args=[business.pk, smo_task.pk])
    page = client_for(viewer).get(url)
    assert page.status_code == 200 and [a.verb for a in page.context["page"].object_list] == [
        "created"
    ]
    assert client_for(outsider).get(url).status_code == 404
    theirs = SmoTaskFactory(business=other_business)
    wrong = reverse("task_activity", args=[business.pk, theirs.pk])
    assert client_for(viewer).get(wrong).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("name", ["business_activity", "task_activity"])
def test_logs_read_the_same_queries_at_10_and_10000_rows(
    client_for, business, owner, smo_task, name
):
    client = client_for(owner)
    args = [business.pk] + ([smo_task.pk] if name == "task_activity" else [])
    url = reverse(name, args=args)

    def add(count):
        Activity.objects.bulk_create(
            Activity(
                business=business,
                task=smo_task,
                task_title=smo_task.title,
                actor=owner,
                actor_name="owner",
                verb="changed",
                changes=[["title", "a", "b"]],
            )
            for _ in range(count)
        )

    def queries(**query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        return len(captured)

    add(10)
    queries()
    small = queries(), queries(page="1")
    add(10_000)
    assert (queries(), queries(page="150")) == small
    assert len(client.get(url).context["page"].object_list) == 50
