"""Client review links: the owner's page to create and withdraw them, and the client's page
behind a link (no account; the link's secret is the key, and reaches only its selection)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from planner import images
from planner.access import get_for_business, member_required
from planner.models import Kind, Role
from planner.teamwork import links
from planner.teamwork.forms import ClientDecisionForm, ReviewLinkForm
from planner.teamwork.models import ReviewLink
from planner.teamwork.review import ApprovalMode, ReviewRefused, ReviewState

LINKS_SHOWN = 50
ITEMS_PER_PAGE = 25
CLIENT_NAME = "review_client_name"  # remembered in the visitor's session for the next item


@member_required(Role.OWNER)
def review_link_list(request):
    form = ReviewLinkForm(request.POST or None, business=request.business)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link, token = links.create(
            request.business,
            request.user,
            label=data["label"],
            campaign=data["campaign"],
            start=data["start"],
            end=data["end"],
            days=data["days"],
        )
        # Shown this once (only its hash is kept): no redirect, so it is not in a URL either.
        created = (link, request.build_absolute_uri(reverse("review_link_page", args=[token])))
        form = ReviewLinkForm(business=request.business)
    rows = ReviewLink.objects.for_business(request.business).select_related("campaign")
    return render(
        request,
        "teamwork/review_links.html",
        {"form": form, "links": rows[:LINKS_SHOWN], "created": created, "now": timezone.now()},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@member_required(Role.OWNER)
@require_POST
def review_link_revoke(request, pk):
    link = get_for_business(ReviewLink.objects.all(), request.business, pk=pk)
    links.revoke(link)
    messages.success(request, f"“{link.label}” is withdrawn: its link no longer opens.")
    return redirect("review_link_list", business_id=request.business.pk)


def review_link_page(request, token, failed=None, status=200):
    link = links.live_link(token)
    business = link.business
    page = Paginator(links.tasks_of(link).select_related("platform"), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    decide = business.approval_mode != ApprovalMode.OFF
    name = request.session.get(CLIENT_NAME, "")
    items = []
    for task in page.object_list:
        ref = links.reference(link, task)
        form = None
        if decide and task.review_state in (ReviewState.IN_REVIEW, ReviewState.APPROVED):
            form = ClientDecisionForm(initial={"name": name, "seen_version": task.version})
            if failed and failed[0] == task.pk:
                form = failed[1]
        items.append({"task": task, "ref": ref, "form": form})
    context = {
        "link": link,
        "business": business,
        "page": page,
        "items": items,
        "decide": decide,
        "token": token,
        "kinds": Kind,
    }
    return render(request, "teamwork/review_link_page.html", context, status=status)


@require_POST
def review_link_decide(request, token, ref, action):
    link = links.live_link(token)
    task = links.task_of(link, ref)
    form = ClientDecisionForm(request.POST)
    if form.is_valid():
        try:
            links.client_decides(
                link,
                task.pk,
                action,
                name=form.cleaned_data["name"],
                comment=form.cleaned_data["comment"],
                seen_version=form.cleaned_data["seen_version"],
            )
        except ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            request.session[CLIENT_NAME] = form.cleaned_data["name"]
            verb = "approved" if action == "approve" else "sent back with your comment"
            messages.success(request, f"“{task.title}” {verb}. Thank you.")
            return redirect(reverse("review_link_page", args=[token]) + f"#item-{ref}")
    return review_link_page(request, token, failed=(task.pk, form), status=400)


def review_link_image(request, token, ref):
    link = links.live_link(token)
    task = links.task_of(link, ref)
    if task.kind != Kind.SMO or not task.image:
        raise Http404("No image.")
    file = task.image.open("rb")
    content_type = images.content_type(file)
    file.seek(0)
    if content_type is None:
        raise Http404("No image.")
    return FileResponse(file, content_type=content_type)
