"""Notifications: who is told of what, exactly once; the bell and the inbox; e-mail at once, in
the daily digest or not at all; and the daily checks (`manage.py notify_daily`)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner import services
from planner.jobs.models import Job, JobKind
from planner.jobs.services import execute
from planner.models import Membership, Task
from planner.teamwork import daily, notify
from planner.teamwork.models import Notification, NotificationPreference
from planner.teamwork.services import review_task
from tests.factories import MembershipFactory, SmmTaskFactory, SmoTaskFactory, UserFactory


@pytest.fixture
def optional(business):
    business.approval_mode = "optional"
    business.save()
    return business


@pytest.fixture
def approver(optional):
    return MembershipFactory(business=optional, role="editor", can_approve=True).user


def membership(user, business):
    return Membership.objects.get(user=user, business=business)


def move(task, action, user, comment=""):
    return review_task(
        task.business,
        task.pk,
        action,
        user=user,
        membership=membership(user, task.business),
        comment=comment,
    )


def told(kind=None):
    rows = Notification.objects.order_by("user__username")
    if kind:
        rows = rows.filter(kind=kind)
    return [(row.user.username, row.kind) for row in rows]


def send_emails():
    """Run the e-mail jobs the notifications queued (the worker's part)."""
    for job in Job.objects.filter(kind=JobKind.EMAIL, status="queued"):
        execute(job.pk)


# Fan-out: who is told of what.


def test_a_review_request_tells_every_approver_but_the_asker(
    optional, owner, editor, viewer, approver, smo_task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move(smo_task, "request", editor)
    assert told() == [("owner", "review_requested"), (approver.username, "review_requested")]
    assert "editor asks you to review" in Notification.objects.first().text


def test_the_decision_is_told_to_the_author(
    optional, owner, editor, smo_task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move(smo_task, "request", editor)
        move(smo_task, "request_changes", owner, "Shorter, @editor")
    decided = Notification.objects.get(kind="review_decided")
    assert decided.user == editor and "Shorter" in decided.text
    # The comment is in the thread too; its mention of the author, told of the decision
    # already, tells them nothing more.
    assert told("mention") == []
    with django_capture_on_commit_callbacks(execute=True):
        move(smo_task, "request", editor)
        move(smo_task, "approve", owner)
    assert told("review_decided") == [("editor", "review_decided")] * 2


def test_nobody_is_told_of_their_own_move(
    optional, owner, smo_task, django_capture_on_commit_callbacks
):
    optional.authors_cannot_approve = False
    optional.save()
    with django_capture_on_commit_callbacks(execute=True):
        move(smo_task, "request", owner)
        move(smo_task, "approve", owner)
    assert told() == []


def test_an_edit_of_approved_work_asks_the_approvers_again(
    client_for, optional, owner, editor, approver, smo_task, django_capture_on_commit_callbacks
):
    move(smo_task, "request", editor)
    move(smo_task, "approve", owner)
    Notification.objects.all().delete()
    task = Task.objects.get(pk=smo_task.pk)
    task.title = "New title"
    with django_capture_on_commit_callbacks(execute=True):
        services.task_save(task, by=editor)
    assert told() == [("owner", "review_requested"), (approver.username, "review_requested")]
    assert "changed approved" in Notification.objects.first().text


def test_an_assignment_tells_the_assignee_once(
    business, owner, editor, smo_task, django_capture_on_commit_callbacks
):
    task = Task.objects.get(pk=smo_task.pk)
    task.assignee = editor
    with django_capture_on_commit_callbacks(execute=True):
        services.task_save(task, by=owner)
        task.estimated_hours = 2
        services.task_save(task, by=owner)  # saved again, same assignee: nothing new
    assert told() == [("editor", "assigned")]
    task.assignee = owner
    services.task_save(task, by=owner)  # assigning oneself tells nobody
    assert told() == [("editor", "assigned")]


def test_a_finished_or_failed_import_tells_its_starter(business, editor):
    for status in ("succeeded", "failed"):
        job = Job.objects.create(
            business=business,
            started_by=editor,
            kind=JobKind.REPORT_IMPORT,
            label="Import of meta.csv",
            status=status,
            error="" if status == "succeeded" else "The file has no date column.",
        )
        notify.import_finished(job)
    texts = sorted(Notification.objects.values_list("text", flat=True))
    assert texts == [
        "Import of meta.csv: done",
        "Import of meta.csv: failed: The file has no date column.",
    ]


def test_the_same_event_twice_tells_nobody_twice(business, owner):
    for _ in range(3):
        notify.tell(
            [owner.pk], business=business, kind="mention", key="mention:1", text="t", url="/"
        )
    assert Notification.objects.count() == 1


def test_nobody_is_told_of_a_business_they_left(business, owner, outsider):
    notify.tell(
        [owner.pk, outsider.pk], business=business, kind="mention", key="k", text="t", url="/"
    )
    assert told() == [("owner", "mention")]


# The bell and the inbox.


def test_the_bell_counts_unread_and_costs_no_extra_query(client_for, business, owner, smo_task):
    client = client_for(owner)
    url = reverse("dashboard", args=[business.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        return len(captured), page

    queries()
    without, page = queries()
    assert b'data-testid="unread-count"' not in page.content
    for n in range(3):
        notify.tell([owner.pk], business=business, kind="mention", key=f"k{n}", text="t", url="/")
    with_three, page = queries()
    assert with_three == without
    assert b'data-testid="unread-count">3<' in page.content


def test_the_bell_forgets_a_business_once_left(
    client_for, business, owner, outsider, other_business
):
    notify.tell([owner.pk], business=business, kind="mention", key="k", text="t", url="/")
    MembershipFactory(business=other_business, user=owner, role="editor")
    Membership.objects.filter(business=business, user=owner).delete()
    page = client_for(owner).get(reverse("notification_inbox"))
    assert b"unread-count" not in page.content
    assert list(page.context["page"].object_list) == []


def test_inbox_open_and_mark_read(client_for, business, owner, editor):
    for n in range(2):
        notify.tell(
            [owner.pk], business=business, kind="mention", key=f"k{n}", text=f"Note {n}", url="/x/"
        )
    client = client_for(owner)
    inbox = client.get(reverse("notification_inbox"))
    assert [n.text for n in inbox.context["page"].object_list] == ["Note 1", "Note 0"]
    first = Notification.objects.get(text="Note 0")
    response = client.post(reverse("notification_open", args=[first.pk]))
    assert response.status_code == 302 and response.url == "/x/"
    first.refresh_from_db()
    assert first.read_at is not None
    unread = client.get(reverse("notification_inbox"), {"unread": "1"})
    assert [n.text for n in unread.context["page"].object_list] == ["Note 1"]
    assert client.post(reverse("notification_read_all")).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    # Someone else's notification is not there for them.
    assert client_for(editor).post(reverse("notification_open", args=[first.pk])).status_code == 404


def test_the_inbox_reads_the_same_queries_at_10_and_10000(client_for, business, owner):
    client = client_for(owner)

    def add(count, start):
        Notification.objects.bulk_create(
            Notification(
                user=owner,
                business=business,
                kind="mention",
                key=f"k{n}",
                text=f"n{n}",
                url="/",
                email_state="off",
            )
            for n in range(start, start + count)
        )

    def queries(**query):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("notification_inbox"), query)
        assert page.status_code == 200
        return len(captured)

    add(10, 0)
    queries()
    small = queries(), queries(page="1"), queries(unread="1")
    add(10_000, 10)
    assert (queries(), queries(page="300"), queries(unread="1")) == small
    assert len(client.get(reverse("notification_inbox")).context["page"].object_list) == 25


def test_anonymous_cannot_see_an_inbox(client):
    response = client.get(reverse("notification_inbox"))
    assert response.status_code == 302 and reverse("account_login") in response.url


# E-mail.


def test_instant_mail_goes_once(business, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify.tell([owner.pk], business=business, kind="mention", key="k", text="Hello", url="/x/")
    with django_capture_on_commit_callbacks(execute=True):
        notify.tell([owner.pk], business=business, kind="mention", key="k", text="Hello", url="/x/")
    send_emails()
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert "Hello" in message.subject and "http://127.0.0.1:8000/x/" in message.body
    assert Notification.objects.get().email_state == "sent"


def test_digest_batches_and_goes_once(
    client_for, business, owner, django_capture_on_commit_callbacks
):
    response = client_for(owner).post(
        reverse("notification_settings"),
        {kind: "digest" for kind in notify.NotificationKind.values},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            notify.tell(
                [owner.pk], business=business, kind="mention", key=f"k{n}", text=f"N{n}", url="/"
            )
    send_emails()
    assert mail.outbox == []
    assert notify.send_digests() == 1
    assert notify.send_digests() == 0  # run again: nothing waits
    send_emails()
    (message,) = mail.outbox
    assert "3 updates" in message.subject
    assert all(f"N{n}" in message.body for n in range(3))


def test_off_sends_nothing(business, owner, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=owner, kind="mention", email="off")
    with django_capture_on_commit_callbacks(execute=True):
        notify.tell([owner.pk], business=business, kind="mention", key="k", text="t", url="/")
    assert notify.send_digests() == 0
    send_emails()
    assert mail.outbox == [] and Notification.objects.get().email_state == "off"


def test_a_digest_leaves_out_a_business_left_since(business, owner, other_business):
    NotificationPreference.objects.create(user=owner, kind="mention", email="digest")
    MembershipFactory(business=other_business, user=owner)
    for where in (business, other_business):
        notify.tell(
            [owner.pk], business=where, kind="mention", key=f"k{where.pk}", text=where.name, url="/"
        )
    Membership.objects.filter(business=business, user=owner).delete()
    assert notify.send_digests() == 1
    send_emails()
    (message,) = mail.outbox
    assert other_business.name in message.body and business.name not in message.body


def test_settings_refuse_an_unknown_choice(client_for, owner):
    data = {kind: "instant" for kind in notify.NotificationKind.values} | {"mention": "hourly"}
    response = client_for(owner).post(reverse("notification_settings"), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["mention"][0]
    assert not NotificationPreference.objects.exists()


# The daily checks.


def test_daily_checks_tell_the_assignee_or_the_owners_once(business, owner, editor, platform):
    business.approval_mode = "optional"
    business.save()
    now = timezone.now()
    SmoTaskFactory(
        business=business,
        platform=platform,
        title="Soon",
        scheduled_at=now + datetime.timedelta(hours=5),
        assignee=editor,
    )
    SmoTaskFactory(
        business=business,
        platform=platform,
        title="Late",
        scheduled_at=now - datetime.timedelta(hours=5),
    )
    SmoTaskFactory(
        business=business,
        platform=platform,
        title="Long ago",
        scheduled_at=now - datetime.timedelta(days=30),
    )
    Notification.objects.all().delete()  # the assignment's own
    out = io.StringIO()
    call_command("notify_daily", stdout=out)
    call_command("notify_daily", stdout=io.StringIO())  # twice a day: nobody told twice
    assert "due soon: 1" in out.getvalue() and "overdue: 1" in out.getvalue()
    rows = {(n.user.username, n.kind): n.text for n in Notification.objects.all()}
    assert set(rows) == {("editor", "due_soon"), ("owner", "overdue")}
    assert rows[("editor", "due_soon")].endswith("not scheduled and not approved")


def test_a_scheduled_and_approved_post_is_not_due_news(business, owner, editor, platform):
    now = timezone.now()
    task = SmoTaskFactory(
        business=business,
        platform=platform,
        status="scheduled",
        scheduled_at=now + datetime.timedelta(hours=5),
    )
    daily.run_daily(now)
    assert told() == []  # review off: scheduled is ready
    business.approval_mode = "optional"
    business.save()
    daily.run_daily(now)
    assert told() == [("owner", "due_soon")]
    assert Notification.objects.get().text.endswith("is not approved")
    Notification.objects.all().delete()
    Task.objects.filter(pk=task.pk).update(review_state="approved")
    daily.run_daily(now)
    assert told() == []


def test_an_ad_off_pace_is_told_once_per_direction(business, owner, platform):
    today = timezone.localdate()
    ad = SmmTaskFactory(
        business=business,
        platform=platform,
        status="active",
        budget_type="lifetime",
        budget_amount=100,
        flight_start=today - datetime.timedelta(days=10),
        flight_end=today + datetime.timedelta(days=10),
    )
    daily.run_daily()
    daily.run_daily()
    (row,) = Notification.objects.filter(kind="off_pace")
    assert row.user == owner and row.text == f"“{ad.title}” is under pace"


def test_a_left_member_is_not_told_by_the_daily_checks(business, owner, platform):
    leaver = UserFactory()
    MembershipFactory(business=business, user=leaver, role="editor")
    SmoTaskFactory(
        business=business,
        platform=platform,
        scheduled_at=timezone.now() + datetime.timedelta(hours=2),
        assignee=leaver,
    )
    Membership.objects.filter(user=leaver).delete()
    Notification.objects.all().delete()  # the assignment's own
    daily.run_daily()
    assert told() == [("owner", "due_soon")]


def test_a_real_import_job_tells_its_starter_when_it_ends(client_for, business, editor, stored):
    from tests.jobs_support import work_queue

    client_for(editor).post(reverse("import_confirm", args=[business.pk, stored.pk]))
    work_queue()
    (row,) = Notification.objects.filter(kind="import")
    assert row.user == editor and row.text.startswith("Import of meta_daily.csv: done")
    job = Job.objects.get(kind=JobKind.REPORT_IMPORT)
    assert row.url == reverse("job_detail", args=[business.pk, job.pk])


def test_a_mention_in_a_review_comment_tells_who_the_move_does_not(
    optional, owner, editor, viewer, smo_task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move(smo_task, "request", editor)
        move(smo_task, "request_changes", owner, "@editor and @viewer: see this")
    assert told("mention") == [("viewer", "mention")]
    assert told("review_decided") == [("editor", "review_decided")]


def test_a_second_digest_run_sends_only_what_arrived_since(business, owner):
    NotificationPreference.objects.create(user=owner, kind="mention", email="digest")
    notify.tell([owner.pk], business=business, kind="mention", key="a", text="First", url="/")
    assert notify.send_digests() == 1
    notify.tell([owner.pk], business=business, kind="mention", key="b", text="Second", url="/")
    assert notify.send_digests() == 1
    send_emails()
    first, second = mail.outbox
    assert "First" in first.body and "First" not in second.body and "Second" in second.body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {"sent"}


def test_a_line_break_in_a_title_makes_no_broken_subject(
    business, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify.tell(
            [owner.pk], business=business, kind="mention", key="k", text="Two\nlines", url="/"
        )
    send_emails()
    (message,) = mail.outbox
    assert message.subject.endswith("Two lines")
