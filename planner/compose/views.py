"""The composer (one post for several platforms, planner/compose/composer.py), its post
groups, and the business's post templates and hashtag groups: members read, editors write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from planner import text_rules
from planner.access import get_for_business, member_required
from planner.compose import services
from planner.compose.composer import Composer
from planner.compose.forms import SlotForm, SnippetForm
from planner.compose.models import (
    MAX_SLOTS_PER_PLATFORM,
    MAX_SNIPPETS,
    PostGroup,
    PostingSlot,
    Snippet,
)
from planner.compose.selectors import composer_snippets, group_variants, next_free_slot
from planner.compose.slots import SEARCH_WEEKS
from planner.models import Kind, Platform, Role
from planner.services import EditConflict
from planner.views.common import business_url, delete_page, form_page, query_id


@member_required()
def snippet_list(request):
    snippets = list(Snippet.objects.for_business(request.business))
    context = {"snippets": snippets, "max_snippets": MAX_SNIPPETS}
    return render(request, "compose/snippet_list.html", context)


@member_required(Role.EDITOR)
def snippet_create(request):
    form = SnippetForm(request.POST or None, business=request.business)
    form.instance.created_by = request.user
    return form_page(
        request,
        form,
        title="New template or hashtag group",
        success_url=business_url(request, "snippet_list"),
        message="Saved.",
        save=services.snippet_save,
    )


@member_required(Role.EDITOR)
def snippet_edit(request, pk):
    snippet = get_for_business(Snippet.objects, request.business, pk=pk)
    form = SnippetForm(request.POST or None, instance=snippet, business=request.business)
    return form_page(
        request,
        form,
        title=f"Edit “{snippet}”",
        success_url=business_url(request, "snippet_list"),
        message="Saved.",
        save=services.snippet_save,
    )


@member_required(Role.EDITOR)
def snippet_delete(request, pk):
    snippet = get_for_business(Snippet.objects, request.business, pk=pk)
    back = business_url(request, "snippet_list")
    return delete_page(request, snippet, success_url=back, cancel_url=back)


@member_required(Role.EDITOR)
def compose_post(request):
    """One post for several platforms: a variant (an SMO task) per platform, in a group."""
    return _composer_page(request, Composer(request), title="Compose a post")


@member_required()
def group_detail(request, pk):
    group = get_for_business(PostGroup.objects, request.business, pk=pk)
    variants = group_variants(group)
    if not variants:
        raise Http404("Every post of this group was deleted.")
    for task in variants:
        kind = task.platform.kind
        task.text_problems = text_rules.check_post(kind, task.post_text, task.hashtags)
    context = {"group": group, "variants": variants, "title": variants[0].title}
    return render(request, "compose/group_detail.html", context)


@member_required(Role.EDITOR)
def group_edit(request, pk):
    group = get_for_business(PostGroup.objects, request.business, pk=pk)
    variants = group_variants(group)
    if not variants:
        raise Http404("Every post of this group was deleted.")
    composer = Composer(request, group, variants)
    return _composer_page(request, composer, title=f"Edit “{variants[0].title}” together")


def _composer_page(request, composer, *, title):
    status = 200
    if request.method == "POST":
        status = 400
        if composer.is_valid():
            try:
                group = services.post_group_save(
                    request.business,
                    composer.variants(),
                    by=request.user,
                    group=composer.group,
                    image=composer.main_image,
                )
            except EditConflict as conflict:
                composer.main.add_error(
                    None,
                    f"Someone else changed the {conflict.current.platform} post since you "
                    "opened this. Nothing was saved: reload the page to see their changes.",
                )
                status = 409
            except ValidationError as error:  # a rule task_save checks again under its lock
                composer.main.add_error(None, error)
            else:
                count = len(composer.included())
                platforms = "1 platform" if count == 1 else f"{count} platforms"
                messages.success(request, f"Saved the post for {platforms}.")
                return redirect(business_url(request, "post_group_detail", group.pk))
    context = {
        "composer": composer,
        "form": composer.main,
        "title": title,
        "kind": Kind.SMO,
        "chosen": composer.chosen(),
        "snippets": composer_snippets(request.business),
        "limits": {"limits": text_rules.TEXT_LIMITS, "max_hashtags": text_rules.MAX_HASHTAGS},
    }
    return render(request, "compose/composer.html", context, status=status)


@member_required()
def slot_list(request):
    return _slot_page(request)


def _slot_page(request, form=None, status=200):
    """The business's weekly posting slots, by platform, and (editors) the form to add some."""
    rows = PostingSlot.objects.for_business(request.business).select_related("platform")
    by_platform = {}
    for slot in rows:
        by_platform.setdefault(slot.platform, []).append(slot)
    can_edit = request.membership.can_edit
    context = {
        "by_platform": by_platform,
        "form": form or (SlotForm(business=request.business) if can_edit else None),
        "max_slots": MAX_SLOTS_PER_PLATFORM,
    }
    return render(request, "compose/slot_list.html", context, status=status)


@member_required(Role.EDITOR)
@require_POST
def slot_create(request):
    form = SlotForm(request.POST, business=request.business)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = services.slots_add(
                request.business, data["platform"], data["weekdays"], data["at"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added {count} slot(s).")
            return redirect(business_url(request, "slot_list"))
    return _slot_page(request, form=form, status=400)


@member_required(Role.EDITOR)
@require_POST
def slot_delete(request, pk):
    get_for_business(PostingSlot.objects, request.business, pk=pk).delete()
    messages.success(request, "Slot deleted.")
    return redirect(business_url(request, "slot_list"))


@member_required(Role.EDITOR)
def next_slot(request):
    """The platform's next free slot after now (or after `after`), for the post form's and the
    composer's "Next free slot" button: JSON {"value": "2026-12-07T09:00", "label": …}."""
    platform = get_for_business(
        Platform.objects, request.business, pk=query_id(request.GET.get("platform"))
    )
    zone = timezone.get_current_timezone()  # the business's (member_required)
    found = next_free_slot(request.business, platform.pk, timezone.now(), zone)
    if found is None:
        return JsonResponse(
            {"value": "", "label": f"{platform} has no free slot in the next {SEARCH_WEEKS} weeks."}
        )
    return JsonResponse(
        {"value": f"{found.local:%Y-%m-%dT%H:%M}", "label": date_format(found.local, "D j M, H:i")}
    )
