"""Daily reports exported from the ad managers, as CSV: format detection and parsing.

Pure functions, no database: `read()` turns an uploaded file into text and finds its header (or
says why it cannot), `parse()` turns the text into dated figures per campaign name, with an error
for each row it cannot read. Matching campaign names to tasks and saving are in planner/imports.py.

The columns come from third-party importers, not official documentation (docs/domain.md,
"Ad-report imports"), so they are all in COLUMNS below: correct a header there and nothing
else changes.
"""

import csv
import datetime
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_BYTES = 20 * 1024 * 1024  # said on the upload page; 100,000 Meta rows are about 10 MB
MAX_MB = MAX_BYTES // (1024 * 1024)
HEADER_SEARCH_LINES = 20  # LinkedIn puts a few lines about the report above its header
# What the header search looks at, so that a hostile upload costs milliseconds, not minutes (a
# 20 MB file of 20 lines × 500,000 cells used to compare every cell with every column: about a
# minute per upload). A real header is a few hundred characters and at most a few dozen columns
# (a full Meta export: about 60); the bounds leave room for far more than that. Past them the
# file is refused with a message saying which line is too long or too wide.
MAX_HEADER_LINE_CHARS = 16 * 1024  # characters of one line searched for a header
MAX_HEADER_CELLS = 200  # cells of one line (for one delimiter) considered as a header
CURRENCY = "{currency}"  # in a header below: a three-letter ISO 4217 code, e.g. "USD"

# The one mapping table: which column of which report feeds which figure of a day's results.
# Headers are compared ignoring case, surrounding spaces, repeated spaces and "_" for " ".
# A report is of the first format (in this order) whose required columns are all in its header.
# A figure whose column is missing from a report is 0 on new days and left alone on existing ones.
#
#  (format, figure, report column, required)
COLUMNS = (
    ("meta", "date", "Reporting starts", True),
    ("meta", "date_end", "Reporting ends", False),  # must equal the start: a daily breakdown
    ("meta", "campaign", "Campaign name", True),
    ("meta", "spend", "Amount spent ({currency})", True),
    ("meta", "impressions", "Impressions", False),
    ("meta", "reach", "Reach", False),
    ("meta", "clicks", "Link clicks", False),
    ("meta", "conversions", "Results", False),
    ("linkedin", "date", "Start Date (in UTC)", True),
    ("linkedin", "campaign", "Campaign Name", True),
    ("linkedin", "spend", "Total Spent", True),
    ("linkedin", "impressions", "Impressions", False),
    ("linkedin", "clicks", "Clicks", False),
    ("linkedin", "conversions", "Conversions", False),
    ("linkedin", "reach", "Reach", False),
    ("generic", "date", "date", True),
    ("generic", "campaign", "campaign", True),
    ("generic", "impressions", "impressions", False),
    ("generic", "reach", "reach", False),
    ("generic", "engagements", "engagements", False),
    ("generic", "clicks", "clicks", False),
    ("generic", "conversions", "conversions", False),
    ("generic", "spend", "spend", False),
    ("generic", "conversion_value", "conversion value", False),
)
FORMAT_LABELS = {
    "meta": "Meta Ads Manager",
    "linkedin": "LinkedIn Campaign Manager",
    "generic": "Generic CSV",
}
FORMATS = tuple(dict.fromkeys(row[0] for row in COLUMNS))
FIELD_LABELS = {
    "date": "Date",
    "date_end": "End date (must be the same day)",
    "campaign": "Campaign name",
    "impressions": "Impressions",
    "reach": "Reach",
    "engagements": "Engagements",
    "clicks": "Clicks",
    "conversions": "Conversions",
    "conversion_value": "Conversion value",
    "spend": "Media spend",
}

# The figures of a day's results (planner.models.ResultEntry), in this order in Row.figures.
COUNTS = ("impressions", "reach", "engagements", "clicks", "conversions")
AMOUNTS = ("conversion_value", "spend")
FIGURES = COUNTS + AMOUNTS
MAX_COUNT = 2**63 - 1  # PositiveBigIntegerField
MAX_AMOUNT = Decimal("9999999999.99")  # money_field: 12 digits, 2 places
CENT = Decimal("0.01")
ZERO = Decimal(0)

DELIMITERS = (",", ";", "\t")
# Signatures of files people pick by mistake instead of the CSV export.
SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel workbook (.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
)
NOT_CSV_HINT = "Export the report from the ad manager as CSV (.csv), or save the sheet as CSV."


class ReportError(Exception):
    """The file as a whole cannot be imported; the message says why, for the upload form."""


