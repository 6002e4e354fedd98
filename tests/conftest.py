"""Shared fixtures: one business with an owner, an editor and a viewer, and an outsider who
belongs to another business (the healthchecks pattern)."""

import pytest

from planner.models import Role
from tests.factories import (
    BusinessFactory,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    UserFactory,
)


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
