"""factory_boy factories for test data."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from planner import services
from planner.insights.models import Goal
from planner.models import (
    BudgetType,
    Business,
    Campaign,
    Kind,
    Membership,
    Platform,
    PlatformKind,
    ResultEntry,
    Role,
    SmmStatus,
    SmoStatus,
    Task,
    TimeEntry,
)

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()

    @factory.post_generation
    def email_verified(obj, create, extracted, **kwargs):  # noqa: N805
        """The address as allauth knows it: verified unless `email_verified=False`."""
        if create and obj.email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(
                user=obj, email=obj.email.lower(), primary=True, verified=extracted is not False
            )


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Business {n}")
    website_url = "https://shop.example"
    currency = "USD"
    time_zone = "UTC"
    hourly_rate = Decimal("50.00")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    business = factory.SubFactory(BusinessFactory)
    kind = PlatformKind.FACEBOOK
    handle = factory.Sequence(lambda n: f"handle{n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    start_date = datetime.date(2026, 10, 1)
    end_date = datetime.date(2026, 12, 31)
    budget = Decimal("1000.00")


class SmoTaskFactory(factory.django.DjangoModelFactory):
    """Saved through services.task_save, as the app does, so rollups stay in step."""

    class Meta:
        model = Task

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.task_save(model_class(*args, **kwargs))

    business = factory.SubFactory(BusinessFactory)
    kind = Kind.SMO
    platform = factory.SubFactory(PlatformFactory, business=factory.SelfAttribute("..business"))
    title = factory.Sequence(lambda n: f"Post {n}")
    status = SmoStatus.DRAFT
    post_text = "Fresh beans today."
    backlink_url = "https://shop.example/beans"


class SmmTaskFactory(SmoTaskFactory):
    kind = Kind.SMM
    title = factory.Sequence(lambda n: f"Ad {n}")
    status = SmmStatus.DRAFT
    post_text = ""
    backlink_url = ""
    objective = "traffic"
    bid_model = "cpc"
    budget_type = BudgetType.DAILY
    budget_amount = Decimal("20.00")
    flight_start = datetime.date(2026, 11, 1)
    flight_end = datetime.date(2026, 11, 30)
    destination_url = "https://shop.example/landing"


class EntryFactory(factory.django.DjangoModelFactory):
    """Saved through services.entry_save, as the app does, so rollups stay in step."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.entry_save(model_class(*args, **kwargs))


class TimeEntryFactory(EntryFactory):
    class Meta:
        model = TimeEntry

    task = factory.SubFactory(SmoTaskFactory)
    business = factory.SelfAttribute("task.business")
    date = datetime.date(2026, 11, 10)
    hours = Decimal("1.00")


class ResultEntryFactory(EntryFactory):
    class Meta:
        model = ResultEntry

    task = factory.SubFactory(SmoTaskFactory)
    business = factory.SelfAttribute("task.business")
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))


class GoalFactory(factory.django.DjangoModelFactory):
    """A period goal (pass `campaign=` and start_date/end_date None for a campaign's)."""

    class Meta:
        model = Goal

    business = factory.SubFactory(BusinessFactory)
    start_date = datetime.date(2026, 11, 1)
    end_date = datetime.date(2026, 11, 30)
