"""Helpers for the bad-input tests (tests/test_forms_*.py): an error belongs to its field and
is shown on the page that answers the POST."""

from django.utils.html import escape


def assert_field_error(response, field, message, form="form"):
    """`message` is among the errors of `field` in the context's `form`, and on the page."""
    errors = response.context[form].errors
    assert field in errors, f"no error at {field!r}; errors: {errors.as_data()}"
    assert any(message in error for error in errors[field]), errors[field]
    assert escape(message) in response.content.decode(), "the error is not shown on the page"


def assert_refused(response, field, message, form="form"):
    """The view answers 400 with `message` at `field`."""
    assert response.status_code == 400, response.status_code
    assert_field_error(response, field, message, form=form)


def all_rows():
    """Every row the planner stores, to show that a refused POST changed nothing at all
    (the task itself, its entries, and the dashboard's daily rollups)."""
    from django.apps import apps

    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("planner").get_models()
    }
