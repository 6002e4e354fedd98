"""The API's error bodies: DRF's, except a 412, which carries the row as saved (numbers as
numbers, as the row's GET gives them)."""

from rest_framework.views import exception_handler

from planner.api.versions import Stale


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, Stale):
        response.data = exc.payload
    return response
