"""Review moves on a task: ask for review, withdraw, approve, request changes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect

from planner.access import member_required
from planner.teamwork import review, services
from planner.teamwork.forms import ReviewForm
from planner.views.common import business_url
from planner.views.tasks import LABELS, find_task, render_detail

DONE = {
    review.Action.REQUEST: "Sent for review.",
    review.Action.WITHDRAW: "Withdrawn from review.",
    review.Action.APPROVE: "Approved.",
    review.Action.REQUEST_CHANGES: "Changes requested: the author is told what to change.",
}


@member_required()
def task_review(request, pk, action):
    # Viewers pass the decorator because an owner can make one an approver (a client).
    if not (request.membership.can_edit or request.membership.is_approver):
        raise PermissionDenied("Your role in this business does not allow this.")
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
