"""Shared fixtures: one business with an owner, an editor and a viewer, and an outsider who
belongs to another business (the healthchecks pattern).

Hypothesis profiles, loaded here, before the test modules build their `settings`:

- `ci`, the default: derandomized, so every run tries the same examples and a red CI run is
  red again on a laptop; a failure prints the blob that reproduces it (@reproduce_failure).
- `explore`: random examples, kept in .hypothesis/ so that a failure found is replayed first
  next time. `HYPOTHESIS_PROFILE=explore`, or `make test-explore`.

The property tests set their own deadline and example counts; the profiles' deadline is for
tests that do not.
"""

import datetime
import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from planner import ad_reports, imports
from planner.models import ImportMapping, Role
from tests.factories import (
    BusinessFactory,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    UserFactory,
)

# One example of a test that goes through views and the database, on a busy CI machine.
HYPOTHESIS_DEADLINE = datetime.timedelta(seconds=2)
hypothesis_settings.register_profile(
    "ci", derandomize=True, print_blob=True, deadline=HYPOTHESIS_DEADLINE
)
hypothesis_settings.register_profile(
    "explore", derandomize=False, print_blob=True, deadline=HYPOTHESIS_DEADLINE
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth counts its rate limits in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def business(db):
    return BusinessFactory(name="Acme Roasters")


@pytest.fixture
def owner(business):
    return MembershipFactory(business=business, role=Role.OWNER, user__username="owner").user


@pytest.fixture
def editor(business):
    return MembershipFactory(business=business, role=Role.EDITOR, user__username="editor").user


@pytest.fixture
def viewer(business):
    return MembershipFactory(business=business, role=Role.VIEWER, user__username="viewer").user


@pytest.fixture
def other_business(db):
    return BusinessFactory(name="Competitor Ltd")


@pytest.fixture
def outsider(other_business):
    """Owner of another business: must see nothing of `business`."""
    return MembershipFactory(
        business=other_business, role=Role.OWNER, user__username="outsider"
    ).user


@pytest.fixture
def platform(business):
    return PlatformFactory(business=business, kind="facebook", handle="acme")


@pytest.fixture
def campaign(business):
    return CampaignFactory(business=business, name="Launch")


@pytest.fixture
def smo_task(business, platform, campaign):
    return SmoTaskFactory(business=business, platform=platform, campaign=campaign)


@pytest.fixture
def smm_task(business, platform, campaign):
    return SmmTaskFactory(business=business, platform=platform, campaign=campaign)


@pytest.fixture
def client_for(client):
    """Log the test client in as a user: `client_for(owner).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def new_user(db):
    return UserFactory()


# Ad-report imports (tests/test_imports.py and the job tests): two SMM tasks and a stored report.


@pytest.fixture
def gifts(business, platform):
    # Titled like the report's campaign, in another case: matched without asking.
    return SmmTaskFactory(business=business, platform=platform, title="Holiday gift boxes")


@pytest.fixture
def espresso(business, platform):
    # The report calls it "Espresso launch – café owners": asked once, then remembered.
    return SmmTaskFactory(business=business, platform=platform, title="Espresso launch")


@pytest.fixture
def stored(business, editor, gifts, espresso):
    """meta_daily.csv uploaded, its unknown name mapped to `espresso`."""
    ImportMapping.objects.create(
        business=business,
        source="meta",
        name="Espresso launch – café owners",
        name_key=ad_reports.name_key("Espresso launch – café owners"),
        task=espresso,
    )
    data = (Path(__file__).parent / "samples" / "meta_daily.csv").read_bytes()
    return imports.store_upload(business, editor, "meta_daily.csv", data)
