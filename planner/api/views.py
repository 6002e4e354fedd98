"""The API's resources: each business's platforms, campaigns, posts, ads, time and results, and
read-only members, dashboard summary and pacing.

Every write goes through the web app's form (planner/api/forms_bridge.py) and service, so the
rules, the rollups and the activity log are the same as when it is made on a page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from planner import services
from planner.api import bulk, filters
from planner.api import serializers as out
from planner.api.access import BusinessAccess
from planner.api.forms_bridge import as_text, bound_form, check, form_errors
from planner.api.models import ApiKey
from planner.api.pagination import ApiCursorPagination
from planner.api.versions import Stale, etag, seen_version
from planner.dashboard import SUMMARY_COLUMNS, read_dashboard
from planner.forms import (
    TASK_FORMS,
    CampaignForm,
    MoveTasksForm,
    PlatformForm,
    ResultEntryForm,
    TimeEntryForm,
)
from planner.models import (
    Campaign,
    Kind,
    Membership,
    Platform,
    ResultEntry,
    Task,
    TimeEntry,
)
from planner.periods import PRESETS
from planner.selectors import PACING_STATUSES, task_counts

# Every operation's refusals (400, 401, 403, 404, 429; 412 and 428 for changes) are added to
# the schema in one place: planner/api/schema.py error_responses.
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the row your change is based on, or * to overwrite.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False
)


class BusinessResource(viewsets.GenericViewSet):
    """Rows of the URL's business only (another business's id is a 404, as a missing one),
    in the business's time zone, paged by cursor."""

    permission_classes = [IsAuthenticated, BusinessAccess]
    pagination_class = ApiCursorPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    model = None
    related = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # who, their role, their rate
        timezone.activate(request.business.time_zone)  # as the forms and pages read times

    def finalize_response(self, request, response, *args, **kwargs):
        timezone.deactivate()
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return self.model.objects.none()
        return self.model.objects.for_business(self.request.business).select_related(*self.related)

    def respond(self, instance, status_code=status.HTTP_200_OK):
        response = Response(self.get_serializer(instance).data, status=status_code)
        if hasattr(instance, "version"):
            response["ETag"] = etag(instance)
        return response


class ReadOne:
    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())


class Deletable:
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        if (
            hasattr(instance, "version")
            and seen_version(request, instance, required=False) is False
        ):
            self._stale(instance, {})
        self.remove(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def remove(self, instance):
        instance.delete()


class Writable:
    """Create and update through the web app's form: `make_form(data, instance)` builds it,
    `save(instance, seen_version)` saves through the service."""

    def make_form(self, data, instance=None):
        raise NotImplementedError

    def save(self, instance, seen):
        return services.save_checked(instance, seen)

    def create(self, request, *args, **kwargs):
        form = check(bound_form(lambda data: self.make_form(data), request.data))
        return self.respond(self._saved(form, None), status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        instance = self.get_object()
        seen = seen_version(request, instance)
        form = bound_form(
            lambda data: self.make_form(data, instance),
            request.data,
            read_only=set(self.get_serializer_class().Meta.fields),
            partial=partial,
        )
        if seen is False:
            self._stale(instance, request.data)
        check(form)
        return self.respond(self._saved(form, seen))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def _saved(self, form, seen):
        instance = form.save(commit=False)
        try:
            return self.save(instance, seen)
        except services.EditConflict as conflict:  # saved between the check and the save
            self._stale(conflict.current, self.request.data)
        except DjangoValidationError as error:  # a rule the service checks under its lock
            form.add_error(None, error)
            raise ApiValidationError(form_errors(form)) from None

    def _stale(self, instance, body):
        current = self.model.objects.select_related(*self.related).get(pk=instance.pk)
        saved = self.make_form(None, current).initial
        differs = {
            name: as_text(saved.get(name))
            for name, value in (body.items() if isinstance(body, dict) else ())
            if name in saved and as_text(saved.get(name)) != as_text(value)
        }
        raise Stale(self.get_serializer(current).data, differs)


class CrudResource(mixins.ListModelMixin, ReadOne, Writable, Deletable, BusinessResource):
    """List, read, create, change (PUT, PATCH) and delete."""


def _schema(name, body, output):
    """The schema of a writable resource's routes: list, read, create, change, delete."""
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}", responses={200: output}),
        retrieve=extend_schema(summary=f"Read one of the {name}", responses={200: output}),
        create=extend_schema(
            summary=f"Create one of the {name}", request=body, responses={201: output}
        ),
        update=extend_schema(
            summary=f"Replace one of the {name}",
            request=body,
            parameters=[IF_MATCH],
            responses={200: output},
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of one of the {name}",
            request=body,
            parameters=[IF_MATCH],
            responses={200: output},
        ),
        destroy=extend_schema(
            summary=f"Delete one of the {name}",
            parameters=[IF_MATCH_OPTIONAL],
            responses={204: None},
        ),
    )


