"""Reports: the page, and its PDF made in a job — it opens, holds the business's name, the
period and the split's numbers as text, and its charts."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from django.http import QueryDict
from django.urls import reverse

from planner.jobs.models import Job, JobStatus
from planner.reports import charts, pdf
from planner.reports.report import read_report
from tests.factories import (
    CampaignFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)
from tests.jobs_support import work_queue

D = Decimal
TODAY = datetime.date(2026, 11, 20)
NOVEMBER = "period=custom&start=2026-11-01&end=2026-11-30"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def november(business, owner):
    """Rate 50. A post (2 h, 40 clicks, 12 engagements) and an ad (150 spent, 300 clicks)."""
    fb = PlatformFactory(business=business, kind="facebook", handle="acme")
    launch = CampaignFactory(business=business, name="Launch")
    post = SmoTaskFactory(
        business=business, platform=fb, campaign=launch, title="Winter blend",
        status="published", scheduled_at=datetime.datetime(2026, 11, 3, 9, tzinfo=datetime.UTC),
    )  # fmt: skip
    ad = SmmTaskFactory(
        business=business, platform=fb, title="Gift boxes ad",
        flight_start=datetime.date(2026, 11, 5), flight_end=datetime.date(2026, 11, 25),
    )  # fmt: skip
    quiet = SmoTaskFactory(
        business=business, platform=fb, title="Quiet post",
        scheduled_at=datetime.datetime(2026, 11, 4, 9, tzinfo=datetime.UTC),
    )  # fmt: skip
    TimeEntryFactory(task=post, user=owner, hours=D("2"), date=datetime.date(2026, 11, 3))
    ResultEntryFactory(task=post, date=datetime.date(2026, 11, 3), clicks=40, engagements=12)
    ResultEntryFactory(task=quiet, date=datetime.date(2026, 11, 4), clicks=3, engagements=30)
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 6), clicks=300, spend=D("150"))
    return {"post": post, "ad": ad, "quiet": quiet, "launch": launch}


def test_the_report_holds_the_split_and_the_top_lists(business, november):
    _form, report = read_report(business, QueryDict(NOVEMBER + "&summary=A good month."), TODAY)
    split = report.board.split
    assert split.smo.total_cost == D("100.00") and split.smm.total_cost == D("150.00")
    top = {(kind, figure): [t.title for t in tasks] for kind, figure, _h, tasks in report.top}
    assert top[("smo", "clicks")] == ["Winter blend", "Quiet post"]
    assert top[("smo", "engagements")] == ["Quiet post", "Winter blend"]
    assert top[("smm", "clicks")] == ["Gift boxes ad"] and top[("smm", "engagements")] == []
    assert report.summary == "A good month."
    assert "SMO 2 h" in report.charts["hours"] and "$150.00" in report.charts["cost"]


def test_a_campaign_report_counts_only_its_tasks(business, november):
    query = QueryDict(f"{NOVEMBER}&campaign={november['launch'].pk}")
    _form, report = read_report(business, query, TODAY)
    assert report.board.split.smm.total_cost == 0  # the ad is in no campaign
    top = {(kind, figure): [t.title for t in tasks] for kind, figure, _h, tasks in report.top}
    assert top[("smo", "clicks")] == ["Winter blend"]


def test_the_pdf_opens_and_holds_the_figures_and_charts(business, november):
    out = io.BytesIO()
    query = QueryDict(NOVEMBER + "&summary=Paid carried the month.")
    pages = pdf.write_pdf(business, query, TODAY, out)
    document = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    assert len(document.pages) == pages >= 1
    text = " ".join(page.extract_text() for page in document.pages)
    assert "Acme Roasters" in text
    assert "01 Nov 2026" in text and "30 Nov 2026" in text
    assert "$100.00" in text and "$150.00" in text and "$250.00" in text  # the split
    assert "Paid carried the month." in text
    # The charts are drawn: their titles and labels are text, their bars vector paths.
    assert "Hours spent" in text and "Total cost over time" in text
    contents = document.pages[0].get_contents().get_data()
    assert b" re" in contents or b" f" in contents


def test_the_pdf_is_made_by_a_job_and_downloaded(client_for, business, viewer, november):
    client = client_for(viewer)
    response = client.post(reverse("report_pdf", args=[business.pk]) + "?" + NOVEMBER)
    job = Job.objects.get()
    assert response.url == reverse("job_detail", args=[business.pk, job.pk])
    work_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    download = client.get(reverse("job_download", args=[business.pk, job.pk]))
    assert download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    assert (
        body.startswith(b"%PDF")
        and "Acme Roasters" in pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text()
    )


def test_a_report_reaching_today_forecasts_the_month(client_for, business, viewer):
    html = client_for(viewer).get(reverse("report_page", args=[business.pk])).content.decode()
    assert 'data-testid="report-forecast"' in html
    january = "period=custom&start=2020-01-01&end=2020-01-31"  # over: nothing to forecast
    past = client_for(viewer).get(reverse("report_page", args=[business.pk]) + "?" + january)
    assert 'data-testid="report-forecast"' not in past.content.decode()


def test_a_bad_period_makes_no_pdf(client_for, business, viewer):
    url = (
        reverse("report_pdf", args=[business.pk]) + "?period=custom&start=2026-11-30&end=2026-11-01"
    )
    response = client_for(viewer).post(url)
    assert response.status_code == 302 and not Job.objects.exists()


def test_the_page_for_a_member(client_for, business, viewer, november):
    response = client_for(viewer).get(reverse("report_page", args=[business.pk]) + "?" + NOVEMBER)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="report-smo-cost">$100.00<' in html and "<svg" in html
    assert 'data-testid="top-smo-clicks"' in html


def test_a_summary_too_long_is_refused_next_to_its_field(client_for, business, viewer):
    url = reverse("report_page", args=[business.pk])
    response = client_for(viewer).get(url, {"summary": "x" * 2001})
    assert "at most 2000 characters" in response.content.decode()


def test_the_pdf_fetches_nothing():
    with pytest.raises(ValueError):
        pdf.refuse("https://example.com/tracker.png")


def test_charts_say_when_there_is_nothing():
    svg = charts.stacked_columns("Cost", ["1 Nov"], [0], [0])
    assert "Nothing in this period." in svg
    assert charts.split_bar("Hours", 0, 0, "0 h", "0 h").count("<rect") == 1


@pytest.mark.parametrize("posts", [2, 30])
def test_the_page_reads_a_fixed_number_of_queries(
    client_for, business, owner, posts, django_assert_num_queries
):
    platform = PlatformFactory(business=business)
    for n in range(posts):
        task = SmoTaskFactory(business=business, platform=platform)
        ResultEntryFactory(task=task, clicks=n + 1, date=datetime.date.today())
    client = client_for(owner)
    url = reverse("report_page", args=[business.pk])
    client.get(url)
    # session, user, membership, form choices (campaigns), the dashboard's sums, series,
    # campaigns and pipeline, the four top lists' ids (one query) and their tasks, goals,
    # this month's forecast (baseline, figures to date, planned work), navbar: 15
    with django_assert_num_queries(15):
        client.get(url)
