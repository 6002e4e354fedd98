"""Cursor pagination: a deep page costs what the first does (a WHERE on the sort column, not an
OFFSET over every row before it). `next` and `previous` are links to follow as they are."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)  # each view says its own, the order of an index