@dataclass(frozen=True, slots=True)
class Header:
    """Where a report's header is and what its columns mean."""

    format: str
    delimiter: str
    line: int  # 1-based line number of the header in the file
    columns: dict  # figure name -> index of its column
    names: dict  # figure name -> its column's header, as written in the file
    currency: str | None  # Meta puts it in the spend column's header

    @property
    def label(self):
        return FORMAT_LABELS[self.format]

    @property
    def figures(self):
        """The figures this report carries (the others it leaves alone on existing days)."""
        return tuple(name for name in FIGURES if name in self.columns)


@dataclass(slots=True)
class Row:
    line: int
    date: datetime.date
    campaign: str
    figures: tuple  # in FIGURES order: ints, then Decimals (not rounded yet)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str
    campaign: str = ""  # when known: an error in rows the user chose to skip does not count

    def __str__(self):
        return f"Row {self.line}: {self.message}"


@dataclass
class Report:
    header: Header
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @functools.cached_property
    def campaigns(self):
        """Campaign names as first written in the report, by matching key, with row counts."""
        spellings = Counter(row.campaign for row in self.rows)
        spellings.update(error.campaign for error in self.errors if error.campaign)
        names = {}
        for spelling, count in spellings.items():
            name, total = names.get(name_key(spelling), (spelling, 0))
            names[name_key(spelling)] = (name, total + count)
        return names


def name_key(name):
    """Campaign names match ignoring case and repeated spaces."""
    return " ".join(str(name).split()).casefold()


def _header_key(text):
    return " ".join(text.replace("\ufeff", "").replace("_", " ").split()).casefold()


def _header_pattern(header):
    pattern = re.escape(_header_key(header)).replace(re.escape(CURRENCY), "([a-z]{3})")
    return re.compile(f"^{pattern}$")


SPECS = {
    fmt: [
        (name, _header_pattern(header), required)
        for f, name, header, required in COLUMNS
        if f == fmt
    ]
    for fmt in FORMATS
}


# --- Reading the file --------------------------------------------------------------------------


def read(data, *, currency=None):
    """Decode an uploaded report and find its header; raise ReportError if it is not one.

    With `currency`, a report that states another currency (Meta's "Amount spent (EUR)") is
    refused: its amounts would be read as the business's money.
    """
    if len(data) > MAX_BYTES:
        raise ReportError(f"The file is larger than {MAX_MB} MB: export a shorter period.")
    text = decode(data)
    return text, read_header(text, currency=currency)


def read_header(text, *, currency=None):
    """find_header(), and the refusal of a report in another currency than `currency`."""
    header = find_header(text)
    if currency and header.currency and header.currency != currency.upper():
        raise ReportError(
            f"This {header.label} report is in {header.currency}, but the business's amounts "
            f"are in {currency.upper()}. Export it in {currency.upper()} (or change the "
            "business's currency) and upload it again."
        )
    return header