MOVE_TO = OpenApiParameter(
    "move_to",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    description="Where its tasks go first (the id of another of the business's rows); "
    "required while tasks use it.",
)


class DeleteWithTasks:
    """A platform or campaign that tasks use is deleted only after they are moved (`move_to`),
    as on its delete page: tasks are never deleted silently."""

    field = None
    allow_none = False

    def remove(self, instance):
        counts = task_counts(instance.business, f"{self.field}_id", **{self.field: instance})
        if not sum(counts.get(instance.pk, {}).values()):
            instance.delete()
            return
        targets = self.model.objects.for_business(instance.business).exclude(pk=instance.pk)
        form = MoveTasksForm(
            {"move_to": self.request.query_params.get("move_to", "")},
            targets=targets,
            allow_none=self.allow_none,
        )
        check(form)
        services.move_tasks_and_delete(instance, self.field, form.cleaned_data["move_to"])


@_schema(
    "platforms",
    out.form_serializer(PlatformForm, "PlatformInput"),
    out.PlatformSerializer,
)
class PlatformViewSet(DeleteWithTasks, CrudResource):
    model = Platform
    serializer_class = out.PlatformSerializer
    ordering_fields = ("id", "kind", "handle")
    ordering = ("id",)
    field = "platform"

    def make_form(self, data, instance=None):
        form = PlatformForm(data, instance=instance, business=self.request.business)
        form.instance.business = self.request.business  # its uniqueness is per business
        return form

    @extend_schema(parameters=[MOVE_TO, IF_MATCH_OPTIONAL])
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)


@_schema(
    "campaigns",
    out.form_serializer(CampaignForm, "CampaignInput"),
    out.CampaignSerializer,
)
class CampaignViewSet(DeleteWithTasks, CrudResource):
    model = Campaign
    serializer_class = out.CampaignSerializer
    ordering_fields = ("id", "name")  # a cursor needs a column that is never empty
    ordering = ("id",)
    field = "campaign"
    allow_none = True  # "no campaign"

    def make_form(self, data, instance=None):
        form = CampaignForm(data, instance=instance)
        form.instance.business = self.request.business
        return form

    @extend_schema(parameters=[MOVE_TO, IF_MATCH_OPTIONAL])
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)


# A cursor needs a sort column that is never empty: publish times and flights may be.
TASK_ORDERING = ("id", "created_at", "updated_at", "title", "status")


class TaskViewSet(CrudResource):
    model = Task
    kind = None
    related = ("platform", "campaign", "business")
    # Newest first by id: unique, so a cursor is a WHERE alone, never an offset among ties
    # (index task_business_kind_id; the web lists' created_at has ties after an import).
    ordering = ("-id",)

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)

    def make_form(self, data, instance=None):
        return TASK_FORMS[self.kind](data, instance=instance, business=self.request.business)

    def save(self, instance, seen):
        return services.task_save(instance, seen, by=self.request.user)

    def remove(self, instance):
        services.task_delete(instance, by=self.request.user)


@_schema(
    "organic posts (SMO tasks)",
    out.form_serializer(TASK_FORMS[Kind.SMO], "SmoTaskInput"),
    out.SmoTaskSerializer,
)
class SmoTaskViewSet(TaskViewSet):
    kind = Kind.SMO
    serializer_class = out.SmoTaskSerializer
    filterset_class = filters.SmoTaskFilter
    ordering_fields = TASK_ORDERING


@_schema(
    "paid ad campaigns (SMM tasks)",
    out.form_serializer(TASK_FORMS[Kind.SMM], "SmmTaskInput"),
    out.SmmTaskSerializer,
)
class SmmTaskViewSet(TaskViewSet):
    kind = Kind.SMM
    serializer_class = out.SmmTaskSerializer
    filterset_class = filters.SmmTaskFilter
    ordering_fields = (*TASK_ORDERING, "media_spend")


