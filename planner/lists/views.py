"""Saving a task list's filters and sort as a named view, and deleting one.

A view is the member's own, like their notification settings: viewers may keep views too
(they change nothing of the business). Another member's view is a 404, as a missing one.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from planner import exports
from planner.access import get_for_business, member_required
from planner.forms import TaskFilterForm
from planner.lists import bulk, services
from planner.lists.bulk_forms import BulkForm
from planner.lists.forms import SavedViewForm
from planner.lists.models import SavedView
from planner.lists.queries import kept_query
from planner.models import ResultEntry, Role, Task, TimeEntry
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
    if form.is_valid() and len(query) > SavedView._meta.get_field("query").max_length:
        form.add_error("name", "These filters are too long to save: shorten the search.")
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


@member_required(Role.EDITOR)
@require_POST
def bulk_action(request, kind):
    """Apply an action to the tasks ticked on the list's page (this URL keeps the list's
    query string, to go back to it); deleting asks to confirm first."""
    form = BulkForm(request.POST, business=request.business, kind=kind)
    back = _list_url(request.business, kind, request.GET.urlencode())
    if not form.is_valid():
        return tasks.list_page(request, kind, bulk_form=form, status=400)
    selected, action = list(form.cleaned_data["task"]), form.cleaned_data["action"]
    if action == "export":
        queryset = (
            Task.objects.for_business(request.business)
            .filter(kind=kind, pk__in=[task.pk for task in selected])
            .select_related("platform", "campaign", "assignee", "business")
        )
        response = StreamingHttpResponse(
            exports.task_rows(kind, queryset), content_type=exports.CSV_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-selected.csv"'
        return response
    if action == "delete" and not form.cleaned_data["confirm"]:
        ids = [task.pk for task in selected]
        entries = {  # two counts: one join of both tables would multiply their rows
            "time": TimeEntry.objects.filter(task__in=ids).count(),
            "results": ResultEntry.objects.filter(task__in=ids).count(),
        }
        context = {"tasks": selected, "kind": kind, "entries": entries, "back": back}
        return render(request, "lists/bulk_delete.html", context)
    outcome = bulk.bulk_change(request.business, request.user, selected, action, form.value())
    noun = "post" if kind == "smo" else "ad"
    done = "Deleted" if action == "delete" else "Changed"
    if outcome.changed:
        count = len(outcome.changed)
        messages.success(request, f"{done} {count} {noun}{pluralize(count)}.")
    for task, reason in outcome.refused:
        messages.error(request, f"Not changed: “{task.title}”: {reason}")
    return redirect(back)