def decode(data):
    """The file's text: UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReportError("The file is empty.")
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise ReportError(f"This is {what}, not a CSV file. {NOT_CSV_HINT}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReportError(f"This file is binary, not a CSV file. {NOT_CSV_HINT}")
    text = text.lstrip("\ufeff")
    sample = text[:8192]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    if "\x00" in text or controls > len(sample) // 100:
        raise ReportError(f"This file is binary, not a CSV file. {NOT_CSV_HINT}")
    if not text.strip():
        raise ReportError("The file is empty.")
    return text


def find_header(text):
    """The header among the first lines, and the delimiter it uses.

    The delimiter is sniffed from the header itself: the one of "," ";" and tab that splits a
    line into the columns of a known format. (csv.Sniffer guesses from the data too, and is
    easily misled by decimal commas in ';' files or commas inside campaign names.)

    Bounded, whatever the file: at most HEADER_SEARCH_LINES lines of at most
    MAX_HEADER_LINE_CHARS characters each are looked at, and a line that splits into more than
    MAX_HEADER_CELLS cells is not a header. A line longer than that above the header refuses
    the file (ReportError) without reading the rest of it; lines under the header are rows,
    for parse().
    """
    wide = None  # (line number, cells) of the first line too wide to be a header
    for number, line in enumerate(_first_lines(text), start=1):
        if len(line) > MAX_HEADER_LINE_CHARS:
            raise ReportError(
                _no_header(
                    f"line {number} is longer than {MAX_HEADER_LINE_CHARS:,} characters, far "
                    "more than any report's header"
                )
            )
        if not line.strip():
            continue
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:  # e.g. a cell over csv.field_size_limit(): not a header
                continue
            if len(cells) > MAX_HEADER_CELLS:
                wide = wide or (number, len(cells))
                continue
            header = _match(cells, delimiter, number)
            if header:
                return header
    if wide:
        raise ReportError(
            _no_header(
                f"line {wide[0]} has {wide[1]:,} columns, and a report's header has at most "
                f"{MAX_HEADER_CELLS}"
            )
        )
    raise ReportError(_no_header())


def _first_lines(text):
    """The first HEADER_SEARCH_LINES lines, as text.splitlines() would give them (parse() numbers
    rows with it), without splitting the whole file: only a prefix that holds them all when
    each is at most MAX_HEADER_LINE_CHARS long (plus its line break) is split. A longer line
    among them comes out longer than MAX_HEADER_LINE_CHARS, cut at the end of the prefix."""
    prefix = text[: HEADER_SEARCH_LINES * (MAX_HEADER_LINE_CHARS + 2)]
    return prefix.splitlines()[:HEADER_SEARCH_LINES]


def _no_header(reason=""):
    return (
        "No recognizable header in the first lines of the file"
        + (f": {reason}. " if reason else ". ")
        + "Expected a daily report from Meta Ads Manager (Reporting starts, Campaign name, "
        "Amount spent (USD), …), LinkedIn Campaign Manager (Start Date (in UTC), Campaign "
        "Name, Total Spent, …) or a CSV with the columns date, campaign, impressions, clicks, "
        "conversions, spend, conversion value."
    )


def _match(cells, delimiter, line):
    keys = [_header_key(cell) for cell in cells]
    for fmt in FORMATS:
        columns, names, currency = {}, {}, None
        for name, pattern, _required in SPECS[fmt]:
            for index, key in enumerate(keys):
                found = pattern.match(key)
                if found:  # the first column of that name
                    columns[name] = index
                    names[name] = " ".join(cells[index].replace("\ufeff", "").split())
                    if found.groups():
                        currency = found.group(1).upper()
                    break
        required = {name for name, _pattern, required in SPECS[fmt] if required}
        if not required <= set(columns):
            continue
        if fmt == "generic" and not set(columns) & set(FIGURES):
            continue  # a date and a name alone are not a report
        return Header(fmt, delimiter, line, columns, names, currency)
    return None


# --- Parsing rows ------------------------------------------------------------------------------


def parse(text, *, currency=None):
    """Every data row of a report, as Row objects, or a RowError with the row's line number.

    Row numbers are the file's line numbers, as a spreadsheet shows them (a header on the first
    line is row 1, the first data row is row 2). Empty rows are ignored.
    """
    header = read_header(text, currency=currency)
    report = Report(header)
    lines = text.splitlines(keepends=True)[header.line :]
    reader = csv.reader(lines, delimiter=header.delimiter)
    columns = header.columns
    width = max(columns.values()) + 1
    comma_decimal = header.delimiter == ";"
    # (figure, its column's index or None, its header, its value when the report lacks it)
    figure_columns = [
        (name, columns.get(name), header.names.get(name, ""), 0 if name in COUNTS else ZERO)
        for name in FIGURES
    ]
    date_end = columns.get("date_end")
    start = header.line + 1
    campaign_column, date_column = columns["campaign"], columns["date"]
    date_label = header.names["date"]
    spelled = {}  # each campaign spelling, with its spaces normalised once
    rows, errors = report.rows, report.errors
    for cells in _records(reader, start):
        line, start = start, header.line + reader.line_num + 1
        if not "".join(cells).strip():
            continue
        if len(cells) > campaign_column:
            raw_name = cells[campaign_column]
            campaign = spelled.get(raw_name)
            if campaign is None:
                campaign = spelled[raw_name] = " ".join(raw_name.split())
        else:
            campaign = ""
        if len(cells) < width:
            errors.append(
                RowError(line, f"The row has {len(cells)} columns, the header {width}.", campaign)
            )
            continue
        try:
            if not campaign:
                raise ValueError(f"{header.names['campaign']} is empty.")
            day = _date(date_label, cells[date_column])
            if date_end is not None and cells[date_end].strip():
                end = _date(header.names["date_end"], cells[date_end])
                if end != day:
                    raise ValueError(
                        f"The row covers {day.isoformat()} to {end.isoformat()}: export the report "
                        "with a daily breakdown (one row per day)."
                    )
            figures = tuple(
                [
                    _figure(name, column, cells[index], comma_decimal)
                    if index is not None
                    else absent
                    for name, index, column, absent in figure_columns
                ]
            )
        except ValueError as error:
            errors.append(RowError(line, str(error), campaign))
            continue
        rows.append(Row(line, day, campaign, figures))
    if not report.rows and not report.errors:
        raise ReportError("The report has a header but no rows under it.")
    return report


def _records(reader, first_line):
    """The reader's records; a file the csv module cannot read at all is refused as a whole."""
    try:
        yield from reader
    except csv.Error as error:
        line = first_line + reader.line_num - 1
        raise ReportError(
            f"Row {line} and after cannot be read as CSV ({error}): is a quote left open?"
        ) from None