class EntryResource(mixins.ListModelMixin, ReadOne, Deletable, BusinessResource):
    """Time and results are added and deleted, as on the task page (a day's results are
    replaced through the bulk upsert)."""

    related = ("task",)
    ordering = ("-date", "-id")
    ordering_fields = ("id", "date")

    def own_task(self, body):
        """The body's task, of this business, or a 400 on `task`."""
        value = body.get("task") if isinstance(body, dict) else None
        text = as_text(value) if not isinstance(value, list | dict) else ""
        task = None
        if text.isascii() and text.isdigit() and len(text) < 19:
            task = Task.objects.for_business(self.request.business).filter(pk=text).first()
        if task is None:
            raise ApiValidationError({"task": ["No such task in this business."]})
        return task

    def body_without_task(self):
        body = self.request.data
        return {name: value for name, value in body.items() if name != "task"}

    def remove(self, instance):
        services.entry_delete(instance)


TASK_ID = {"task": serializers.IntegerField(help_text="The id of one of the business's tasks.")}
TimeInput = out.form_serializer(TimeEntryForm, "TimeEntryInput", extra=TASK_ID)
ResultInput = out.form_serializer(ResultEntryForm, "ResultInput", extra=TASK_ID)


@extend_schema_view(
    list=extend_schema(summary="List time entries", responses={200: out.TimeEntrySerializer}),
    retrieve=extend_schema(summary="Read a time entry", responses={200: out.TimeEntrySerializer}),
    create=extend_schema(
        summary="Log time on a task",
        request=TimeInput,
        responses={201: out.TimeEntrySerializer},
    ),
    destroy=extend_schema(summary="Delete a time entry", responses={204: None}),
)
class TimeEntryViewSet(EntryResource):
    model = TimeEntry
    serializer_class = out.TimeEntrySerializer
    filterset_class = filters.TimeEntryFilter

    def create(self, request, *args, **kwargs):
        task = self.own_task(request.data)
        form = check(
            bound_form(
                lambda data: TimeEntryForm(data, business=request.business),
                self.body_without_task(),
            )
        )
        form.instance.task = task
        return self.respond(services.entry_save(form.save(commit=False)), 201)


@extend_schema_view(
    list=extend_schema(summary="List results", responses={200: out.ResultSerializer}),
    retrieve=extend_schema(summary="Read a day's results", responses={200: out.ResultSerializer}),
    create=extend_schema(
        summary="Record a day's results of a task",
        request=ResultInput,
        responses={201: out.ResultSerializer},
    ),
    destroy=extend_schema(summary="Delete a day's results", responses={204: None}),
)
class ResultViewSet(EntryResource):
    model = ResultEntry
    serializer_class = out.ResultSerializer
    filterset_class = filters.EntryFilter

    def create(self, request, *args, **kwargs):
        task = self.own_task(request.data)
        form = check(
            bound_form(lambda data: ResultEntryForm(data, task=task), self.body_without_task())
        )
        form.instance.task = task
        try:
            entry = services.entry_save(form.save(commit=False))
        except IntegrityError:  # the same day, recorded a moment ago
            raise ApiValidationError({"date": [ResultEntryForm.DUPLICATE_DAY]}) from None
        return self.respond(entry, 201)


@extend_schema_view(
    list=extend_schema(summary="List the business's members"),
    retrieve=extend_schema(summary="Read a member", responses={200: out.MemberSerializer}),
)
class MemberViewSet(mixins.ListModelMixin, ReadOne, BusinessResource):
    model = Membership
    serializer_class = out.MemberSerializer
    ordering = ("id",)
    ordering_fields = ("id", "created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return Membership.objects.filter(business=self.request.business).select_related("user")


@extend_schema_view(
    list=extend_schema(
        summary="Running ads' pacing: spend to date against budget",
        parameters=[
            OpenApiParameter(
                "pace", OpenApiTypes.STR, enum=["off"], description="Only ads off pace today."
            )
        ],
    ),
)
class PacingViewSet(mixins.ListModelMixin, BusinessResource):
    """Ads that can be off pace (active or paused, with a budget and a flight), newest first, as
    the partial index task_pace_candidates holds them; each row's pacing is read from the ad
    itself (kept by planner/rollups.py), nothing summed per request."""

    model = Task
    serializer_class = out.SmmTaskSerializer
    related = ("platform", "campaign", "business")
    ordering = ("-created_at", "-id")
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.SmmTaskFilter

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(
                kind=Kind.SMM,
                status__in=PACING_STATUSES,
                flight_end__isnull=False,
                budget_amount__isnull=False,
            )
        )


class RowsSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(),
        max_length=bulk.MAX_ROWS,
        help_text="Each row: `task` (an id) or `ad` (an ad's title), `date`, and any of the "
        "figures impressions, reach, engagements, clicks, conversions, conversion_value, spend.",
    )


class UpsertedSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    added = serializers.IntegerField()
    replaced = serializers.IntegerField()


class BulkResultsView(BusinessResource):
    """POST many days of results at once: all are saved, or none (each bad row's errors)."""

    model = ResultEntry
    serializer_class = UpsertedSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Add or replace many days of results, all or nothing",
        request=RowsSerializer,
        responses={200: UpsertedSerializer},
    )
    def create(self, request, *args, **kwargs):
        rows = request.data.get("rows") if isinstance(request.data, dict) else None
        try:
            saved = bulk.upsert_results(request.business, rows, request.user)
        except bulk.Refused as refused:  # a Response, so that row numbers stay numbers
            return Response(
                {"detail": "Nothing was saved.", "errors": refused.errors[: bulk.ERRORS_SHOWN]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(saved)


class SplitSideSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=16, decimal_places=2)
    labour_cost = serializers.DecimalField(max_digits=16, decimal_places=2)
    media_spend = serializers.DecimalField(max_digits=16, decimal_places=2)
    production_cost = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_cost = serializers.DecimalField(max_digits=16, decimal_places=2)
    impressions = serializers.IntegerField()
    reach = serializers.IntegerField()
    engagements = serializers.IntegerField()
    clicks = serializers.IntegerField()
    conversions = serializers.IntegerField()
    conversion_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    effective_cpc = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class PlatformLineSerializer(SplitSideSerializer):
    platform = serializers.CharField()
    kind = serializers.CharField()


class DashboardSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    campaign = serializers.IntegerField(allow_null=True)
    platform = serializers.IntegerField(allow_null=True)
    smo = SplitSideSerializer()
    smm = SplitSideSerializer()
    total = SplitSideSerializer()
    smo_effort_share = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    smo_spend_share = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    platforms = PlatformLineSerializer(many=True)


def _side(totals):
    return {name: getattr(totals, name) for name, _title in SUMMARY_COLUMNS}


class DashboardView(BusinessResource):
    """The dashboard's split for a period, campaign and platform: the numbers of the page and
    of its CSV (planner/dashboard.py computes all three)."""

    model = Task
    serializer_class = DashboardSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="The organic / paid split for a period",
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, enum=list(PRESETS)),
            OpenApiParameter("start", OpenApiTypes.DATE, description="With period=custom."),
            OpenApiParameter("end", OpenApiTypes.DATE, description="With period=custom."),
            OpenApiParameter("campaign", OpenApiTypes.INT),
            OpenApiParameter("platform", OpenApiTypes.INT),
        ],
        responses={200: DashboardSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        form, board = read_dashboard(
            request.business, request.query_params, timezone.localdate(), lists=False
        )
        if form.is_bound and not form.is_valid():
            raise ApiValidationError(form_errors(form))
        split, chosen = board.split, board.filters
        data = {
            "start": chosen.period.start,
            "end": chosen.period.end,
            "currency": request.business.currency,
            "campaign": chosen.campaign.pk if chosen.campaign else None,
            "platform": chosen.platform.pk if chosen.platform else None,
            "smo": _side(split.smo),
            "smm": _side(split.smm),
            "total": _side(split),
            "smo_effort_share": split.smo_effort_share,
            "smo_spend_share": split.smo_spend_share,
            "platforms": [
                {"platform": row.label, "kind": row.kind, **_side(row.totals)}
                for row in board.platform_rows
            ],
        }
        return Response(DashboardSerializer(data).data)


class BusinessListView(viewsets.GenericViewSet):
    """The businesses the caller reaches: a key, its own; a user, every membership."""

    permission_classes = [IsAuthenticated]
    serializer_class = out.BusinessSerializer
    pagination_class = None

    @extend_schema(summary="The businesses you reach, with your role in each")
    def list(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiKey):
            reach = [Membership(business=request.auth.business, role=request.auth.role)]
        else:
            reach = Membership.objects.filter(user=request.user).select_related("business")
        return Response(out.BusinessSerializer(reach, many=True).data)
