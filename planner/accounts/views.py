"""Invitations: the owner's side (on the members page) and the invitee's (the e-mail's link)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from planner.access import get_for_business, member_required
from planner.accounts import services
from planner.accounts.forms import InvitationForm
from planner.accounts.models import Invitation
from planner.models import Role
from planner.views.businesses import render_member_list


def _base_url(request):
    return request.build_absolute_uri("/").rstrip("/")


@member_required(Role.OWNER)
@require_POST
def invitation_create(request):
    form = InvitationForm(request.POST)
    if form.is_valid():
        email, role = form.cleaned_data["email"], form.cleaned_data["role"]
        try:
            services.invite(
                request.business, request.user, email, role, base_url=_base_url(request)
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"An invitation was sent to {email.lower()}.")
            return redirect("member_list", business_id=request.business.pk)
    return render_member_list(request, form, status=400)


@member_required(Role.OWNER)
@require_POST
def invitation_resend(request, pk):
    invitation = get_for_business(Invitation.objects, request.business, pk=pk)
    try:
        services.resend(invitation, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation to {invitation.email} was sent again.")
    return redirect("member_list", business_id=request.business.pk)


@member_required(Role.OWNER)
@require_POST
def invitation_revoke(request, pk):
    invitation = get_for_business(Invitation.objects, request.business, pk=pk)
    try:
        services.revoke(invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("member_list", business_id=request.business.pk)


@member_required(mfa=False)
def member_leave(request):
    error = None
    if request.method == "POST":
        try:
            services.remove_member(request.membership, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"You left {request.business.name}.")
            return redirect("home")
    return render(
        request,
        "confirm_delete.html",
        {
            "object": f"your membership of {request.business.name}",
            "action": "Leave",
            "error": error,
            "warning": "You lose access to this business until someone invites you again. "
            "Your logged time stays.",
            "cancel_url": reverse("member_list", args=[request.business.pk]),
        },
        status=400 if error else 200,
    )


def invitation_detail(request, token):
    """The e-mail's link: who invites you to what, and Accept / Decline (POST) once logged in
    with the invited, verified address. A link that matches nothing is a 404."""
    invitation = services.find(token)
    if invitation is None:
        raise Http404("No such invitation.")
    signed_in = request.user.is_authenticated
    problem = services.check_invitee(invitation, request.user) if signed_in else None
    if not invitation.is_open:  # the same page for anyone holding the link
        context = {"invitation": invitation, "problem": services.CLOSED[invitation.state]}
        return render(request, "accounts/invitation.html", context, status=410)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        return _answer(request, invitation, request.POST.get("answer"))
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "problem": problem},
        status=403 if problem else 200,
    )


def _answer(request, invitation, answer):
    if answer not in ("accept", "decline"):
        context = {"invitation": invitation, "problem": "Choose Accept or Decline."}
        return render(request, "accounts/invitation.html", context, status=400)
    try:
        if answer == "accept":
            membership = services.accept(invitation, request.user)
        else:
            services.decline(invitation, request.user)
    except services.InvitationRefused as refusal:
        invitation.refresh_from_db()
        return render(
            request,
            "accounts/invitation.html",
            {"invitation": invitation, "problem": str(refusal)},
            status=403 if invitation.is_open else 410,
        )
    if answer == "decline":
        messages.info(request, f"You declined the invitation to {invitation.business.name}.")
        return redirect("home")
    messages.success(request, f"Welcome to {invitation.business.name}.")
    return redirect("dashboard", business_id=membership.business_id)


@login_required
@require_POST
def invitation_answer(request, pk):
    """Accept or decline from the list of invitations waiting (reached after logging in, so
    the link's token is not needed: the verified address is what entitles). Any invitation not
    waiting for this user is a 404."""
    invitation = services.waiting_for(request.user).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return _answer(request, invitation, request.POST.get("answer"))


@login_required
def invitations_waiting(request):
    invitations = services.waiting_for(request.user)[:50]
    return render(request, "accounts/invitations_waiting.html", {"invitations": invitations})