def _date(column, raw):
    try:
        return parse_date(raw)
    except ValueError as error:
        raise ValueError(f"{column} {error}") from None


def _figure(name, column, raw, comma_decimal):
    """One figure of a row; errors name the report's own column, as the user will look for it."""
    if raw.isascii() and raw.isdigit():  # the common case, without the checks below
        return int(raw) if name in COUNTS else Decimal(raw)
    if not raw:  # Meta leaves "Results" empty on days without any
        return 0 if name in COUNTS else ZERO
    if not comma_decimal and _POINT_DECIMAL.match(raw):  # "12,345", "1,234.56": no sign, spaces
        value = Decimal(raw.replace(",", ""))
    else:
        value = parse_number(raw, comma_decimal=comma_decimal, label=column)
    if name in COUNTS:
        if value != value.to_integral_value():
            raise ValueError(f"{column} “{raw.strip()}” is not a whole number.")
        if value > MAX_COUNT:
            raise ValueError(f"{column} “{raw.strip()}” is too large.")
        return int(value)
    if value > MAX_AMOUNT:
        raise ValueError(f"{column} “{raw.strip()}” is too large.")
    return value


# Numbers. Files separated by ';' come from a locale that writes decimal commas ("1.234,56");
# the others write decimal points ("1,234.56", quoted because of the comma). Thousands
# separators must group by three, so "1.234" in a ';' file is 1234 and "12.5" there is refused
# rather than guessed. Spaces (also no-break ones) are ignored; an empty cell is 0 (Meta leaves
# "Results" empty on days without any).
_POINT_DECIMAL = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_COMMA_DECIMAL = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$|^,\d+$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


def parse_number(raw, *, comma_decimal=False, label="Value"):
    """A non-negative Decimal from a report cell; ValueError with the reason otherwise."""
    text = raw.translate(_SPACES)
    if not text:
        return Decimal(0)
    negative = text[0] in "-−" or (text.startswith("(") and text.endswith(")"))
    digits = text.strip("-−()") if negative else text
    pattern = _COMMA_DECIMAL if comma_decimal else _POINT_DECIMAL
    if not pattern.match(digits):
        style = "decimal comma, like 1.234,56" if comma_decimal else "like 1,234.56"
        raise ValueError(f"{label} “{raw.strip()}” is not a number ({style}).")
    # Drop the thousands separators, then make the decimal separator a point.
    digits = digits.replace(".", "").replace(",", ".") if comma_decimal else digits.replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"{label} “{raw.strip()}” is not a number.") from None
    if negative and value:
        raise ValueError(f"{label} “{raw.strip()}” is negative.")
    return value


def money(value):
    """An amount as stored: two places, rounded half up (after summing, not before)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Dates, as these exports write them (decided here, tested in tests/test_ad_reports.py):
#   2026-11-05, 2026/11/05   ISO, year first.
#   11/5/2026, 11/05/2026    slashes with the year last are US order, MONTH first: that is how
#                            Meta's and LinkedIn's exports in English write dates. They are
#                            never read day first: 13/5/2026 is an error, not 13 May.
#   5.11.2026, 05.11.2026    dots are the European order, DAY first (German-locale exports).
# A time after the date ("2026-11-05 00:00:00", "2026-11-05T00:00") is ignored: the reports are
# daily. Two-digit years and month names are refused, not guessed.
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@functools.lru_cache(maxsize=4096)  # a report repeats its few hundred dates on every row
def parse_date(raw):
    text = raw.strip()
    day_part = re.split(r"[ T]", text, maxsplit=1)[0] if text else ""
    for pattern, order in ((_ISO, "ymd"), (_US, "mdy"), (_DOTTED, "dmy")):
        found = pattern.match(day_part)
        if found:
            parts = dict(zip(order, (int(part) for part in found.groups()), strict=True))
            try:
                return datetime.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    if not text:
        raise ValueError("is empty.")
    raise ValueError(
        f"“{text}” is not a date (write 2026-11-05, 11/5/2026 month first, or 5.11.2026)."
    )
