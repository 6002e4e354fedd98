from django.shortcuts import render

from planner.access import get_for_business, member_required
from planner.forms import PlatformForm
from planner.models import Platform, Role
from planner.selectors import task_counts
from planner.views.common import business_url, delete_with_tasks_page, form_page


@member_required()
def platform_list(request):
    platforms = list(Platform.objects.for_business(request.business).order_by("kind", "handle"))
    counts = task_counts(request.business, "platform_id")
    for platform in platforms:
        platform.task_count = sum(counts.get(platform.pk, {}).values())
    return render(request, "platforms/platform_list.html", {"platforms": platforms})


@member_required(Role.EDITOR)
def platform_create(request):
    form = PlatformForm(request.POST or None, business=request.business)
    form.instance.business = request.business
    return form_page(
        request,
        form,
        title="Add a platform",
        success_url=business_url(request, "platform_list"),
        message="Platform added.",
    )


@member_required(Role.EDITOR)
def platform_edit(request, pk):
    platform = get_for_business(Platform.objects, request.business, pk=pk)
    form = PlatformForm(request.POST or None, instance=platform, business=request.business)
    return form_page(
        request,
        form,
        title=f"Edit {platform}",
        success_url=business_url(request, "platform_list"),
        message="Platform saved.",
    )


@member_required(Role.EDITOR)
def platform_delete(request, pk):
    platform = get_for_business(Platform.objects, request.business, pk=pk)
    return delete_with_tasks_page(
        request,
        platform,
        field="platform",
        targets=Platform.objects.for_business(request.business).exclude(pk=platform.pk),
        allow_none=False,
        success_url=business_url(request, "platform_list"),
        cancel_url=business_url(request, "platform_list"),
    )
