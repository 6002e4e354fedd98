"""planner/ad_reports.py: format detection and parsing of the sample exports (no database)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from planner import ad_reports
from planner.ad_reports import FIGURES, ReportError, parse, parse_date, parse_number, read

SAMPLES = Path(__file__).parent / "samples"
D = datetime.date


def sample(name):
    return (SAMPLES / name).read_bytes()


def load(name, currency="USD"):
    text, _header = read(sample(name), currency=currency)
    return parse(text, currency=currency)


def figures(row):
    return dict(zip(FIGURES, row.figures, strict=True))


# --- Each format is detected from its header ----------------------------------------------------


def test_meta_export_is_detected_with_its_currency_and_thousands_separators():
    report = load("meta_daily.csv")
    header = report.header
    assert (header.format, header.delimiter, header.line, header.currency) == (
        "meta",
        ",",
        1,
        "USD",
    )
    assert header.label == "Meta Ads Manager"
    assert set(header.figures) == {"impressions", "reach", "clicks", "conversions", "spend"}
    assert report.errors == []
    assert len(report.rows) == 9
    first = report.rows[0]
    assert (first.line, first.date, first.campaign) == (2, D(2026, 11, 2), "Holiday Gift Boxes")
    # "1,234.56" quoted, "48,210" quoted, an empty Results cell is 0.
    assert figures(first) == {
        "impressions": 48210,
        "reach": 31877,
        "engagements": 0,
        "clicks": 612,
        "conversions": 18,
        "conversion_value": Decimal("0"),
        "spend": Decimal("1234.56"),
    }
    assert figures(report.rows[2])["conversions"] == 0
    assert sum(figures(row)["spend"] for row in report.rows) == Decimal("4702.90")


def test_meta_bom_is_ignored_and_the_same_file_without_it_reads_the_same():
    data = sample("meta_daily.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    with_bom = parse(read(data)[0])
    without = parse(read(data[3:])[0])
    assert with_bom.header == without.header
    assert [r.figures for r in with_bom.rows] == [r.figures for r in without.rows]


def test_localized_semicolon_file_reads_decimal_commas_and_day_first_dates():
    report = load("meta_semicolon_eur.csv", currency="EUR")
    assert (report.header.format, report.header.delimiter, report.header.currency) == (
        "meta",
        ";",
        "EUR",
    )
    rows = report.rows
    assert [row.date for row in rows] == [D(2026, 11, 2), D(2026, 11, 2), D(2026, 11, 3)] + [
        D(2026, 11, 3)
    ]
    assert figures(rows[0])["spend"] == Decimal("1234.56")  # "1.234,56"
    assert figures(rows[0])["impressions"] == 48210  # "48.210"
    assert figures(rows[1])["spend"] == Decimal("310.44")  # "310,44"
    assert figures(rows[2])["spend"] == Decimal("1102.1")  # "1.102,1"
    assert rows[3].campaign == "Büro-Kaffee B2B"


def test_linkedin_export_is_found_below_its_preamble():
    report = load("linkedin_daily.csv")
    header = report.header
    assert (header.format, header.delimiter, header.line) == ("linkedin", ",", 8)
    assert header.currency is None
    assert header.label == "LinkedIn Campaign Manager"
    # Row numbers are the file's lines: the first data row is line 9.
    assert [row.line for row in report.rows] == [9, 10, 11, 12]
    assert [row.date for row in report.rows[:3]] == [D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4)]
    third = figures(report.rows[2])
    assert third["spend"] == Decimal("1005.50")
    assert (third["impressions"], third["clicks"], third["conversions"], third["reach"]) == (
        41002,
        377,
        21,
        30118,
    )


def test_generic_csv_with_conversion_value():
    report = load("generic.csv")
    assert report.header.format == "generic"
    assert report.header.label == "Generic CSV"
    assert "reach" not in report.header.figures  # not in this file: left alone on import
    assert [figures(row)["conversion_value"] for row in report.rows] == [
        Decimal("89.70"),
        Decimal("59.80"),
        Decimal("29.90"),
    ]
    # Names keep their spelling; they match ignoring case.
    assert {ad_reports.name_key(row.campaign) for row in report.rows} == {"holiday gift boxes"}
    assert len(report.campaigns) == 1


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed_from_the_header(delimiter):
    text = delimiter.join(["date", "campaign", "spend", "clicks"]) + "\n"
    text += delimiter.join(["2026-11-02", "Gifts, boxes and more", "12", "3"]) + "\n"
    if delimiter == ",":
        text = text.replace("Gifts, boxes and more", '"Gifts, boxes and more"')
    report = parse(read(text.encode())[0])
    assert report.header.delimiter == delimiter
    assert report.rows[0].campaign == "Gifts, boxes and more"
    assert figures(report.rows[0])["clicks"] == 3


def test_headers_match_ignoring_case_spaces_and_underscores():
    text = "DATE ; Campaign;SPEND;conversion_value\n2026-11-02;Gifts;1,5;2\n"
    report = parse(read(text.encode())[0])
    assert report.header.format == "generic"
    assert figures(report.rows[0])["spend"] == Decimal("1.5")
    assert figures(report.rows[0])["conversion_value"] == Decimal("2")


def test_utf16_and_windows_1252_files_are_decoded():
    text = "date\tcampaign\tspend\n2026-11-02\tCafé crème\t3.50\n"
    for data in (text.encode("utf-16"), text.encode("cp1252")):
        report = parse(read(data)[0])
        assert report.rows[0].campaign == "Café crème"
        assert figures(report.rows[0])["spend"] == Decimal("3.50")


# --- Files refused as a whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.csv", "The file is empty."),
        ("screenshot.png", "This is a PNG image, not a CSV file."),
        ("meta_daily.xlsx", "This is an Excel workbook (.xlsx)"),
        ("no_header.csv", "No recognizable header"),
    ],
)
def test_files_that_are_not_reports_are_refused(name, message):
    with pytest.raises(ReportError) as refused:
        read(sample(name), currency="USD")
    assert message in str(refused.value)


def test_binary_noise_is_refused():
    for noise in (bytes(range(256)) * 40, b"\x01\x02date,campaign,spend\x00\n" * 50):
        with pytest.raises(ReportError, match="This file is binary, not a CSV file."):
            read(noise)


def test_only_whitespace_is_empty():
    with pytest.raises(ReportError, match="The file is empty."):
        read(b"\xef\xbb\xbf \r\n\r\n")


def test_a_header_without_rows_is_refused():
    with pytest.raises(ReportError, match="no rows"):
        parse(read(b"date,campaign,spend\r\n\r\n")[0])


def test_a_file_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(ad_reports, "MAX_BYTES", 100)
    with pytest.raises(ReportError, match=f"larger than {ad_reports.MAX_MB} MB"):
        read(b"date,campaign,spend\n" + b"2026-11-02,Gifts,1\n" * 10)
    assert ad_reports.MAX_MB == 20


def test_meta_currency_must_be_the_business_currency():
    with pytest.raises(ReportError) as refused:
        read(sample("meta_semicolon_eur.csv"), currency="USD")
    assert "in EUR, but the business's amounts are in USD" in str(refused.value)
    with pytest.raises(ReportError, match="in USD, but"):
        read(sample("meta_daily.csv"), currency="EUR")
    # Stored text is checked again when parsed (the business's currency may have changed).
    with pytest.raises(ReportError, match="in USD, but"):
        parse(read(sample("meta_daily.csv"))[0], currency="EUR")
    assert read(sample("meta_daily.csv"), currency="usd")[1].currency == "USD"


def test_meta_without_a_currency_in_the_spend_header_is_not_recognized():
    with pytest.raises(ReportError, match="No recognizable header"):
        read(b"Reporting starts,Campaign name,Amount spent\n2026-11-02,Gifts,1\n")


# --- Rows with errors: each with its row number and reason --------------------------------------


def test_bad_rows_give_row_numbered_errors():
    report = load("meta_bad_rows.csv")
    assert [row.line for row in report.rows] == [2, 6]  # row 6 is fine here (its name is not)
    assert [str(error) for error in report.errors] == [
        "Row 3: Reporting starts “2026-13-02” is not a date (write 2026-11-05, 11/5/2026 month "
        "first, or 5.11.2026).",
        "Row 4: Amount spent (USD) “-12.00” is negative.",
        "Row 5: Link clicks “n/a” is not a number (like 1,234.56).",
        "Row 7: The row covers 2026-11-01 to 2026-11-07: export the report with a daily "
        "breakdown (one row per day).",
    ]
    assert {error.campaign for error in report.errors} == {"Holiday Gift Boxes"}


def test_row_numbers_count_lines_of_quoted_multiline_cells_and_skip_blank_rows():
    text = (
        'date,campaign,spend\n2026-11-02,"Two\nlines",1\n\n2026-11-03,Gifts,x\n,,\n'
        "2026-11-04,Gifts,-1\n"
    )
    report = parse(read(text.encode())[0])
    assert report.rows[0].line == 2
    assert [error.line for error in report.errors] == [5, 7]


def test_short_rows_and_missing_names_are_errors():
    text = "date,campaign,spend,clicks\n2026-11-02,Gifts\n2026-11-02,,3,1\n"
    report = parse(read(text.encode())[0])
    assert [str(error) for error in report.errors] == [
        "Row 2: The row has 2 columns, the header 4.",
        "Row 3: campaign is empty.",
    ]


def test_counts_must_be_whole_numbers():
    report = parse(read(b"date,campaign,clicks\n2026-11-02,Gifts,2.5\n2026-11-03,Gifts,3.0\n")[0])
    assert [str(error) for error in report.errors] == ["Row 2: clicks “2.5” is not a whole number."]
    assert figures(report.rows[0])["clicks"] == 3


# --- Numbers and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1,234.56", "1234.56"),
        ("1,234,567.5", "1234567.5"),
        ("1,234", "1234"),  # a thousands separator in a comma-separated file
        ("12.5", "12.5"),
        (".5", "0.5"),
        (" 12 ", "12"),
        ("", "0"),
        ("-0", "0"),
    ],
)
def test_numbers_with_decimal_points(raw, expected):
    assert parse_number(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1.234,56", "1234.56"),
        ("1.234", "1234"),  # grouping, not a decimal point, in a ';' file
        ("12,5", "12.5"),
        ("1\u00a0234,56", "1234.56"),  # French grouping with a no-break space
        (",5", "0.5"),
    ],
)
def test_numbers_with_decimal_commas(raw, expected):
    assert parse_number(raw, comma_decimal=True) == Decimal(expected)


@pytest.mark.parametrize(
    "raw, comma, reason",
    [
        ("n/a", False, "is not a number"),
        ("12,5", False, "is not a number"),  # ambiguous in a comma-separated file: refused
        ("1,23.4", False, "is not a number"),
        ("12.5", True, "is not a number"),  # a decimal point in a ';' file: refused, not guessed
        ("1.23,4.5", True, "is not a number"),
        ("$12.00", False, "is not a number"),
        ("-1,234.56", False, "is negative"),
        ("−3", False, "is negative"),
        ("(3.00)", False, "is negative"),
        ("-1.234,56", True, "is negative"),
    ],
)
def test_bad_numbers(raw, comma, reason):
    with pytest.raises(ValueError, match=reason):
        parse_number(raw, comma_decimal=comma)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2026-11-05", D(2026, 11, 5)),
        ("2026/11/05", D(2026, 11, 5)),
        ("11/5/2026", D(2026, 11, 5)),  # slashes: US order, month first
        ("11/05/2026", D(2026, 11, 5)),
        ("1/12/2026", D(2026, 1, 12)),  # 12 January, never 1 December
        ("5.11.2026", D(2026, 11, 5)),  # dots: day first
        ("05.11.2026", D(2026, 11, 5)),
        ("2026-11-05 00:00:00", D(2026, 11, 5)),
        ("2026-11-05T13:00", D(2026, 11, 5)),
        (" 11/5/2026 ", D(2026, 11, 5)),
    ],
)
def test_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["13/5/2026", "2026-13-02", "02/30/2026", "5/11/26", "Nov 5, 2026", "5-11-2026", "soon", ""],
)
def test_bad_dates(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


def test_amounts_are_rounded_after_summing():
    assert ad_reports.money(Decimal("0.005") + Decimal("0.004")) == Decimal("0.01")
    assert ad_reports.money(Decimal("0.004")) + ad_reports.money(Decimal("0.005")) == Decimal(
        "0.01"
    )
    assert ad_reports.money(Decimal("2.345")) == Decimal("2.35")  # half up


def test_the_mapping_table_is_the_one_place_for_columns():
    # Every format has a date, a campaign and at least one figure; every figure is a real one.
    for fmt in ad_reports.FORMATS:
        names = {name for source, name, _column, _required in ad_reports.COLUMNS if source == fmt}
        assert {"date", "campaign"} <= names
        assert names - {"date", "date_end", "campaign"} <= set(FIGURES)
        assert fmt in ad_reports.FORMAT_LABELS
    meta = {name: column for source, name, column, _ in ad_reports.COLUMNS if source == "meta"}
    assert meta["spend"] == "Amount spent ({currency})"
    assert meta["clicks"] == "Link clicks"
    assert meta["conversions"] == "Results"


def test_semicolon_rows_with_errors_are_numbered_too():
    text = (
        "Reporting starts;Reporting ends;Campaign name;Amount spent (EUR);Link clicks\r\n"
        "02.11.2026;02.11.2026;Adventskalender;1.234,56;12\r\n"
        "31.11.2026;31.11.2026;Adventskalender;3,00;1\r\n"  # 31 November
        "03.11.2026;03.11.2026;Adventskalender;12.50;1\r\n"  # a decimal point in a ';' file
        "04.11.2026;04.11.2026;Adventskalender;-3,00;1\r\n"
    )
    report = parse(read(text.encode(), currency="EUR")[0], currency="EUR")
    assert [row.line for row in report.rows] == [2]
    assert [str(error) for error in report.errors] == [
        "Row 3: Reporting starts “31.11.2026” is not a date (write 2026-11-05, 11/5/2026 month "
        "first, or 5.11.2026).",
        "Row 4: Amount spent (EUR) “12.50” is not a number (decimal comma, like 1.234,56).",
        "Row 5: Amount spent (EUR) “-3,00” is negative.",
    ]
