"""JSON bodies through the web app's own forms, so the API has no second copy of any rule.

A form reads text, as a browser sends it: each JSON scalar becomes the text a form field would
receive (true → "true", null → ""), and a list or object where one value belongs is an error of
that field. A field the body leaves out holds what the page's form would show before anyone
typed: the row as saved for a partial update (PATCH), else the field's default. The form's
errors come back in DRF's shape: {field: [messages]}, with the form's own under
"non_field_errors".
"""

import datetime
from decimal import Decimal

from rest_framework.exceptions import ValidationError

# Fields no API body sets: the version travels in If-Match, images are uploaded in the app.
NOT_FROM_BODY = frozenset({"seen_version", "image"})


def as_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    return value if isinstance(value, str) else str(getattr(value, "pk", value))


def body_fields(make_form):
    """The names a body may set for the form `make_form(data)` builds."""
    return [name for name in make_form(None).fields if name not in NOT_FROM_BODY]


def bound_form(make_form, body, *, read_only=(), partial=False):
    """The form `make_form(data)` bound to `body` (a parsed JSON object); ValidationError (400)
    for a body that is not an object, names no field of the form, or puts a list where one
    value goes. Read-only names (id, version…) are ignored, so that a fetched row can be sent
    back as it is."""
    unbound = make_form(None)
    return make_form(form_data(unbound, body, read_only=read_only, partial=partial))


def form_data(unbound, body, *, read_only=(), partial=False):
    """The data `unbound`'s form class reads for `body`, or ValidationError (see bound_form)."""
    if not isinstance(body, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    names = [name for name in unbound.fields if name not in NOT_FROM_BODY]
    errors = {
        str(name)[:100]: ["Not a field of this resource."]
        for name in body
        if name not in names and name not in read_only
    }
    data = {}
    for name in names:
        # What the page's form would hold before anyone typed: the row as saved for a partial
        # update; otherwise each field's default (a new task's status, 0 hours).
        field = unbound.fields[name]
        value = unbound.initial.get(name, field.initial) if partial else field.initial
        value = value() if callable(value) else value
        if value is not None:
            data[name] = as_text(value)
        if name in body:
            value = body[name]
            if isinstance(value, list | dict):
                errors[name] = ["Expected a single value, not a list or an object."]
            else:
                data[name] = as_text(value)
    if errors:
        raise ValidationError(errors)
    return data


def form_errors(form):
    """A bound, invalid form's errors as DRF reports a serializer's."""
    return {
        ("non_field_errors" if name == "__all__" else name): list(messages)
        for name, messages in form.errors.items()
    }


def check(form):
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    return form
