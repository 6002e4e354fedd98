"""Saving a task list's filters and sort as a named view, and deleting one.

A view is the member's own, like their notification settings: viewers may keep views too
(they change nothing of the business). Another member's view is a 404, as a missing one.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from planner.access import get_for_business, member_required
from planner.forms import TaskFilterForm
from planner.lists import services
from planner.lists.forms import SavedViewForm
from planner.lists.models import SavedView
from planner.lists.queries import kept_query
from planner.views import tasks


def _list_url(business, kind, query=""):
    url = reverse(f"{kind}_list", args=[business.pk])
    return f"{url}?{query}" if query else url


@member_required()
@require_POST
def saved_view_create(request, kind):
    """Save the list's current filters and sort (this URL's query string) under a name."""
    form = SavedViewForm(request.POST)
    query = kept_query(request.GET, kind)
    filters = TaskFilterForm(
        QueryDict(query), business=request.business, kind=kind, member=request.membership
    )
    if form.is_valid() and query and not filters.is_valid():
        form.add_error("name", "These filters are not valid: correct them before saving.")
    if form.is_valid():
        try:
            view = services.view_save(
                request.business, request.user, kind, form.cleaned_data["name"], query
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the view “{view.name}”.")
            return redirect(_list_url(request.business, kind, view.query))
    return tasks.list_page(request, kind, view_form=form, status=400)


@member_required()
@require_POST
def saved_view_delete(request, pk):
    view = get_for_business(SavedView.objects.filter(user=request.user), request.business, pk=pk)
    services.view_delete(view)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect(_list_url(request.business, view.kind))
