"""A business's post templates and hashtag groups: members read them, editors keep them."""

from django.shortcuts import render

from planner.access import get_for_business, member_required
from planner.compose import services
from planner.compose.forms import SnippetForm
from planner.compose.models import MAX_SNIPPETS, Snippet
from planner.models import Role
from planner.views.common import business_url, delete_page, form_page


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
