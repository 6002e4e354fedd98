"""Review moves and comments on a task; the notification inbox and its settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner.access import get_for_business, member_required
from planner.models import Role
from planner.teamwork import notify, review, services
from planner.teamwork.forms import (
    ActivityFilterForm,
    CommentForm,
    NotificationSettingsForm,
    ReviewForm,
)
from planner.teamwork.models import (
    VERB_GROUPS,
    Activity,
    Comment,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from planner.views.common import PAGE_SIZE, business_url
from planner.views.tasks import LABELS, find_task, render_detail

DONE = {
    review.Action.REQUEST: "Sent for review.",
    review.Action.WITHDRAW: "Withdrawn from review.",
    review.Action.APPROVE: "Approved.",
    review.Action.REQUEST_CHANGES: "Changes requested: the author is told what to change.",
}


def _may_take_part(request):
    """Editors, owners and approvers (a viewer made approver is a client) review and comment;
    plain viewers read. Viewers pass the decorators for this reason."""
    if not (request.membership.can_edit or request.membership.is_approver):
        raise PermissionDenied("Your role in this business does not allow this.")


@member_required()
def task_review(request, pk, action):
    _may_take_part(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    task = find_task(request, pk)
    if action not in review.BUTTONS:
        raise Http404("No such review action.")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_task(
                request.business,
                task.pk,
                action,
                user=request.user,
                membership=request.membership,
                comment=form.cleaned_data["comment"],
                seen_version=form.cleaned_data["seen_version"],
            )
        except review.ReviewRefused as refused:
            form.add_error(None, str(refused))
            if request.business.approval_mode == review.ApprovalMode.OFF:
                messages.error(request, str(refused))  # no review panel to show it in
        else:
            messages.success(request, f"{LABELS[task.kind]}: {DONE[action]}")
            return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#review")
    return render_detail(request, find_task(request, pk), status=400, review=(form, action))


# Comments.


@member_required()
def comment_create(request, pk):
    _may_take_part(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    task = find_task(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(task, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Comment added.")
            return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#comments")
    return render_detail(request, task, status=400, comment_form=form)


def _comment(request, pk, comment_pk):
    task = find_task(request, pk)
    comment = get_for_business(Comment.objects.filter(task=task), request.business, pk=comment_pk)
    return task, comment


@member_required()
def comment_edit(request, pk, comment_pk):
    _may_take_part(request)
    task, comment = _comment(request, pk, comment_pk)
    if comment.author_id != request.user.pk or comment.by_client:
        raise PermissionDenied("Only its author can edit a comment.")
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Comment saved.")
            return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#comments")
    return render(
        request,
        "teamwork/comment_form.html",
        {"form": form, "task": task, "members": _member_names(request.business)},
        status=400 if request.method == "POST" else 200,
    )


@member_required()
def comment_delete(request, pk, comment_pk):
    _may_take_part(request)
    task, comment = _comment(request, pk, comment_pk)
    if comment.author_id != request.user.pk and not request.membership.is_owner:
        raise PermissionDenied("Only its author or an owner can delete a comment.")
    back = business_url(request, f"{task.kind}_detail", task.pk) + "#comments"
    if request.method == "POST":
        services.comment_delete(comment, user=request.user, membership=request.membership)
        messages.success(request, "Comment deleted.")
        return redirect(back)
    return render(request, "teamwork/comment_delete.html", {"comment": comment, "back": back})


def _member_names(business):
    from planner.teamwork.selectors import member_names

    return member_names(business)


# Notifications: the inbox is the user's, across their businesses (only those they belong to).


def _inbox(user):
    return Notification.objects.filter(user=user, business__memberships__user=user)


@login_required
def notification_inbox(request):
    rows = _inbox(request.user).select_related("business")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "teamwork/inbox.html",
        {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""},
    )


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one read and go where it points."""
    row = get_object_or_404(_inbox(request.user), pk=pk)
    if row.read_at is None:
        Notification.objects.filter(pk=row.pk).update(read_at=timezone.now())
    return redirect(row.url)


@login_required
@require_POST
def notification_read_all(request):
    count = _inbox(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notification_inbox")


@login_required
def notification_settings(request):
    form = NotificationSettingsForm(
        request.POST or None, choices=notify.choices_of(request.user.pk)
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for kind in NotificationKind.values:
                NotificationPreference.objects.update_or_create(
                    user=request.user, kind=kind, defaults={"email": form.cleaned_data[kind]}
                )
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("notification_settings")
    return render(
        request,
        "teamwork/notification_settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# The activity log.

ACTIVITY_PAGE = 50


def _activity_page(request, rows):
    rows = rows.annotate(task_kind=F("task__kind")).order_by("-created_at", "-id")
    return Paginator(rows, ACTIVITY_PAGE).get_page(request.GET.get("page"))


@member_required(Role.OWNER)
def business_activity(request):
    """Everything done in the business, newest first, filtered by kind of event and member."""
    form = ActivityFilterForm(request.GET or None, business=request.business)
    rows = Activity.objects.for_business(request.business)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["what"]:
            rows = rows.filter(verb__in=VERB_GROUPS[form.cleaned_data["what"]][1])
        if form.cleaned_data["member"]:
            rows = rows.filter(actor_id=form.cleaned_data["member"])
    return render(
        request,
        "teamwork/activity.html",
        {"form": form, "page": _activity_page(request, rows), "task": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@member_required()
def task_activity(request, pk):
    """One task's history: every change, move and comment, newest first (members read it)."""
    task = find_task(request, pk)
    rows = Activity.objects.for_business(request.business).filter(task=task)
    return render(
        request,
        "teamwork/activity.html",
        {"form": None, "page": _activity_page(request, rows), "task": task},
    )
