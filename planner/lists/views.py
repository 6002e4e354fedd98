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

from planner import exports, list_sorts
from planner.access import get_for_business, member_required
from planner.forms import TaskFilterForm
from planner.lists import bulk, matching, services
from planner.lists.bulk_forms import BulkForm
from planner.lists.forms import SavedViewForm
from planner.lists.matching import MAX_MATCHING
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
    """Apply an action to the tasks ticked on the list's page, or to every task that matches
    the list's filters (this URL keeps the list's query string: the filters, and the way back
    to the list); deleting asks to confirm first."""
    form = BulkForm(request.POST, business=request.business, kind=kind)
    back = _list_url(request.business, kind, request.GET.urlencode())
    if not form.is_valid():
        return tasks.list_page(request, kind, bulk_form=form, status=400)
    if form.matching():
        return _bulk_matching(request, kind, form, back)
    selected, action = list(form.cleaned_data["task"]), form.cleaned_data["action"]
    if action == "export":
        return _export(request, kind, [task.pk for task in selected])
    if action == "delete" and not form.cleaned_data["confirm"]:
        ids = [task.pk for task in selected]
        return _confirm_delete(request, kind, selected, ids, back)
    outcome = bulk.bulk_change(request.business, request.user, selected, action, form.value())
    done = "Deleted" if action == "delete" else "Changed"
    if outcome.changed:
        messages.success(request, f"{done} {_count_of(len(outcome.changed), kind)}.")
    if outcome.unchanged:
        messages.info(request, f"{_count_of(len(outcome.unchanged), kind)} had it already.")
    for task, reason in outcome.refused:
        messages.error(request, f"Not changed: “{task.title}”: {reason}")
    return redirect(back)


def _bulk_matching(request, kind, form, back):
    """The action on every task the list's filters match (at most MAX_MATCHING), as a set."""
    filters, matched = tasks.filtered_tasks(request, kind)
    refusal = None
    if filters.is_bound and not filters.is_valid():
        refusal = "The list's filters are not valid: correct them first."
    else:
        ids = list(matched.order_by().values_list("pk", flat=True)[: MAX_MATCHING + 1])
        if not ids:  # the list shows no bar then: said above it
            messages.error(request, "No task matches these filters: nothing changed.")
            return redirect(back)
        if len(ids) > MAX_MATCHING:
            refusal = (
                f"These filters match more than {MAX_MATCHING:,} tasks: narrow them, and "
                "change those in steps."
            )
    if refusal:
        form.add_error("scope", refusal)
        return tasks.list_page(request, kind, bulk_form=form, status=400)
    action = form.cleaned_data["action"]
    if action == "export":
        return _export(request, kind, ids)
    if action == "delete":
        expected = form.cleaned_data["expected"]
        if not form.cleaned_data["confirm"] or expected != len(ids):
            if form.cleaned_data["confirm"]:
                messages.warning(request, "The list changed since you confirmed: check again.")
            shown = Task.objects.filter(pk__in=ids).order_by(*list_sorts.NEWEST)[:SHOWN]
            return _confirm_delete(request, kind, list(shown), ids, back, matching=True)
    outcome = matching.change_matching(request.business, request.user, ids, action, form.value())
    done = "Deleted" if action == "delete" else "Changed"
    if outcome.changed:
        messages.success(request, f"{done} {_count_of(outcome.changed, kind)}.")
    if outcome.unchanged:
        messages.info(request, f"{_count_of(outcome.unchanged, kind)} had it already.")
    for reason, (count, titles) in outcome.refused.items():
        named = ", ".join(f"“{title}”" for title in titles)
        more = f" and {count - len(titles):,} more" if count > len(titles) else ""
        messages.error(request, f"Not changed: {named}{more}: {reason}")
    return redirect(back)


SHOWN = 20  # titles a deletion of every match lists before it asks


def _count_of(count, kind):
    noun = "post" if kind == "smo" else "ad"
    return f"{count:,} {noun}{pluralize(count)}"


def _export(request, kind, ids):
    queryset = (
        Task.objects.for_business(request.business)
        .filter(kind=kind, pk__in=ids)
        .select_related("platform", "campaign", "assignee", "business")
        .order_by(*list_sorts.NEWEST)
    )
    response = StreamingHttpResponse(
        exports.task_rows(kind, queryset), content_type=exports.CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-selected.csv"'
    return response


def _confirm_delete(request, kind, shown, ids, back, matching=False):
    entries = {  # two counts: one join of both tables would multiply their rows
        "time": TimeEntry.objects.filter(task__in=ids).count(),
        "results": ResultEntry.objects.filter(task__in=ids).count(),
    }
    context = {"tasks": shown, "count": len(ids), "more": len(ids) - len(shown), "kind": kind,
               "entries": entries, "back": back, "matching": matching}  # fmt: skip
    return render(request, "lists/bulk_delete.html", context)
