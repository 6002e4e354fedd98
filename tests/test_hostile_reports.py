"""Hostile ad-report uploads: the header search looks at a bounded part of the file.

Before the bounds, a 20 MB file of 20 lines × 500,000 cells kept a worker busy for about a
minute (every cell compared with every known column), and one 2 MB line of 10^6 cells took 5 s.
Now such files are refused with a message saying why, in milliseconds; a report whose header is
within the bounds is read as before.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner import ad_reports
from planner.ad_reports import (
    HEADER_SEARCH_LINES,
    MAX_HEADER_CELLS,
    MAX_HEADER_LINE_CHARS,
    ReportError,
    find_header,
    parse,
    read,
)
from planner.models import ReportUpload

FAST = 1.0  # seconds; the refusals below take a few milliseconds on a quiet machine
TWENTY_LINES_OF_HALF_A_MILLION_CELLS = (b"x," * 499_999 + b"x\n") * 20  # 20.0 MB
ONE_LINE_OF_A_MILLION_CELLS = b"x," * 999_999 + b"x\n"  # 2.0 MB
GENERIC_HEADER = "date,campaign,clicks,spend"
ROW = "2026-11-02,Gifts,3,1.50"


def refused(data, **kwargs):
    """(ReportError message, seconds) of reading `data`."""
    start = time.perf_counter()
    with pytest.raises(ReportError) as error:
        read(data, **kwargs)
    return str(error.value), time.perf_counter() - start


def test_twenty_lines_of_half_a_million_cells_are_refused_at_once():
    data = TWENTY_LINES_OF_HALF_A_MILLION_CELLS
    assert len(data) <= ad_reports.MAX_BYTES  # under the size limit: the header search decides
    message, seconds = refused(data, currency="USD")
    assert message.startswith("No recognizable header in the first lines of the file: line 1 is")
    assert f"longer than {MAX_HEADER_LINE_CHARS:,} characters" in message
    assert "Expected a daily report from Meta Ads Manager" in message
    assert seconds < FAST, f"took {seconds:.2f} s"


def test_one_line_of_a_million_cells_is_refused_at_once():
    message, seconds = refused(ONE_LINE_OF_A_MILLION_CELLS)
    assert f"line 1 is longer than {MAX_HEADER_LINE_CHARS:,} characters" in message
    assert seconds < FAST, f"took {seconds:.2f} s"


def test_the_same_cells_after_a_few_short_lines_name_their_line():
    data = b"Report: all campaigns\n\n" + ONE_LINE_OF_A_MILLION_CELLS
    message, seconds = refused(data)
    assert "line 3 is longer than" in message
    assert seconds < FAST


def test_a_line_of_too_many_short_cells_is_not_a_header():
    """16 KiB lines fit the length bound, but 8,000 cells are no header: not even compared."""
    data = (b"x," * 7_999 + b"x\n") * HEADER_SEARCH_LINES
    message, seconds = refused(data)
    assert f"line 1 has 8,000 columns, and a report's header has at most {MAX_HEADER_CELLS}" in (
        message
    )
    assert seconds < FAST


def test_the_worst_file_within_the_bounds_is_still_quick():
    """Every line as long and as wide as the bounds allow, for all three delimiters at once."""
    cell = "Some Long Column_Name "
    line = ",".join(";".join("\t".join([cell] * 2) for _ in range(2)) for _ in range(66))
    assert len(line) <= MAX_HEADER_LINE_CHARS
    assert max(line.count(d) for d in ",;\t") + 1 <= MAX_HEADER_CELLS
    data = ((line + "\n") * HEADER_SEARCH_LINES + GENERIC_HEADER + "\n" + ROW + "\n").encode()
    message, seconds = refused(data)
    assert message.startswith("No recognizable header in the first lines of the file. Expected")
    assert seconds < FAST


def test_the_search_does_not_split_the_whole_file():
    """find_header splits a bounded prefix to read the first lines, not 20 MB of rows."""

    class WholeFile(str):
        def splitlines(self, keepends=False):
            raise AssertionError("find_header split the whole file")

    text = WholeFile(GENERIC_HEADER + "\n" + (ROW + "\n") * 600_000)
    header = find_header(text)
    assert (header.format, header.line) == ("generic", 1)


# Reports within the bounds are read exactly as before.


def test_a_header_below_a_long_preamble_line_within_the_bound_is_found():
    preamble = "Note: " + "x" * (MAX_HEADER_LINE_CHARS - 6)
    text = f"{preamble}\n{GENERIC_HEADER}\n{ROW}\n"
    report = parse(read(text.encode())[0])
    assert report.header.line == 2
    assert [row.line for row in report.rows] == [3]


def test_a_long_row_under_the_header_is_a_row_not_a_refusal():
    long_name = "Gifts " + "y" * (2 * MAX_HEADER_LINE_CHARS)
    text = f"{GENERIC_HEADER}\n2026-11-02,{long_name},3,1.50\n{ROW}\n"
    report = parse(read(text.encode())[0])
    assert len(report.rows) == 2


def test_a_wide_line_above_the_header_is_skipped():
    text = "," * (MAX_HEADER_CELLS + 50) + f"\n{GENERIC_HEADER}\n{ROW}\n"
    assert read(text.encode())[1].line == 2


def test_a_wide_real_header_is_found():
    """A full Meta export has about 60 columns; a header of 200 columns is still one."""
    extra = [f"Custom metric {n}" for n in range(MAX_HEADER_CELLS - 4)]
    header = ",".join(["date", "campaign", "clicks", "spend", *extra])
    text = f"{header}\n{ROW}{',0' * len(extra)}\n"
    report = parse(read(text.encode())[0])
    assert report.header.format == "generic"
    assert len(report.rows) == 1


def test_the_header_may_be_on_the_last_line_searched_but_not_after():
    preamble = "".join(f"Report line {n}\n" for n in range(HEADER_SEARCH_LINES - 1))
    assert read(f"{preamble}{GENERIC_HEADER}\n{ROW}\n".encode())[1].line == HEADER_SEARCH_LINES
    message, _ = refused(f"{preamble}\n{GENERIC_HEADER}\n{ROW}\n".encode())
    assert message.startswith("No recognizable header")


def test_line_breaks_other_than_newline_number_lines_as_parse_does():
    """The header's line number must be the one parse() counts (str.splitlines)."""
    text = f"Report\rExported\r\n\u2028{GENERIC_HEADER}\r\n{ROW}\r\n"
    text_read, header = read(text.encode())
    assert header.line == 4
    assert [row.line for row in parse(text_read).rows] == [5]


# Through the upload page: refused at the file field, nothing kept.


def test_the_hostile_file_is_refused_by_the_upload_page(client_for, business, editor):
    upload = SimpleUploadedFile("hostile.csv", TWENTY_LINES_OF_HALF_A_MILLION_CELLS)
    start = time.perf_counter()
    response = client_for(editor).post(
        reverse("import_upload", args=[business.pk]), {"file": upload}
    )
    seconds = time.perf_counter() - start
    assert response.status_code == 400
    message = response.context["form"].errors["file"][0]
    assert f"line 1 is longer than {MAX_HEADER_LINE_CHARS:,} characters" in message
    assert not ReportUpload.objects.exists()
    # Most of it is the test client building and parsing a 20 MB multipart body.
    assert seconds < 10, f"took {seconds:.1f} s"
