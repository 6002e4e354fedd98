"""Saving and deleting a member's views of a task list."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from planner.lists.models import MAX_VIEWS, SavedView


@transaction.atomic
def view_save(business, user, kind, name, query):
    """Save `query` as the member's view `name` of the `kind` list: a view of that name (in
    any case) gets the new query. ValidationError past MAX_VIEWS."""
    views = SavedView.objects.select_for_update().filter(business=business, user=user, kind=kind)
    same = views.annotate(lower=Lower("name")).filter(lower=name.lower()).first()
    if same:
        same.name, same.query = name, query
        same.save(update_fields=["name", "query"])
        return same
    if views.count() >= MAX_VIEWS:
        raise ValidationError(
            {"name": f"You have {MAX_VIEWS} saved views of this list: delete one first."}
        )
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                business=business, user=user, kind=kind, name=name, query=query
            )
    except IntegrityError:  # saved by another tab of the same member meanwhile
        raise ValidationError({"name": "A view of this name was just saved: try again."}) from None


def view_delete(view):
    view.delete()
