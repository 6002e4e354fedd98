from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from planner import exports, portability, services
from planner.access import CURRENT_BUSINESS_KEY, get_for_business, member_required
from planner.accounts import services as accounts_services
from planner.accounts.forms import InvitationForm
from planner.accounts.models import Invitation, InvitationStatus
from planner.forms import BusinessForm, BusinessImportForm, BusinessSettingsForm, MemberRoleForm
from planner.jobs.models import Job, JobKind
from planner.models import Business, Membership, Role
from planner.selectors import business_members

PENDING_SHOWN = 50  # pending invitations listed on the members page, newest first


@login_required
def home(request):
    """Invitations waiting for an answer first; then the business used last, else the first
    one, else create one."""
    businesses = Business.objects.for_user(request.user)
    business = (
        businesses.filter(pk=request.session.get(CURRENT_BUSINESS_KEY)).first()
        or businesses.first()
    )
    waiting = accounts_services.waiting_for(request.user).exists()
    if waiting and business is None:
        return redirect("invitations_waiting")
    if waiting:
        messages.info(request, "An invitation to another business is waiting for your answer.")
    if business is None:
        return redirect("business_create")
    return redirect("dashboard", business_id=business.pk)


@verified_email_required
def business_create(request):
    form = BusinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        business = services.business_create(user=request.user, **form.cleaned_data)
        messages.success(request, f"{business.name} is ready. Add its social platforms next.")
        return redirect("platform_list", business_id=business.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "businesses/business_form.html", {"form": form}, status=status)


@member_required(Role.OWNER)
def business_edit(request):
    # A copy: a refused POST must not show its unsaved values as the business's name.
    form = BusinessSettingsForm(
        request.POST or None,
        instance=Business.objects.get(pk=request.business.pk),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        services.business_update(form.save(commit=False))
        messages.success(request, "Business settings saved.")
        return redirect("dashboard", business_id=request.business.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "businesses/business_form.html", {"form": form}, status=status)


@member_required(Role.OWNER)
def business_delete(request):
    business = request.business
    if request.method == "POST":
        name = business.name
        business.delete()
        request.session.pop(CURRENT_BUSINESS_KEY, None)
        messages.success(request, f"{name} and all its data were deleted.")
        return redirect("home")
    return render(
        request,
        "confirm_delete.html",
        {
            "object": business,
            "warning": "Every platform, campaign, task, time entry and result of this business "
            "is deleted with it. This cannot be undone.",
            "cancel_url": reverse("business_edit", args=[business.pk]),
        },
    )


@member_required()
def member_list(request):
    # A link from a business import's result prefills the form with someone from the export.
    initial = {"email": request.GET.get("invite", "")[:254]}
    if request.GET.get("role") in Role.values:
        initial["role"] = request.GET["role"]
    return render_member_list(request, InvitationForm(initial=initial))


def render_member_list(request, invite_form, status=200):
    owner = request.membership.is_owner
    pending = (
        Invitation.objects.for_business(request.business)
        .filter(status=InvitationStatus.PENDING)
        .select_related("invited_by")[:PENDING_SHOWN]
        if owner
        else []
    )
    return render(
        request,
        "businesses/member_list.html",
        {
            "members": business_members(request.business),
            "invite_form": invite_form,
            "pending": pending,
        },
        status=status,
    )


@member_required(Role.OWNER)
def member_edit(request, pk):
    membership = get_for_business(
        Membership.objects.select_related("user"), request.business, pk=pk
    )
    form = MemberRoleForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_change_role(
                membership,
                form.cleaned_data["role"],
                form.cleaned_data["can_approve"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("role", error)
        else:
            approver = " and an approver" if membership.can_approve else ""
            messages.success(
                request, f"{membership.user.username} is now {membership.role}{approver}."
            )
            return redirect("member_list", business_id=request.business.pk)
    return render(
        request,
        "businesses/member_form.html",
        {"form": form, "membership": membership},
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.OWNER)
def member_remove(request, pk):
    membership = get_for_business(
        Membership.objects.select_related("user"), request.business, pk=pk
    )
    error = None
    if request.method == "POST":
        try:
            accounts_services.remove_member(membership, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"{membership.user.username} was removed.")
            return redirect("member_list", business_id=request.business.pk)
    return render(
        request,
        "confirm_delete.html",
        {
            "object": membership.user.username,
            "action": "Remove",
            "error": error,
            "warning": "They lose access to this business at once, and the calendar feed gets "
            "a new address (subscribe again with it). Their logged time stays.",
            "cancel_url": reverse("member_list", args=[request.business.pk]),
        },
        status=400 if error else 200,
    )


@member_required(Role.OWNER)
def business_export(request):
    """The whole business as one JSON file (owners only: it includes every member).

    A job writes it (it can be large); GET shows the button that POSTs here to start one, and
    the recent exports. The job's page offers the file when it is ready.
    """
    business = request.business
    if request.method == "POST":
        job = exports.start_export(
            business,
            request.user,
            exports.business_payload(),
            label=f"Export of all data of {business.name} (JSON)",
        )
        return redirect("job_detail", business_id=business.pk, pk=job.pk)
    recent = (
        Job.objects.for_business(business)
        .filter(kind=JobKind.EXPORT, payload__what="business")
        .select_related("started_by")
        .order_by("-created_at", "-pk")[:5]
    )
    return render(request, "businesses/business_export.html", {"recent": recent})


@verified_email_required
def business_import(request):
    """Create a new business from an export; the person importing becomes its owner.

    The request only checks the file's size and stores it; a job imports it (planner/jobs),
    and its page (/jobs/<id>/) shows the progress, then a link to the new business or what in
    the file was wrong.
    """
    form = BusinessImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = portability.start_import(form.cleaned_data["file"], request.user)
        return redirect("my_job_detail", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "businesses/business_import.html", {"form": form}, status=status)
