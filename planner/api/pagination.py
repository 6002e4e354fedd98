"""Cursor pagination: a deep page costs what the first does (a WHERE on the sort column, not an
OFFSET over every row before it). `next` and `previous` are links to follow as they are."""

import datetime

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from planner.models.base import plannable_date


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)  # each view says its own, the order of an index

    def get_ordering(self, request, queryset, view):
        """The view's order when it offers no sorting (DRF would fall back to the paginator's
        own "-id", which no partial index of the view's rows holds)."""
        if not any(hasattr(backend, "get_ordering") for backend in view.filter_backends):
            ordering = getattr(view, "ordering", None) or self.ordering
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor is ours only if its position is a value of the sort column: a hand-made
        one ("p=abc" on ids, year 99999, a NUL) is the same 404 as an unreadable cursor, not a
        database error."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            if "\x00" in cursor.position:
                raise ValidationError("NUL")
            value = field.to_python(cursor.position)
            field.run_validators(value)
            if isinstance(value, datetime.date):
                plannable_date(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise NotFound(self.invalid_cursor_message) from None
        return cursor
