"""Small pieces the CRUD views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect, render
from django.urls import reverse

from planner import selectors, services
from planner.forms import MoveTasksForm

PAGE_SIZE = 25


def form_page(
    request, form, *, title, success_url, message, template="form_page.html", save=None, **context
):
    """Show `form`; on a valid POST save it through `save(instance, seen_version)` (default
    services.save_checked), say so and go to `success_url`. A save refused because someone
    else saved first re-shows the form with the differences (409)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            instance = form.save(commit=False)
            try:
                (save or services.save_checked)(instance, form.cleaned_data.get("seen_version"))
            except services.EditConflict as conflict:
                form.conflict(conflict.current)
                status = 409
            except ValidationError as error:  # a rule the service checks again under its lock
                form.add_error(None, error)
            else:
                messages.success(request, message)
                return redirect(success_url)
    context = {"form": form, "title": title, "cancel_url": success_url, **context}
    return render(request, template, context, status=status)


def delete_page(request, obj, *, success_url, cancel_url, warning="", blocked=None, delete=None):
    """Confirm, then delete (through `delete(obj)` if given). `blocked` is a reason that
    refuses the deletion outright."""
    if request.method == "POST" and not blocked:
        try:
            obj.delete() if delete is None else delete(obj)
        except (ProtectedError, RestrictedError):
            blocked = "Other records still refer to this; move or delete them first."
        else:
            messages.success(request, f"“{obj}” was deleted.")
            return redirect(success_url)
    return render(
        request,
        "confirm_delete.html",
        {"object": obj, "warning": warning, "error": blocked, "cancel_url": cancel_url},
        status=409 if blocked and request.method == "POST" else 200,
    )


def delete_with_tasks_page(request, obj, *, field, targets, allow_none, success_url, cancel_url):
    """Delete a platform or campaign; if tasks use it, first ask where they go."""
    counts = selectors.task_counts(obj.business, f"{field}_id", **{field: obj})
    count = sum(counts.get(obj.pk, {}).values())  # from the tallies, not a count of the tasks
    if not count:
        return delete_page(request, obj, success_url=success_url, cancel_url=cancel_url)
    form = MoveTasksForm(request.POST or None, targets=targets, allow_none=allow_none)
    if request.method == "POST" and form.is_valid():
        services.move_tasks_and_delete(obj, field, form.cleaned_data["move_to"])
        target = form.cleaned_data["move_to"] or "no campaign"
        messages.success(request, f"{count} task(s) moved to “{target}”; “{obj}” was deleted.")
        return redirect(success_url)
    no_target = not targets.exists() and not allow_none
    return render(
        request,
        "confirm_delete.html",
        {
            "object": obj,
            "move_form": None if no_target else form,
            "task_count": count,
            "error": (
                f"{count} task(s) use it and there is nowhere to move them: add another one "
                "first, or delete those tasks. Tasks are never deleted silently."
                if no_target
                else None
            ),
            "cancel_url": cancel_url,
        },
        status=409 if request.method == "POST" else 200,
    )


def business_url(request, name, *args):
    return reverse(name, args=[request.business.pk, *args])


def query_id(value):
    """An id from a query string, or 0 (which matches nothing) for anything that is not one:
    a lookup of it is a 404, never an error."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0
