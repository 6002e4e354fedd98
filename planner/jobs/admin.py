"""Jobs in the staff-only admin: read-only, with the exception each failure came with."""

from django.contrib import admin

from planner.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "business", "started_by", "status", "attempts", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("label", "error", "error_detail")
    readonly_fields = [field.name for field in Job._meta.fields]
    exclude = ("payload",)  # an e-mail's body may hold a password-reset link

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
