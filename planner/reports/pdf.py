"""A report as PDF, drawn by WeasyPrint from the report's own HTML and SVG charts (in a job:
planner/exports.run_export_job). Nothing is fetched: the HTML is the planner's template, and
a fetcher that refuses every URL keeps a stray address from reaching the network or a file."""

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone

from planner.reports.report import read_report


def refuse(url, *args, **kwargs):
    raise ValueError(f"A report fetches nothing ({url}).")


def report_html(report):
    return render_to_string(
        "reports/report_pdf.html",
        {"report": report, "cur": report.business.currency, "made": timezone.localtime()},
    )


def write_pdf(business, query, today, out):
    """The report of `query` (its period, campaign and summary) as PDF into the binary file
    `out`; returns its number of pages."""
    _form, report = read_report(business, query, today)
    document = weasyprint.HTML(string=report_html(report), url_fetcher=refuse).render()
    document.write_pdf(target=out)
    return len(document.pages)
