"""Django admin, for staff only: every model with useful columns, filters and search."""

from django.contrib import admin

from planner import services
from planner.models import (
    Business,
    Campaign,
    DailyRollup,
    ImportMapping,
    Membership,
    Platform,
    ReportUpload,
    ResultEntry,
    Task,
    TaskTally,
    TimeEntry,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["name", "website_url", "currency", "time_zone", "hourly_rate", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            services.business_update(obj)  # a new time zone moves posts' work dates
        else:
            super().save_model(request, obj, form, change)

    list_filter = ["currency", "time_zone"]
    search_fields = ["name", "website_url"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "business", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "business__name"]
    list_select_related = ["user", "business"]
    autocomplete_fields = ["user", "business"]


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["handle", "kind", "business", "checklist_done"]
    list_filter = ["kind"]
    search_fields = ["handle", "business__name"]
    list_select_related = ["business"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "start_date", "end_date", "budget"]
    list_filter = ["start_date"]
    search_fields = ["name", "business__name"]
    list_select_related = ["business"]
    date_hierarchy = "start_date"


class ThroughServices:
    """Writes go through the services, as in the app, so the dashboard's rollups stay exact."""

    save_service = delete_service = None

    def save_model(self, request, obj, form, change):
        type(self).save_service(obj)

    def delete_model(self, request, obj):
        type(self).delete_service(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            type(self).delete_service(obj)


@admin.register(Task)
class TaskAdmin(ThroughServices, admin.ModelAdmin):
    save_service = staticmethod(services.task_save)
    delete_service = staticmethod(services.task_delete)
    list_display = ["title", "kind", "status", "platform", "campaign", "business", "created_at"]
    list_filter = ["kind", "status", "platform__kind"]
    search_fields = ["title", "post_text", "ad_text", "business__name"]
    list_select_related = ["platform", "campaign", "business"]
    raw_id_fields = ["business", "platform", "campaign", "assignee"]


@admin.register(TimeEntry)
class TimeEntryAdmin(ThroughServices, admin.ModelAdmin):
    save_service = staticmethod(services.entry_save)
    delete_service = staticmethod(services.entry_delete)
    list_display = ["date", "hours", "user", "task", "business"]
    list_filter = ["date"]
    search_fields = ["task__title", "user__username", "note"]
    list_select_related = ["user", "task", "business"]
    raw_id_fields = ["business", "task", "user"]
    date_hierarchy = "date"


@admin.register(ResultEntry)
class ResultEntryAdmin(ThroughServices, admin.ModelAdmin):
    save_service = staticmethod(services.entry_save)
    delete_service = staticmethod(services.entry_delete)
    list_display = ["date", "task", "impressions", "clicks", "conversions", "spend", "business"]
    list_filter = ["date"]
    search_fields = ["task__title"]
    list_select_related = ["task", "business"]
    raw_id_fields = ["business", "task"]
    date_hierarchy = "date"


class DerivedAdmin(admin.ModelAdmin):
    """Read-only: derived from tasks and entries by planner/rollups.py."""

    list_filter = ["kind"]
    search_fields = ["business__name"]
    list_select_related = ["business", "platform", "campaign"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyRollup)
class DailyRollupAdmin(DerivedAdmin):
    list_display = ["date", "business", "kind", "platform", "campaign", "hours", "clicks", "spend"]
    list_filter = ["kind", "date"]


@admin.register(TaskTally)
class TaskTallyAdmin(DerivedAdmin):
    list_display = ["business", "kind", "status", "platform", "campaign", "count"]


@admin.register(ReportUpload)
class ReportUploadAdmin(admin.ModelAdmin):
    """Ad reports waiting between upload and confirm (deleted once applied or cancelled)."""

    list_display = ["file_name", "business", "uploaded_by", "created_at"]
    search_fields = ["file_name", "business__name"]
    list_select_related = ["business", "uploaded_by"]
    exclude = ["content"]  # up to 20 MB of text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "task", "business", "updated_at"]
    list_filter = ["source"]
    search_fields = ["name", "business__name", "task__title"]
    list_select_related = ["business", "task"]
    raw_id_fields = ["business", "task"]
