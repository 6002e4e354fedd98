"""Importing an ad report: upload → mapping → preview → confirm, and the service behind it."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner import ad_reports, imports
from planner.dashboard import Filters, dashboard_summary
from planner.jobs.models import Job
from planner.models import DailyRollup, ImportMapping, ReportUpload, ResultEntry, StagedResultDay
from planner.periods import Period
from planner.views.imports import MappingForm
from tests.factories import (
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)
from tests.jobs_support import work_queue

SAMPLES = Path(__file__).parent / "samples"
D = Decimal
NOV_2_TO_4 = Period(datetime.date(2026, 11, 2), datetime.date(2026, 11, 4), "custom")
META_SPEND = D("4702.90")
GIFTS_SPEND = {2: D("1545.00"), 3: D("1400.10"), 4: D("1492.45")}  # two ad sets summed per day
ESPRESSO_SPEND = {2: D("85.20"), 3: D("91.75"), 4: D("88.40")}


def day(n):
    return datetime.date(2026, 11, n)


def url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


def sample_file(name):
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")


def upload(client, business, name):
    return client.post(url(business, "import_upload"), {"file": sample_file(name)})


def spend_by_day(task):
    return {entry.date.day: entry.spend for entry in ResultEntry.objects.filter(task=task)}


def totals(business):
    return ResultEntry.objects.filter(business=business).aggregate(
        spend=Sum("spend"), clicks=Sum("clicks"), impressions=Sum("impressions")
    )


# --- The whole flow through the views -----------------------------------------------------------


def test_upload_mapping_preview_confirm(client_for, business, editor, gifts, espresso):
    client = client_for(editor)
    response = upload(client, business, "meta_daily.csv")
    assert response.status_code == 302
    report = ReportUpload.objects.get(business=business)
    assert response.url == url(business, "import_mapping", report.pk)
    # Kept in the database (any app server can take the next step), decoded, without the BOM.
    assert report.content.startswith("Reporting starts,")
    assert report.uploaded_by == editor
    assert not ResultEntry.objects.exists()

    # Mapping: only the name no title matches is asked about; the other is shown as matched.
    page = client.get(response.url)
    assert page.status_code == 200
    form = page.context["form"]
    assert [field.label for field in form] == ["Espresso launch – café owners"]
    assert [m.name for m in page.context["matched"]] == ["Holiday Gift Boxes"]
    field_name = MappingForm.field_name("Espresso launch – café owners")
    choices = dict(form.fields[field_name].choices)
    assert str(espresso.pk) in choices and imports.SKIP in choices
    response = client.post(response.url, {field_name: str(espresso.pk)})
    assert response.status_code == 302
    assert response.url == url(business, "import_preview", report.pk)
    mapping = ImportMapping.objects.get(business=business)
    assert (mapping.source, mapping.task, mapping.name) == (
        "meta",
        espresso,
        "Espresso launch – café owners",
    )

    # Preview: six task-days to add (Holiday Gift Boxes' two ad sets summed), nothing saved yet.
    page = client.get(response.url)
    assert page.status_code == 200
    preview = page.context["preview"]
    assert (len(preview.to_add), len(preview.to_replace), preview.errors) == (6, 0, [])
    assert preview.can_apply
    gifts_day = next(d for d in preview.to_add if d.task_id == gifts.pk and d.date == day(2))
    assert (gifts_day.spend, gifts_day.lines) == (D("1545.00"), [2, 3])
    content = page.content.decode()
    assert "summed" in content
    assert "$4,702.90" in content
    assert 'data-testid="count-add">6<' in content
    assert "disabled" not in content.split('data-testid="confirm-form"')[1].split("</form>")[0]
    assert not ResultEntry.objects.exists()

    # Confirm: a background job is started and its page shows the progress; nothing is saved
    # until a worker runs it.
    response = client.post(url(business, "import_confirm", report.pk))
    assert response.status_code == 302
    job = Job.objects.get(business=business)
    assert response.url == url(business, "job_detail", job.pk)
    assert (job.kind, job.started_by, job.status) == ("report_import", editor, "queued")
    page = client.get(response.url).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 1s"' in page
    assert not ResultEntry.objects.exists()
    work_queue()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    progress = client.get(url(business, "job_progress", job.pk)).content.decode()
    assert "hx-trigger" not in progress  # finished: the page stops polling
    assert "Ad report imported: 6 day(s) added, 0 replaced" in progress
    dashboard_url = url(business, "dashboard") + "?period=custom&start=2026-11-02&end=2026-11-04"
    assert dashboard_url.replace("&", "&amp;") in progress
    assert spend_by_day(gifts) == GIFTS_SPEND
    assert spend_by_day(espresso) == ESPRESSO_SPEND
    entry = ResultEntry.objects.get(task=gifts, date=day(2))
    assert (entry.impressions, entry.reach, entry.clicks, entry.conversions) == (
        60214,
        41827,
        762,
        22,
    )
    assert entry.business == business
    assert not ReportUpload.objects.exists()

    # The dashboard shows the spend: from the rollups, refreshed in the same transaction.
    summary = dashboard_summary(Filters(business, NOV_2_TO_4), today=day(20))
    assert summary.split.smm.media_spend == META_SPEND
    assert summary.split.smm.clicks == 2532
    assert DailyRollup.objects.filter(business=business).aggregate(s=Sum("spend"))["s"] == (
        META_SPEND
    )
    dashboard = client.get(dashboard_url)
    assert 'data-testid="smm-cost">$4,702.90<' in dashboard.content.decode()


def test_the_same_file_again_replaces_instead_of_adding(
    client_for, business, editor, gifts, espresso
):
    client = client_for(editor)
    ImportMapping.objects.create(
        business=business,
        source="meta",
        name="Espresso launch – café owners",
        name_key=ad_reports.name_key("Espresso launch – café owners"),
        task=espresso,
    )
    for attempt in range(2):
        response = upload(client, business, "meta_daily.csv")
        report = ReportUpload.objects.get(business=business)
        # Every name is known now: the mapping step goes straight on to the preview.
        response = client.get(response.url)
        assert response.status_code == 302
        assert response.url == url(business, "import_preview", report.pk)
        preview = client.get(response.url).context["preview"]
        assert (len(preview.to_add), len(preview.to_replace)) == (
            (6, 0) if attempt == 0 else (0, 6)
        )
        assert client.post(url(business, "import_confirm", report.pk)).status_code == 302
        work_queue()
        assert ResultEntry.objects.filter(business=business).count() == 6
        assert totals(business) == {"spend": META_SPEND, "clicks": 2532, "impressions": 195_514}
        rollup_spend = DailyRollup.objects.filter(business=business).aggregate(s=Sum("spend"))
        assert rollup_spend["s"] == META_SPEND


def test_change_link_shows_the_mapping_again(client_for, business, editor, stored, espresso):
    page = client_for(editor).get(url(business, "import_mapping", stored.pk) + "?change=1")
    assert page.status_code == 200
    field_name = MappingForm.field_name("espresso LAUNCH – café owners")  # any spelling
    assert page.context["form"][field_name].value() == str(espresso.pk)


# --- Replacing days -----------------------------------------------------------------------------


def test_a_day_with_results_gets_the_report_figures_and_keeps_the_others(
    client_for, business, editor, stored, gifts
):
    ResultEntryFactory(
        task=gifts,
        date=day(2),
        spend=D("1.00"),
        clicks=5,
        engagements=7,
        conversion_value=D("50.00"),
    )
    page = client_for(editor).get(url(business, "import_preview", stored.pk))
    preview = page.context["preview"]
    assert len(preview.to_add) == 5
    [replaced] = preview.to_replace
    assert (replaced.task_id, replaced.date) == (gifts.pk, day(2))
    assert (replaced.before["spend"], replaced.spend) == (D("1.00"), D("1545.00"))
    assert "$1.00 → $1,545.00" in page.content.decode()

    imports.apply(stored, business)
    entry = ResultEntry.objects.get(task=gifts, date=day(2))
    assert (entry.spend, entry.clicks) == (D("1545.00"), 762)
    # Meta reports have no engagements or conversion value: those stay as they were.
    assert (entry.engagements, entry.conversion_value) == (7, D("50.00"))
    assert ResultEntry.objects.filter(task=gifts).count() == 3


def test_rows_of_one_task_and_day_are_summed(business, editor, platform):
    task = SmmTaskFactory(business=business, platform=platform, title="Holiday Gift Boxes")
    data = (SAMPLES / "generic.csv").read_bytes()
    preview = imports.apply(imports.store_upload(business, editor, "generic.csv", data), business)
    assert [(d.date, d.lines) for d in preview.days] == [(day(2), [2]), (day(3), [3, 4])]
    entry = ResultEntry.objects.get(task=task, date=day(3))
    assert (entry.spend, entry.clicks, entry.conversions, entry.conversion_value) == (
        D("30.10"),
        50,
        3,
        D("89.70"),
    )


def test_names_mapped_to_one_task_are_summed_too(business, editor, platform):
    task = SmmTaskFactory(business=business, platform=platform, title="Office coffee")
    imports.save_mappings(
        business,
        "linkedin",
        {"Office Coffee Leads": task.pk, "Journalists – Sustainability Report": task.pk},
    )
    data = (SAMPLES / "linkedin_daily.csv").read_bytes()
    imports.apply(imports.store_upload(business, editor, "li.csv", data), business)
    assert spend_by_day(task) == {2: D("276.58"), 3: D("198.02"), 4: D("1005.50")}


# --- Errors anywhere: nothing is applied --------------------------------------------------------


def test_errors_are_listed_with_row_numbers_and_nothing_is_applied(
    client_for, business, editor, gifts
):
    client = client_for(editor)
    upload(client, business, "meta_bad_rows.csv")
    report = ReportUpload.objects.get()
    page = client.get(url(business, "import_preview", report.pk))
    preview = page.context["preview"]
    assert [str(error) for error in preview.errors] == [
        "Row 3: Reporting starts “2026-13-02” is not a date (write 2026-11-05, 11/5/2026 month "
        "first, or 5.11.2026).",
        "Row 4: Amount spent (USD) “-12.00” is negative.",
        "Row 5: Link clicks “n/a” is not a number (like 1,234.56).",
        "Row 6: Unknown campaign “Winter Clearance” (no SMM ad campaign has this title): map it "
        "to an SMM ad campaign or skip its rows.",
        "Row 7: The row covers 2026-11-01 to 2026-11-07: export the report with a daily "
        "breakdown (one row per day).",
    ]
    assert len(preview.to_add) == 1  # row 2 is fine, but is not imported alone
    content = page.content.decode()
    assert "Nothing is imported while the report has errors." in content
    confirm_form = content.split('data-testid="confirm-form"')[1].split("</form>")[0]
    assert "disabled" in confirm_form

    # Posted anyway (the button is disabled): the job fails with the reason, nothing applied.
    response = client.post(url(business, "import_confirm", report.pk))
    assert response.status_code == 302
    work_queue()
    job = Job.objects.get(business=business)
    assert job.status == "failed"
    assert "5 row(s) with errors; nothing was imported" in job.error
    page = client.get(response.url).content.decode()
    assert "5 row(s) with errors; nothing was imported" in page
    assert not ResultEntry.objects.exists()
    assert not DailyRollup.objects.filter(business=business, spend__gt=0).exists()
    assert ReportUpload.objects.filter(pk=report.pk).exists()  # still there to look at


def test_an_error_in_the_last_row_of_a_large_file_applies_nothing(business, editor, gifts):
    lines = ["date,campaign,spend,clicks"]
    lines += [
        f"{datetime.date(2025, 1, 1) + datetime.timedelta(days=n)},Holiday gift boxes,1.00,1"
        for n in range(500)
    ]
    lines.append("2026-11-02,Holiday gift boxes,1.00,-1")
    stored = imports.store_upload(business, editor, "big.csv", "\n".join(lines).encode())
    with pytest.raises(imports.ImportRefused, match="1 row"):
        imports.apply(stored, business)
    assert not ResultEntry.objects.exists()


def test_rows_of_a_skipped_campaign_are_left_out_with_their_errors(
    client_for, business, editor, gifts
):
    client = client_for(editor)
    upload(client, business, "meta_bad_rows.csv")
    report = ReportUpload.objects.get()
    mapping = client.get(url(business, "import_mapping", report.pk))
    assert [field.label for field in mapping.context["form"]] == ["Winter Clearance"]
    winter = MappingForm.field_name("Winter Clearance")
    client.post(url(business, "import_mapping", report.pk), {winter: imports.SKIP})
    assert ImportMapping.objects.get().task is None
    preview = client.get(url(business, "import_preview", report.pk)).context["preview"]
    assert preview.skipped_rows == 1
    assert "Winter Clearance" not in " ".join(str(e) for e in preview.errors)
    assert len(preview.errors) == 4  # the other errors still stop the import


def test_skipping_makes_a_file_importable(business, editor, gifts):
    data = b"date,campaign,spend\n2026-11-02,Holiday gift boxes,2\n2026-11-02,Old test,-1\n"
    stored = imports.store_upload(business, editor, "r.csv", data)
    with pytest.raises(imports.ImportRefused):
        imports.apply(stored, business)
    imports.save_mappings(business, "generic", {"Old test": None})
    preview = imports.apply(stored, business)
    assert (len(preview.days), preview.skipped_rows) == (1, 1)
    assert spend_by_day(gifts) == {2: D("2.00")}
    assert "1 row(s) skipped" in imports.summary(preview)


def test_ambiguous_titles_must_be_mapped(business, editor, platform):
    first = SmmTaskFactory(business=business, platform=platform, title="Gifts")
    SmmTaskFactory(business=business, platform=platform, title="GIFTS")
    stored = imports.store_upload(
        business, editor, "r.csv", b"date,campaign,spend\n2026-11-02,gifts,2\n"
    )
    report = imports.load(stored, business)
    [match] = imports.mapping_names(business, report)
    assert match.problem == "2 SMM ad campaigns have this title"
    imports.save_mappings(business, "generic", {"gifts": first.pk})
    imports.apply(stored, business)
    assert spend_by_day(first) == {2: D("2.00")}


def test_spend_goes_on_smm_tasks_only(client_for, business, editor, platform):
    # An organic post with the campaign's exact title is not a match, nor offered.
    post = SmoTaskFactory(business=business, platform=platform, title="Holiday Gift Boxes")
    client = client_for(editor)
    upload(client, business, "generic.csv")
    report = ReportUpload.objects.get()
    page = client.get(url(business, "import_mapping", report.pk))
    field_name = MappingForm.field_name("holiday gift boxes")
    assert str(post.pk) not in dict(page.context["form"].fields[field_name].choices)
    response = client.post(url(business, "import_mapping", report.pk), {field_name: str(post.pk)})
    assert response.status_code == 400
    assert not ImportMapping.objects.exists()
    with pytest.raises(imports.ImportRefused):
        imports.save_mappings(business, "generic", {"Holiday Gift Boxes": post.pk})


def test_refused_if_the_business_currency_changed_since_the_upload(
    client_for, business, editor, stored
):
    business.currency = "EUR"
    business.save()
    client = client_for(editor)
    response = client.get(url(business, "import_preview", stored.pk))
    assert response.status_code == 302
    assert response.url == url(business, "import_upload")
    with pytest.raises(imports.ImportRefused, match="in USD, but"):
        imports.apply(stored, business)
    assert not ResultEntry.objects.exists()


def test_a_confirmed_upload_cannot_be_applied_twice(business, stored):
    imports.apply(stored, business)
    with pytest.raises(imports.ImportRefused, match="already imported"):
        imports.apply(stored, business)


# --- Files refused at upload --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("screenshot.png", "This is a PNG image, not a CSV file."),
        ("meta_daily.xlsx", "This is an Excel workbook (.xlsx) or another zip archive"),
        ("empty.csv", "The file is empty."),
        ("no_header.csv", "No recognizable header in the first lines of the file."),
        ("meta_semicolon_eur.csv", "This Meta Ads Manager report is in EUR, but the business"),
    ],
)
def test_files_refused_at_upload_say_why_next_to_the_field(
    client_for, business, editor, name, message
):
    response = upload(client_for(editor), business, name)
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and errors[0].startswith(message)
    content = response.content.decode()
    assert 'id="error_1_id_file"' in content  # crispy's feedback, right under the file input
    assert not ReportUpload.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Reporting starts,Campaign name,Amount spent (USD)\r\n", "no rows under it"),
        (
            b'date,campaign,spend\n2026-11-02,"' + b"x" * 200_000 + b'",1\n',
            "Row 2 and after cannot be read as CSV",
        ),
    ],
)
def test_a_report_without_readable_rows_is_refused_at_upload(
    client_for, business, editor, data, message
):
    response = client_for(editor).post(
        url(business, "import_upload"), {"file": SimpleUploadedFile("r.csv", data)}
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors["file"][0]
    assert not ReportUpload.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_for, business, editor, monkeypatch):
    monkeypatch.setattr(ad_reports, "MAX_BYTES", 1000)
    client = client_for(editor)
    page = client.get(url(business, "import_upload"))
    assert "At most 20 MB" in page.content.decode()
    big = SimpleUploadedFile("big.csv", b"date,campaign,spend\n" + b"2026-11-02,A,1\n" * 100)
    response = client.post(url(business, "import_upload"), {"file": big})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file is larger than 20 MB: export a shorter period."
    ]
    assert not ReportUpload.objects.exists()


def test_the_real_limit_is_20_mb(business, editor):
    with pytest.raises(ad_reports.ReportError, match="larger than 20 MB"):
        imports.store_upload(business, editor, "big.csv", b"x" * (20 * 1024 * 1024 + 1))


def test_no_file_is_a_form_error(client_for, business, editor):
    response = client_for(editor).post(url(business, "import_upload"), {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_the_upload_page_lists_the_columns_from_the_mapping_table(client_for, business, editor):
    content = client_for(editor).get(url(business, "import_upload")).content.decode()
    for _fmt, _name, column, _required in ad_reports.COLUMNS:
        assert f"<code>{column}</code>" in content


# --- Who may import -----------------------------------------------------------------------------


STEPS = [
    ("import_upload", False, "get"),
    ("import_upload", False, "post"),
    ("import_mapping", True, "get"),
    ("import_mapping", True, "post"),
    ("import_preview", True, "get"),
    ("import_confirm", True, "post"),
    ("import_cancel", True, "post"),
]


@pytest.mark.parametrize("name, with_pk, method", STEPS)
def test_viewers_get_403(client_for, business, viewer, stored, name, with_pk, method):
    args = [stored.pk] if with_pk else []
    data = {"file": sample_file("meta_daily.csv")} if method == "post" and not with_pk else {}
    response = getattr(client_for(viewer), method)(url(business, name, *args), data)
    assert response.status_code == 403
    assert ReportUpload.objects.count() == 1
    assert not ResultEntry.objects.exists()


@pytest.mark.parametrize("name, with_pk, method", STEPS)
def test_other_businesses_get_404(client_for, business, outsider, stored, name, with_pk, method):
    args = [stored.pk] if with_pk else []
    response = getattr(client_for(outsider), method)(url(business, name, *args), {})
    assert response.status_code == 404
    assert ReportUpload.objects.count() == 1
    assert not ResultEntry.objects.exists()


@pytest.mark.parametrize("name, with_pk, method", STEPS)
def test_anonymous_is_sent_to_login(client, business, stored, name, with_pk, method):
    args = [stored.pk] if with_pk else []
    response = getattr(client, method)(url(business, name, *args), {})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["import_mapping", "import_preview", "import_confirm"])
def test_an_upload_of_another_business_is_404_from_your_own(
    client_for, business, stored, other_business, outsider, name
):
    # The outsider owns other_business; the upload's id under their own business is not found.
    client = client_for(outsider)
    response = client.post(url(other_business, name, stored.pk))
    assert response.status_code == 404
    assert ReportUpload.objects.filter(pk=stored.pk).exists()


def test_a_task_of_another_business_in_the_mapping_is_a_form_error(
    client_for, business, editor, gifts, other_business
):
    theirs = SmmTaskFactory(
        business=other_business,
        platform=PlatformFactory(business=other_business),
        title="Their campaign",
    )
    client = client_for(editor)
    upload(client, business, "meta_daily.csv")
    report = ReportUpload.objects.get()
    field_name = MappingForm.field_name("Espresso launch – café owners")
    response = client.post(url(business, "import_mapping", report.pk), {field_name: str(theirs.pk)})
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors[field_name][0]
    assert "Their campaign" not in response.content.decode()
    assert not ImportMapping.objects.exists()
    # The service refuses it too, whatever calls it.
    with pytest.raises(imports.ImportRefused):
        imports.save_mappings(business, "meta", {"Espresso launch – café owners": theirs.pk})
    assert not ImportMapping.objects.exists()


def test_mappings_and_tasks_of_another_business_are_never_used(
    business, editor, other_business, gifts
):
    theirs = SmmTaskFactory(
        business=other_business,
        platform=PlatformFactory(business=other_business),
        title="Espresso launch – café owners",  # the exact name, but not this business's task
    )
    ImportMapping.objects.create(
        business=other_business, source="meta", name="x", name_key="winter clearance", task=theirs
    )
    data = (SAMPLES / "meta_daily.csv").read_bytes()
    report = imports.load(imports.store_upload(business, editor, "m.csv", data), business)
    unresolved = [m.name for m in imports.match_campaigns(business, report) if not m.resolved]
    assert unresolved == ["Espresso launch – café owners"]


def test_smm_list_offers_the_import_to_editors_only(client_for, business, editor, viewer):
    link = url(business, "import_upload")
    assert link in client_for(editor).get(url(business, "smm_list")).content.decode()
    assert link not in client_for(editor).get(url(business, "smo_list")).content.decode()
    assert link not in client_for(viewer).get(url(business, "smm_list")).content.decode()


# --- Keeping and deleting uploads ---------------------------------------------------------------


def test_cancel_deletes_the_upload(client_for, business, editor, stored):
    response = client_for(editor).post(url(business, "import_cancel", stored.pk))
    assert response.status_code == 302
    assert response.url == url(business, "smm_list")
    assert not ReportUpload.objects.exists()
    assert not ResultEntry.objects.exists()


def test_confirm_and_cancel_only_take_post(client_for, business, editor, stored):
    client = client_for(editor)
    assert client.get(url(business, "import_confirm", stored.pk)).status_code == 405
    assert client.get(url(business, "import_cancel", stored.pk)).status_code == 405


def test_uploads_nobody_confirmed_are_deleted_a_day_later(business, editor, stored):
    ReportUpload.objects.filter(pk=stored.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    fresh = imports.store_upload(business, editor, "g.csv", (SAMPLES / "generic.csv").read_bytes())
    assert list(ReportUpload.objects.all()) == [fresh]


# --- Bulk writes --------------------------------------------------------------------------------


def test_apply_writes_in_bulk_not_one_query_per_row(business, editor, gifts):
    """600 days are a few batched upserts (SQLite takes 90 rows a statement, PostgreSQL 2,000)."""

    def report(days):
        lines = ["date,campaign,spend,clicks,impressions"]
        start = datetime.date(2025, 1, 1)
        lines += [
            f"{start + datetime.timedelta(days=n)},Holiday gift boxes,{n}.25,{n},{n * 10}"
            for n in range(days)
        ]
        return imports.store_upload(business, editor, "r.csv", "\n".join(lines).encode())

    small, large = report(30), report(600)
    with CaptureQueriesContext(connection) as small_queries:
        imports.apply(small, business)
    with CaptureQueriesContext(connection) as large_queries:
        imports.apply(large, business)  # 30 days replaced, 570 added
    writes = [
        q["sql"] for q in large_queries if q["sql"].startswith('INSERT INTO "planner_resultentry"')
    ]
    # One statement copies the staged days into the results, whatever their number.
    assert len(writes) == 1 and "SELECT" in writes[0] and "ON CONFLICT" in writes[0]
    staged = [q for q in large_queries if 'INSERT INTO "planner_stagedresultday"' in q["sql"]]
    assert len(staged) <= 10
    assert len(large_queries) < 60  # 600 rows
    assert (
        len(small_queries) < 35
    )  # fixed: the preview reads the flights once; the tallies of the ads
    assert not StagedResultDay.objects.exists()  # staging is emptied afterwards
    assert ResultEntry.objects.filter(task=gifts).count() == 600
    assert ResultEntry.objects.get(task=gifts, date=datetime.date(2025, 1, 11)).spend == D("10.25")


def test_time_and_other_results_are_untouched(business, editor, stored, gifts, owner):
    hours = TimeEntryFactory(task=gifts, user=owner, date=day(2))
    earlier = ResultEntryFactory(task=gifts, date=day(1), spend=D("9.99"))
    imports.apply(stored, business)
    assert ResultEntry.objects.get(pk=earlier.pk).spend == D("9.99")
    summary = dashboard_summary(Filters(business, NOV_2_TO_4), today=day(20))
    assert summary.split.smm.hours == hours.hours
    assert summary.split.smm.media_spend == META_SPEND


def test_an_empty_mapping_post_asks_for_every_name(client_for, business, editor, gifts):
    client = client_for(editor)
    upload(client, business, "meta_daily.csv")
    report = ReportUpload.objects.get()
    response = client.post(url(business, "import_mapping", report.pk), {})
    assert response.status_code == 400
    field_name = MappingForm.field_name("Espresso launch – café owners")
    assert response.context["form"].errors[field_name] == ["This field is required."]
    assert not ImportMapping.objects.exists()


# --- Row warnings: what the task page refuses or warns of, shown but not in the way ------------


def test_impossible_and_unusual_rows_are_warned_and_still_imported(
    client_for, business, editor, platform
):
    task = SmmTaskFactory(
        business=business, platform=platform, title="Holiday Gift Boxes",
        flight_start=day(3), flight_end=day(30),
    )  # fmt: skip
    future = timezone.localdate() + datetime.timedelta(days=3)
    csv_text = (
        "date,campaign,impressions,clicks,conversions,spend\n"
        f"{day(2)},Holiday Gift Boxes,10,500,2,5.00\n"  # clicks over impressions, before the flight
        f"{day(3)},Holiday Gift Boxes,1000,50,900,5.00\n"  # conversions over clicks
        f"{day(4)},Holiday Gift Boxes,1000,50,2,5.00\n"  # fine
        f"{future},Holiday Gift Boxes,1000,50,2,0\n"  # a future day
    )
    client = client_for(editor)
    client.post(
        url(business, "import_upload"),
        {"file": SimpleUploadedFile("r.csv", csv_text.encode(), content_type="text/csv")},
    )
    report = ReportUpload.objects.get()
    page = client.get(url(business, "import_preview", report.pk))
    warnings = [str(warning) for warning in page.context["preview"].warnings]
    assert [warning.split(":")[0] for warning in warnings] == ["Row 2", "Row 2", "Row 3", "Row 5"]
    assert "each click needs an impression" in warnings[0]
    assert "outside the ad's flight" in warnings[1]
    assert "900 conversions from 50 clicks" in warnings[2]
    assert "in the future" in warnings[3]
    content = page.content.decode()
    assert 'data-testid="warning-rows"' in content and "each click needs an impression" in content
    assert page.context["preview"].can_apply
    imports.apply(report, business)
    assert ResultEntry.objects.filter(task=task).count() == 4
