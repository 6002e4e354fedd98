"""schemathesis against the API's own OpenAPI schema (/api/schema/): requests generated from
the schema, sent through the whole Django stack (WSGI, in this process and its test database),
with a write key of a business that has real rows. No 5xx, and every response is one the schema
documents (status, content type, headers, body).

The business id in every path is that business's, and a row id is a real row of the resource,
so that the generated bodies reach the forms rather than a 404; changes send If-Match: *.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_support import make_key
from tests.factories import (
    MembershipFactory,
    ResultEntryFactory,
    TimeEntryFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation; about 40 operations


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request must not close the test's database connection
    # (it holds the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def rows(business, owner, platform, campaign, smo_task, smm_task, settings):
    settings.API_RATE_LIMIT = "100000/minute"
    import datetime

    return {
        "business": business,
        "secret": make_key(business, owner, "write")[1],
        "ids": {
            "platforms": platform.pk,
            "campaigns": campaign.pk,
            "smo-tasks": smo_task.pk,
            "smm-tasks": smm_task.pk,
            "time-entries": TimeEntryFactory(task=smo_task, user=owner).pk,
            "results": ResultEntryFactory(task=smm_task, date=datetime.date(2026, 11, 2)).pk,
            "members": MembershipFactory(business=business, role="viewer").pk,
        },
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, rows):
    parameters = case.path_parameters or {}
    if "business_id" in parameters:
        parameters["business_id"] = rows["business"].pk
    if "id" in parameters:
        resource = case.path.split("}/", 1)[1].split("/", 1)[0]
        parameters["id"] = rows["ids"].get(resource, parameters["id"])
    headers = {"Authorization": f"Bearer {rows['secret']}"}
    if case.method.upper() in ("PUT", "PATCH", "DELETE"):
        headers["If-Match"] = "*"
    case.call_and_validate(headers=headers, checks=CHECKS)
