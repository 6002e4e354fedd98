"""Review state in the lists, the calendar and the dashboard: shown, filtered by (including
"waiting for me"), counted from the tallies, and in the same number of queries at any size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from planner import rollups
from planner.models import Task
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def optional(business):
    business.approval_mode = "optional"
    business.save()
    return business


def add_tasks(business, platform, count, **fields):
    """`count` posts saved in bulk (then counted by a full recount, as bulk loads do)."""
    day = datetime.date(2026, 11, 20)
    Task.objects.bulk_create(
        Task(
            business=business,
            kind="smo",
            platform=platform,
            title=f"Bulk {n}",
            status="draft",
            work_date=day,
            **fields,
        )
        for n in range(count)
    )
    rollups.refresh_tallies(business.pk)


def titles(response):
    return [t.title for t in response.context["page"].object_list]


def list_url(business, **query):
    from urllib.parse import urlencode

    return reverse("smo_list", args=[business.pk]) + ("?" + urlencode(query) if query else "")


def test_lists_filter_by_review_state(client_for, optional, owner, editor, platform):
    add_tasks(optional, platform, 2, review_state="in_review", review_requested_by=editor)
    add_tasks(optional, platform, 1, review_state="approved")
    add_tasks(optional, platform, 3)
    client = client_for(owner)
    response = client.get(list_url(optional, review="in_review"))
    assert response.status_code == 200
    assert len(titles(response)) == 2 and response.context["page"].paginator.count == 2
    assert b'data-review-state="in_review"' in response.content
    assert client.get(list_url(optional, review="approved")).context["page"].paginator.count == 1
    assert client.get(list_url(optional, review="none")).context["page"].paginator.count == 3
    assert client.get(list_url(optional)).context["page"].paginator.count == 6


def test_waiting_for_me_leaves_out_my_own_requests(client_for, optional, owner, editor, platform):
    add_tasks(optional, platform, 2, review_state="in_review", review_requested_by=editor)
    add_tasks(optional, platform, 1, review_state="in_review", review_requested_by=owner)
    add_tasks(optional, platform, 1, review_state="approved", review_requested_by=editor)
    response = client_for(owner).get(list_url(optional, review="mine"))
    assert response.context["page"].paginator.count == 2
    optional.authors_cannot_approve = False
    optional.save()
    response = client_for(owner).get(list_url(optional, review="mine"))
    assert response.context["page"].paginator.count == 3


def test_waiting_for_me_is_offered_to_approvers_only(client_for, optional, owner, editor):
    assert b'value="mine"' in client_for(owner).get(list_url(optional)).content
    page = client_for(editor).get(list_url(optional, review="mine"))
    assert b'value="mine"' not in page.content
    assert "review" in page.context["filters"].errors  # not a choice for them
    approver = MembershipFactory(business=optional, role="viewer", can_approve=True).user
    assert b'value="mine"' in client_for(approver).get(list_url(optional)).content


def test_with_review_off_the_lists_have_no_review_column(client_for, business, owner):
    page = client_for(owner).get(list_url(business))
    assert b"<th>Review</th>" not in page.content
    assert "review" not in page.context["filters"].fields


@pytest.mark.parametrize("query", [{"review": "mine"}, {"review": "in_review"}, {}])
def test_list_queries_do_not_grow(
    client_for, optional, owner, editor, platform, query, django_assert_num_queries
):
    client = client_for(owner)

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(list_url(optional, **query)).status_code == 200
        return len(captured)

    add_tasks(optional, platform, 10, review_state="in_review", review_requested_by=editor)
    queries()  # the first request after logging in updates the session
    small = queries()
    add_tasks(optional, platform, 10_000, review_state="in_review", review_requested_by=editor)
    assert queries() == small


def test_dashboard_counts_review_states_and_links_them(client_for, optional, owner, platform):
    add_tasks(optional, platform, 2, review_state="in_review")
    add_tasks(optional, platform, 1, review_state="changes")
    page = client_for(owner).get(reverse("dashboard", args=[optional.pk]))
    body = page.content.decode()
    assert 'data-testid="pipeline-review"' in body
    states = {value: count for value, _label, count, _url in page.context["review"][0][1]}
    assert states == {"in_review": 2, "approved": 0, "changes": 1}
    assert "?review=in_review" in body and 'data-testid="waiting-for-me-smo"' in body


def test_dashboard_shows_no_review_when_it_is_off(client_for, business, owner, smo_task):
    page = client_for(owner).get(reverse("dashboard", args=[business.pk]))
    assert b"pipeline-review" not in page.content


def test_dashboard_offers_waiting_for_me_to_approvers_only(client_for, optional, editor, platform):
    add_tasks(optional, platform, 1, review_state="in_review")
    page = client_for(editor).get(reverse("dashboard", args=[optional.pk]))
    assert b"pipeline-review" in page.content and b"waiting-for-me" not in page.content


def test_calendar_filters_by_review_state_and_says_it(client_for, optional, owner, platform):
    moment = timezone.make_aware(datetime.datetime(2026, 11, 20, 10))
    add_tasks(optional, platform, 2, review_state="in_review", scheduled_at=moment)
    add_tasks(optional, platform, 1, review_state="none", scheduled_at=moment)
    rollups.refresh_calendar(optional.pk)
    url = reverse("calendar", args=[optional.pk])
    everything = client_for(owner).get(url, {"date": "2026-11-20", "view": "week"})
    assert everything.content.count(b'data-testid="calendar-post"') == 3
    assert everything.content.count(b'class="cal-review">In review<') == 2
    narrowed = client_for(owner).get(
        url, {"date": "2026-11-20", "view": "week", "review_state": "in_review"}
    )
    assert narrowed.content.count(b'data-testid="calendar-post"') == 2
    day = datetime.date(2026, 11, 20)
    assert narrowed.context["weeks"][0].days[4].date == day


def test_calendar_has_no_review_filter_when_review_is_off(client_for, business, owner):
    page = client_for(owner).get(reverse("calendar", args=[business.pk]))
    assert "review_state" not in page.context["form"].fields


def test_an_outsiders_list_filter_sees_nothing(client_for, optional, outsider, editor, platform):
    add_tasks(optional, platform, 2, review_state="in_review", review_requested_by=editor)
    assert client_for(outsider).get(list_url(optional, review="mine")).status_code == 404


def test_a_user_of_another_business_is_no_author_here(client_for, optional, owner, platform):
    stranger = UserFactory()
    add_tasks(optional, platform, 1, review_state="in_review", review_requested_by=stranger)
    assert (
        client_for(owner).get(list_url(optional, review="mine")).context["page"].paginator.count
        == 1
    )


def test_calendar_waiting_for_me_counts_others_work_in_review(
    client_for, optional, owner, editor, platform
):
    moment = timezone.make_aware(datetime.datetime(2026, 11, 20, 10))
    add_tasks(
        optional,
        platform,
        6,
        review_state="in_review",
        review_requested_by=editor,
        scheduled_at=moment,
    )
    add_tasks(
        optional,
        platform,
        2,
        review_state="in_review",
        review_requested_by=owner,
        scheduled_at=moment,
    )
    add_tasks(optional, platform, 3, review_state="approved", scheduled_at=moment)
    rollups.refresh_calendar(optional.pk)
    url = reverse("calendar", args=[optional.pk])
    month = client_for(owner).get(url, {"date": "2026-11-20", "review_state": "mine"})
    assert month.status_code == 200
    day = next(
        d for w in month.context["weeks"] for d in w.days if d.date.day == 20 and d.date.month == 11
    )
    assert (len(day.posts), day.counts.posts, day.more) == (4, 6, 2)
    assert all(p.review_requested_by_id == editor.pk for p in day.posts)
    # Not offered to a member who approves nothing.
    page = client_for(editor).get(url, {"date": "2026-11-20"})
    assert ("mine", "Waiting for me") not in page.context["form"].fields["review_state"].choices


def test_calendar_waiting_for_me_reads_the_same_queries_at_two_sizes(
    client_for, optional, owner, editor, platform
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    moment = timezone.make_aware(datetime.datetime(2026, 11, 20, 10))
    client = client_for(owner)
    url = reverse("calendar", args=[optional.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(url, {"date": "2026-11-20", "review_state": "mine"}).status_code == 200
            )
        return len(captured)

    add_tasks(
        optional,
        platform,
        10,
        review_state="in_review",
        review_requested_by=editor,
        scheduled_at=moment,
    )
    rollups.refresh_calendar(optional.pk)
    queries()
    small = queries()
    add_tasks(
        optional,
        platform,
        2_000,
        review_state="in_review",
        review_requested_by=editor,
        scheduled_at=moment,
    )
    assert queries() == small


def test_waiting_counts_equal_the_tallies_for_the_same_work(optional, editor, platform):
    from planner import calendar_page
    from tests.factories import SmmTaskFactory, SmoTaskFactory

    for offset in range(5):
        SmmTaskFactory(
            business=optional,
            platform=platform,
            flight_start=datetime.date(2026, 11, 1 + offset * 3),
            flight_end=datetime.date(2026, 11, 5 + offset * 5),
        )
        SmoTaskFactory(
            business=optional,
            platform=platform,
            scheduled_at=timezone.make_aware(datetime.datetime(2026, 11, 2 + offset, 9)),
        )
    SmmTaskFactory(
        business=optional,
        platform=platform,
        flight_start=datetime.date(2026, 11, 9),
        flight_end=None,
    )
    Task.objects.filter(business=optional).update(review_state="in_review")
    rollups.refresh_tallies(optional.pk)
    start, end = datetime.date(2026, 11, 4), datetime.date(2026, 11, 25)
    tallies = calendar_page.day_counts(optional, start, end, {"review_state": "in_review"})
    counted = calendar_page.waiting_counts(
        Task.objects.filter(business=optional, review_state="in_review"), start, end
    )
    assert counted == tallies and sum(c.ads for c in counted.values()) > 0
