"""The business's jobs: the owners' list, one job's progress page (polled by htmx), and the
download of what an export job wrote."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from planner.access import get_for_business, member_required
from planner.jobs import files, services
from planner.jobs.models import Job, JobKind, JobStatus
from planner.models import Role

PAGE_SIZE = 25
POLL_SECONDS = 1


@member_required(Role.OWNER)
def job_list(request):
    jobs = (
        Job.objects.for_business(request.business)
        .exclude(kind=JobKind.WEBHOOK)  # each has its line in its webhook's delivery log
        .select_related("started_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "jobs": page.object_list})


def _job(request, pk):
    """The owners see every job of the business; editors also its ad-report imports (they may
    import, and a colleague's confirm of the same upload leads to the same job); everyone the
    jobs they started. Any other job is not there for them."""
    job = get_for_business(Job.objects.select_related("started_by"), request.business, pk=pk)
    membership = request.membership
    if not (
        membership.is_owner
        or job.started_by_id == request.user.pk
        or (job.kind == JobKind.REPORT_IMPORT and membership.has_role(Role.EDITOR))
    ):
        raise Http404("No such job.")
    return job


@member_required(Role.VIEWER)
def job_detail(request, pk):
    job = _job(request, pk)
    return render(request, "jobs/job_detail.html", _context(request, job))


@member_required(Role.VIEWER)
def job_progress(request, pk):
    job = _job(request, pk)
    if services.recover_if_stale(job):
        job.refresh_from_db()
    return render(request, "jobs/_progress.html", _context(request, job))


@member_required(Role.VIEWER)
def job_download(request, pk):
    """The file an export job wrote, for whoever may see the job (the owners, and the member
    who started it); the whole business's export for its owners only, as it lists every member.
    Anyone else gets 404. A file past its retention answers 410 with a page that says so."""
    job = _job(request, pk)
    if job.kind != JobKind.EXPORT or job.status != JobStatus.SUCCEEDED:
        raise Http404("No such file.")
    if job.payload.get("what") == "business" and not request.membership.is_owner:
        raise Http404("No such file.")
    name = job.result.get("file")
    if not files.exists(name):
        return render(request, "jobs/job_detail.html", _context(request, job), status=410)
    response = FileResponse(
        files.open_file(name),
        as_attachment=True,
        filename=job.result.get("file_name") or name.rsplit("/", 1)[-1],
        content_type=job.result.get("content_type") or "application/octet-stream",
    )
    response.block_size = files.CHUNK
    return response


@login_required
def my_job_detail(request, pk):
    """A job the user started outside a business (a business being imported)."""
    job = get_object_or_404(Job, pk=pk, started_by=request.user, business__isnull=True)
    return render(request, "jobs/job_detail.html", _context(request, job, mine=True))


@login_required
def my_job_progress(request, pk):
    job = get_object_or_404(Job, pk=pk, started_by=request.user, business__isnull=True)
    if services.recover_if_stale(job):
        job.refresh_from_db()
    return render(request, "jobs/_progress.html", _context(request, job, mine=True))


def _context(request, job, mine=False):
    progress_url = (
        reverse("my_job_progress", args=[job.pk])
        if mine
        else reverse("job_progress", args=[request.business.pk, job.pk])
    )
    return {
        "job": job,
        "poll_seconds": POLL_SECONDS,
        "progress_url": progress_url,
        "next_links": _next_links(request, job),
        "download": _download(request, job),
        "JobStatus": JobStatus,
    }


def _download(request, job):
    """An export's file for the page: its name, size and until when; or that it expired."""
    if job.kind != JobKind.EXPORT or job.status != JobStatus.SUCCEEDED or not job.business_id:
        return None
    if job.payload.get("what") == "business" and not request.membership.is_owner:
        return None
    name = job.result.get("file")
    if not name or job.result.get("expired"):
        return {"expired": True}
    return {
        "url": reverse("job_download", args=[job.business_id, job.pk]),
        "file_name": job.result.get("file_name", ""),
        "size": job.result.get("size", 0),
        "until": job.finished_at + files.retention() if job.finished_at else None,
    }


def _next_links(request, job):
    """Where to go once the job is done: (label, url) pairs."""
    links = job.result.get("links") if job.status == JobStatus.SUCCEEDED else None
    if links:  # a handler may name its own (e.g. the business it imported)
        return [(label, url) for label, url in links]
    if getattr(request, "business", None) is None:
        return []
    b = request.business.pk
    if job.kind == JobKind.REPORT_IMPORT and job.status == JobStatus.SUCCEEDED:
        period = job.result.get("period", "")
        return [
            ("See the spend on the dashboard", reverse("dashboard", args=[b]) + period),
            ("SMM ad campaigns", reverse("smm_list", args=[b])),
        ]
    if job.kind == JobKind.REPORT_IMPORT:
        return [("Upload a report again", reverse("import_upload", args=[b]))]
    if job.kind == JobKind.EXPORT:
        return [_export_again(b, job)]
    return []


def _export_again(b, job):
    """Where an export was started, to start it again (the same filters)."""
    if job.payload.get("what") == "tasks":
        kind = job.payload.get("kind", "smo")
        query = job.payload.get("query", "")
        name = "smo_list" if kind == "smo" else "smm_list"
        label = "Back to the SMO posts" if kind == "smo" else "Back to the SMM ad campaigns"
        return label, reverse(name, args=[b]) + (f"?{query}" if query else "")
    return "Export again", reverse("business_export", args=[b])
