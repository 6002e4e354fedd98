"""Importing a daily ad report into the SMM ad campaigns: upload → mapping → preview → confirm.

Editors and owners only; the steps between upload and confirm keep the report in the database
(ReportUpload), so any app server can answer any step. The work is in planner/imports.py.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from planner import ad_reports, imports
from planner.access import get_for_business, member_required
from planner.jobs import services as jobs
from planner.jobs.models import Job, JobKind
from planner.models import ReportUpload, Role, Task
from planner.views.common import business_url

PREVIEW_ROWS = 50  # days shown of each kind in the preview (all are counted)
ERRORS_SHOWN = 200


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label="Report file (.csv)",
        allow_empty_file=True,  # ad_reports says "The file is empty." like the other refusals
        help_text=f"A daily report as CSV, at most {ad_reports.MAX_MB} MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ad_reports.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {ad_reports.MAX_MB} MB: export a shorter period."
            )
        return upload


class MappingForm(forms.Form):
    """One choice per campaign name of the report that no SMM task title matches.

    Each field is named after its campaign name (see field_name), not its position, so a POST
    can never give one name's choice to another even if the list changed since the GET.
    """

    def __init__(self, *args, matches, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.matches = matches
        choices = [
            ("", "Choose…"),
            (imports.SKIP, "Skip these rows"),
            *((str(task.pk), f"{task.title} ({task.platform})") for task in tasks),
        ]
        for match in matches:
            initial = str(match.task_id or "")
            if match.skipped:
                initial = imports.SKIP
            note = "chosen before" if match.resolved else match.problem
            self.fields[self.field_name(match.name)] = forms.ChoiceField(
                label=match.name,
                choices=choices,
                initial=initial,
                help_text=f"{match.rows:,} row(s) in the report · {note}",
            )

    @staticmethod
    def field_name(name):
        digest = hashlib.sha256(ad_reports.name_key(name).encode()).hexdigest()
        return f"map_{digest[:12]}"

    def choices_by_name(self):
        """{name as in the report: task id, or None for "skip these rows"}."""
        chosen = {}
        for match in self.matches:
            value = self.cleaned_data[self.field_name(match.name)]
            chosen[match.name] = None if value == imports.SKIP else int(value)
        return chosen


def _upload(request, pk):
    return get_for_business(ReportUpload.objects.all(), request.business, pk=pk)


def _report(request, upload):
    """The stored report parsed, or None (with a message) if it cannot be any more."""
    try:
        return imports.load(upload, request.business)
    except ad_reports.ReportError as error:
        messages.error(request, f"{upload.file_name}: {error}")
        return None


@member_required(Role.EDITOR)
def import_upload(request):
    posted = request.method == "POST"
    form = ReportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = imports.store_upload(request.business, request.user, file.name, file.read())
        except ad_reports.ReportError as error:
            form.add_error("file", str(error))
        else:
            return redirect(business_url(request, "import_mapping", upload.pk))
    formats = [
        (
            ad_reports.FORMAT_LABELS[fmt],
            [
                (column, ad_reports.FIELD_LABELS[name], required)
                for source, name, column, required in ad_reports.COLUMNS
                if source == fmt
            ],
        )
        for fmt in ad_reports.FORMATS
    ]
    return render(
        request,
        "imports/upload.html",
        {"form": form, "formats": formats, "max_mb": ad_reports.MAX_MB},
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.EDITOR)
def import_mapping(request, pk):
    """Ask which SMM task each unknown campaign name is; straight on to the preview when the
    report has none (unless the preview's "change" link asked for the page)."""
    upload = _upload(request, pk)
    report = _report(request, upload)
    if report is None:
        return redirect(business_url(request, "import_upload"))
    every = imports.match_campaigns(request.business, report)
    matches = [match for match in every if match.how != "title"]  # as imports.mapping_names
    preview_url = business_url(request, "import_preview", upload.pk)
    asked = request.method == "POST" or request.GET.get("change")
    if not matches or (not asked and all(match.resolved for match in matches)):
        return redirect(preview_url)
    tasks = Task.objects.for_business(request.business).smm().select_related("platform")
    data = request.POST if request.method == "POST" else None  # an empty POST is bound too
    form = MappingForm(data, matches=matches, tasks=tasks.order_by("title", "pk"))
    if data is not None and form.is_valid():
        try:
            imports.save_mappings(request.business, report.header.format, form.choices_by_name())
        except imports.ImportRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect(preview_url)
    return render(
        request,
        "imports/mapping.html",
        {
            "form": form,
            "upload": upload,
            "header": report.header,
            "matched": [match for match in every if match.how == "title"],
        },
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.EDITOR)
def import_preview(request, pk):
    upload = _upload(request, pk)
    report = _report(request, upload)
    if report is None:
        return redirect(business_url(request, "import_upload"))
    preview = imports.build_preview(request.business, report)
    return _render_preview(request, upload, preview)


def _render_preview(request, upload, preview, status=200, refused=None):
    return render(
        request,
        "imports/preview.html",
        {
            "upload": upload,
            "preview": preview,
            "header": preview.header,
            "added": preview.to_add[:PREVIEW_ROWS],
            "replaced": preview.to_replace[:PREVIEW_ROWS],
            "errors": preview.errors[:ERRORS_SHOWN],
            "more_errors": max(0, len(preview.errors) - ERRORS_SHOWN),
            "warnings": preview.warnings[:ERRORS_SHOWN],
            "more_warnings": max(0, len(preview.warnings) - ERRORS_SHOWN),
            "preview_rows": PREVIEW_ROWS,
            "totals": preview.totals(),
            "refused": refused,
        },
        status=status,
    )


@member_required(Role.EDITOR)
@require_POST
def import_confirm(request, pk):
    """Start the import as a background job and show its progress.

    Confirming one upload twice (a double click, a second tab) finds the same job, so the
    report is applied once.
    """
    key = imports.job_key(request.business, pk)
    job = Job.objects.for_business(request.business).filter(dedupe_key=key).first()
    if job is not None and job.status == "failed":
        job = None  # e.g. the mappings changed meanwhile: confirming again tries again
    if job is None:
        upload = _upload(request, pk)
        job = jobs.start(
            JobKind.REPORT_IMPORT,
            label=f"Import of {upload.file_name}",
            business=request.business,
            user=request.user,
            payload={"upload_id": upload.pk},
            dedupe_key=key,
        )
    return redirect(business_url(request, "job_detail", job.pk))


@member_required(Role.EDITOR)
@require_POST
def import_cancel(request, pk):
    upload = _upload(request, pk)
    key = imports.job_key(request.business, pk)
    job = Job.objects.for_business(request.business).filter(dedupe_key=key).first()
    if job is not None and not job.is_finished:
        messages.error(request, f"{upload.file_name} is being imported; it cannot be cancelled.")
        return redirect(business_url(request, "job_detail", job.pk))
    if not imports.cancel(upload):  # imported meanwhile
        messages.info(request, f"{upload.file_name} was imported before it could be cancelled.")
        return redirect(business_url(request, "smm_list"))
    messages.success(request, f"Import of {upload.file_name} cancelled; nothing was saved.")
    return redirect(business_url(request, "smm_list"))
