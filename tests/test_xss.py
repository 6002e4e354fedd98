"""Script typed into any text field is shown as text wherever it appears.

Every text field of a business's rows holds a payload that tries to open a <script>, break out
of an attribute and add an <img onerror>. Every page of the app is fetched (the URL patterns are
found automatically, with extra query strings for filters and reflected parameters) and must
show the payload escaped, never as markup; the dashboard's chart data must stay inside its
<script type="application/json">; CSV exports must defuse spreadsheet formulas.
"""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from planner import services
from planner.models import Role, SmmStatus, SmoStatus
from tests.factories import (
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
    UserFactory,
)
from tests.url_walk import make_invitation, make_job, url_arguments, url_patterns

User = get_user_model()

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
# A valid http(s) URL (no spaces) that still tries to break out of an href.
URL_PAYLOAD = "https://shop.example/\"'><img/src=x/onerror=alert(2)><script>alert(1)</script>"
EMAIL_PAYLOAD = '"<script>alert(1)</script>"@example.com'
# Tricky but valid hashtags (the form allows only letters, digits and _ in a tag).
HASHTAGS = "#script #alert_1 #img_src_x #ｓｃｒｉｐｔ"
# What must never appear in a page as is.
RAW = ("<script>alert(", "<img src=x", "<img/src=x", "\"'><img", "'\"><img")
ESCAPED = escape("<script>alert(1)</script>")  # &lt;script&gt;alert(1)&lt;/script&gt;

TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DAY = datetime.date(2026, 11, 10)
PERIOD = {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"}


def tagged(field, limit=None):
    """The payload, then which field holds it (to tell from a failure where it came from)."""
    text = f"{PAYLOAD} {field}"
    return text[:limit] if limit else text


@pytest.fixture
def xss(settings, tmp_path, business, owner):
    """A business whose every text field tries to run script."""
    settings.MEDIA_ROOT = tmp_path
    business.name = tagged("business", 120)
    business.website_url = URL_PAYLOAD
    business.save()
    owner.username = tagged("owner")
    owner.email = EMAIL_PAYLOAD
    owner.first_name = tagged("first", 150)
    owner.last_name = tagged("last", 150)
    owner.save()
    member = MembershipFactory(
        business=business,
        role=Role.EDITOR,
        user__username=tagged("member"),
        user__email='"<img src=x onerror=alert(2)>"@example.com',
    ).user
    platform = PlatformFactory(
        business=business, kind="facebook", handle=tagged("handle"), profile_url=URL_PAYLOAD
    )
    campaign = CampaignFactory(
        business=business,
        name=tagged("campaign"),
        slug="launch",
        objective=tagged("objective"),
        notes=tagged("notes") + "\nsecond line " + PAYLOAD,
        start_date=datetime.date(2026, 11, 1),
        end_date=datetime.date(2026, 11, 30),
        budget=Decimal("500"),
    )
    utm = {f"utm_{key}": tagged(key, 100) for key in ("source", "medium", "campaign", "content")}
    smo = SmoTaskFactory(
        business=business,
        platform=platform,
        campaign=campaign,
        title=tagged("smo title"),
        post_text=tagged("post text") + "\n#script",
        hashtags=HASHTAGS,
        image=SimpleUploadedFile("p.png", TINY_PNG, content_type="image/png"),
        image_alt=tagged("image alt"),
        backlink_url=URL_PAYLOAD,
        published_url=URL_PAYLOAD,
        status=SmoStatus.SCHEDULED,
        scheduled_at=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC),
        assignee=member,
        **utm,
    )
    smm = SmmTaskFactory(
        business=business,
        platform=platform,
        campaign=campaign,
        title=tagged("smm title"),
        audience_job_titles=tagged("job titles"),
        audience_interests=tagged("interests"),
        audience_locations=tagged("locations"),
        ad_headline=tagged("headline"),
        ad_text=tagged("ad text"),
        destination_url=URL_PAYLOAD,
        status=SmmStatus.ACTIVE,
        flight_start=datetime.date(2026, 11, 1),
        flight_end=datetime.date(2026, 11, 30),
        assignee=member,
        **utm,
    )
    for task in (smo, smm):
        TimeEntryFactory(task=task, user=member, date=DAY, note=tagged("note"))
        ResultEntryFactory(task=task, date=DAY, impressions=100, clicks=10, spend=Decimal("5"))
    return {
        "business": business,
        "owner": owner,
        "member": member,
        "platform": platform,
        "campaign": campaign,
        "smo": smo,
        "smm": smm,
        "membership": member.memberships.get(business=business),
        "time": smo.time_entries.get(),
        "result": smm.results.get(),
        "upload": _report_upload(business, owner, smm),
        "job": make_job(
            business,
            owner,
            label=tagged("job label"),
            status="failed",
            error=tagged("job error"),
        ),
        **_invitation(business, owner),
    }


def _invitation(business, owner):
    """An invitation to an address with script in it (the e-mail field allows little)."""
    invitation, token = make_invitation(business, owner, "pending@example.com")
    return {"invitation": invitation, "invitation_token": token}


def _report_upload(business, owner, smm):
    """An ad report waiting for its import, with script in its file name and campaign names."""
    from planner import imports

    names = [smm.title, tagged("report campaign"), '=HYPERLINK("https://evil.example")']
    lines = ["date,campaign,impressions,clicks,conversions,spend,conversion value"]
    lines += ['2026-11-03,"{}",100,5,1,2.50,9.00'.format(name.replace('"', '""')) for name in names]
    return imports.store_upload(business, owner, tagged("file"), "\n".join(lines).encode())


# ---------------------------------------------------------------------------------------------
# Every page
# ---------------------------------------------------------------------------------------------


RESET_LINK = ["MQ", "set-password"]  # an invalid link: the page still renders


def url_for(w, name, pattern):
    parameters = set(re.findall(r"<(?:\w+:)?(\w+)>", pattern)) - {"business_id"}
    if parameters and name not in url_arguments(w, RESET_LINK):
        pytest.fail(f"teach tests/test_xss.py url_arguments() the arguments of {name!r}")
    args = url_arguments(w, RESET_LINK).get(name, [])
    if "<int:business_id>" in pattern:
        args = [w["business"].pk, *args]
    return reverse(name, args=args)


def extra_queries(w):
    """Pages again with filters chosen and hostile query strings (reflected parameters)."""
    b, campaign, platform = w["business"].pk, w["campaign"].pk, w["platform"].pk
    chosen = {**PERIOD, "campaign": campaign, "platform": platform}
    return [
        ("dashboard", reverse("dashboard", args=[b]) + "?" + urlencode(PERIOD)),
        ("dashboard", reverse("dashboard", args=[b]) + "?" + urlencode(chosen)),
        ("dashboard", reverse("dashboard", args=[b]) + "?" + urlencode({"start": PAYLOAD})),
        ("smo_list", reverse("smo_list", args=[b]) + "?" + urlencode({"q": PAYLOAD})),
        ("smo_list", reverse("smo_list", args=[b]) + f"?campaign={campaign}&platform={platform}"),
        ("smm_list", reverse("smm_list", args=[b]) + "?" + urlencode({"q": "alert", "page": 1})),
        ("smm_list", reverse("smm_list", args=[b]) + "?" + urlencode({"status": PAYLOAD})),
        (
            "smo_create",
            reverse("smo_create", args=[b])
            + "?"
            + urlencode({"campaign": campaign, "scheduled_at": PAYLOAD}),
        ),
        (
            "utm_preview",
            reverse("utm_preview", args=[b])
            + "?"
            + urlencode(
                {
                    "kind": "smo",
                    "platform": platform,
                    "campaign": campaign,
                    "title": PAYLOAD,
                    "backlink_url": URL_PAYLOAD,
                    "utm_source": PAYLOAD,
                }
            ),
        ),
        ("calendar", reverse("calendar", args=[b]) + "?view=month&date=2026-11-15"),
        ("calendar", reverse("calendar", args=[b]) + "?view=week&date=2026-11-18"),
        (
            "calendar",
            reverse("calendar", args=[b]) + "?" + urlencode({"view": PAYLOAD, "date": PAYLOAD}),
        ),
        ("import_mapping", reverse("import_mapping", args=[b, w["upload"].pk]) + "?change=1"),
        ("login", reverse("account_login") + "?" + urlencode({"next": PAYLOAD})),
        ("404", f"/b/{b}/smo/999999/" + "?" + urlencode({"x": PAYLOAD})),
        ("404", "/" + PAYLOAD.replace(" ", "%20")),
    ]


# Where the pages' scripts come from: the static files, and the API reference page's start-up
# script (drf-spectacular writes it per request, with the schema's URL and the CSRF token; it
# holds no business data).
SCRIPT_SOURCES = ("/static/", "/api/docs/?script=")


class DomCheck(HTMLParser):
    """Collects what would run in a browser: script elements, event handler attributes and
    javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.json_scripts = {}
        self._in_json = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "data", "srcdoc") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and attributes.get("src") == "x":
            self.problems.append("<img src=x>")
        if tag == "script":
            if attributes.get("type") == "application/json":
                self._in_json = attributes.get("id")
                self.json_scripts[self._in_json] = ""
            elif not (attributes.get("src") or "").startswith(SCRIPT_SOURCES):
                self.problems.append(f"<script {attributes}>")
        if tag in ("iframe", "object", "embed", "base", "meta") and tag != "meta":
            self.problems.append(f"<{tag} {attributes}>")

    def handle_data(self, data):
        if self._in_json is not None:
            self.json_scripts[self._in_json] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = None


def assert_escaped(html, where):
    for raw in RAW:
        at = html.find(raw)
        assert at < 0, f"{where}: unescaped {raw!r} in …{html[max(0, at - 120) : at + 80]}…"
    dom = DomCheck()
    dom.feed(html)
    assert not dom.problems, f"{where}: markup from the data would run: {dom.problems}"
    for match in re.finditer(
        r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.DOTALL | re.I
    ):
        content = match.group(1)
        assert "<" not in content, f"{where}: '<' inside a JSON script: {content[:200]}"
        json.loads(content)
    return dom


def get_page(client, url):
    response = client.get(url)
    assert response.status_code < 500, f"GET {url}: {response.status_code}"
    return response


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def pages(w):
    """(name, URL) of every page: every URL pattern, then the extra query strings."""
    found = [(name, url_for(w, name, pattern)) for name, pattern in url_patterns()]
    return found + extra_queries(w)


def test_every_page_shows_the_payload_as_text(client_for, xss):
    client = client_for(xss["owner"])
    shown = set()
    for _name, url in pages(xss):
        response = get_page(client, url)
        if not is_html(response):
            # A CSV, JSON, image or calendar file is never rendered as HTML by a browser.
            assert response.get("X-Content-Type-Options", "nosniff") == "nosniff"
            continue
        html = body(response).decode()
        assert_escaped(html, f"GET {url}")
        whole_page = html.lstrip().lower().startswith("<!doctype")  # not an htmx fragment
        if response.status_code == 200 and whole_page and f"/b/{xss['business'].pk}/" in url:
            # The business's name is on every page of the business (navigation, headings).
            assert ESCAPED in html, f"GET {url}: the payload is not shown escaped"
        shown |= {field for field in FIELDS if escape(tagged(field)) in html}
    # The test is not vacuous: each field's payload was on some page, escaped.
    assert set(FIELDS) - shown == set(), f"fields never shown: {set(FIELDS) - shown}"


# Fields whose tagged payload some page shows in full.
FIELDS = [
    "owner",
    "member",
    "handle",
    "campaign",
    "objective",
    "notes",
    "smo title",
    "post text",
    "image alt",
    "smm title",
    "job titles",
    "interests",
    "locations",
    "headline",
    "ad text",
    "note",
    "report campaign",
]


def test_pages_for_each_role_escape_the_payload(client, xss, viewer):
    """What a viewer sees (no edit forms) and what an anonymous visitor sees."""
    client.force_login(viewer)
    for _name, url in pages(xss):
        response = get_page(client, url)
        if is_html(response):
            assert_escaped(body(response).decode(), f"viewer GET {url}")
    client.logout()
    login_next = reverse("account_login") + "?" + urlencode({"next": PAYLOAD})
    for url in (login_next, reverse("account_signup"), reverse("account_reset_password")):
        assert_escaped(get_page(client, url).content.decode(), f"anonymous GET {url}")


def test_refused_forms_show_the_payload_as_text(client_for, xss):
    """A form sent back with errors shows what was typed, escaped."""
    client = client_for(xss["owner"])
    b = xss["business"].pk
    posts = [
        ("platform_create", [], {"kind": "bogus", "handle": PAYLOAD, "profile_url": PAYLOAD}),
        ("campaign_create", [], {"name": PAYLOAD, "notes": PAYLOAD, "start_date": PAYLOAD}),
        ("smo_create", [], {"title": PAYLOAD, "post_text": PAYLOAD, "hashtags": PAYLOAD}),
        ("smm_create", [], {"title": PAYLOAD, "ad_text": PAYLOAD, "destination_url": PAYLOAD}),
        ("time_entry_create", [xss["smo"].pk], {"note": PAYLOAD, "hours": PAYLOAD}),
        ("result_create", [xss["smm"].pk], {"date": PAYLOAD, "clicks": PAYLOAD}),
        ("invitation_create", [], {"email": PAYLOAD, "role": PAYLOAD}),
        ("business_edit", [], {"name": PAYLOAD, "website_url": PAYLOAD}),
    ]
    for name, args, data in posts:
        response = client.post(reverse(name, args=[b, *args]), data)
        assert response.status_code == 400, (name, response.status_code)
        html = response.content.decode()
        assert_escaped(html, f"POST {name}")
        assert escape(PAYLOAD) in html, f"POST {name}: what was typed is not shown back"


def test_chart_data_cannot_break_out_of_its_script(client_for, xss):
    client = client_for(xss["owner"])
    url = reverse("dashboard", args=[xss["business"].pk]) + "?" + urlencode(PERIOD)
    html = client.get(url).content.decode()
    match = re.search(
        r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.DOTALL
    )
    assert match, "no chart data on the dashboard"
    content = match.group(1)
    assert "</script" not in content.lower()
    assert "<!--" not in content
    assert "<" not in content and ">" not in content  # json_script writes \u003C and \u003E
    data = json.loads(content)
    # The platform's handle went through to the chart labels, as plain text.
    assert any(PAYLOAD in label for label in data["platforms"]), data["platforms"]


def csv_rows(response):
    assert response.get("Content-Type", "").startswith("text/csv")
    assert response.get("Content-Disposition", "").startswith("attachment")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


@pytest.fixture
def formulas(xss):
    """Rows whose text starts like a spreadsheet formula, in every column an export shows."""
    business = xss["business"]
    assignee = UserFactory(username="@evil")
    MembershipFactory(business=business, user=assignee, role=Role.EDITOR)
    platform = PlatformFactory(business=business, kind="x", handle="=1+1")
    campaign = CampaignFactory(business=business, name="@SUM(1+1)", slug="sum")
    common = {"business": business, "platform": platform, "campaign": campaign}
    smo = SmoTaskFactory(
        **common,
        title='=HYPERLINK("https://evil.example","click")',
        post_text="+1+1",
        hashtags="",
        image_alt="-2+3",
        assignee=assignee,
    )
    smm = SmmTaskFactory(
        **common,
        title="\t=1+1",
        audience_job_titles="=cmd|' /C calc'!A0",
        audience_interests="+SUM(1)",
        audience_locations="-1+1",
        ad_headline="@A1",
        ad_text="\r=2+2",
        assignee=assignee,
    )
    TimeEntryFactory(task=smm, user=assignee, date=DAY)
    return {"smo": smo, "smm": smm, "platform": platform}


def assert_no_formula(rows, where):
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                try:
                    Decimal(cell)  # a plain negative number is data, not a formula
                except ArithmeticError:
                    pytest.fail(f"{where}: a spreadsheet would run {cell!r}")


@pytest.mark.parametrize("kind", ["smo", "smm"])
def test_task_exports_defuse_formulas(client_for, xss, formulas, kind):
    client = client_for(xss["owner"])
    rows = csv_rows(client.get(reverse(f"{kind}_export", args=[xss["business"].pk])))
    assert_no_formula(rows, f"{kind}_export")
    header = rows[0]
    task = formulas[kind]
    line = next(row for row in rows[1:] if row[header.index("id")] == str(task.pk))
    cells = dict(zip(header, line, strict=True))
    assert cells["title"] == "'" + task.title
    assert cells["campaign"] == "'@SUM(1+1)"
    assert cells["assignee"] == "'@evil"
    if kind == "smo":
        assert cells["post text"] == "'+1+1"
        assert cells["image alt text"] == "'-2+3"
    else:
        assert cells["audience job titles"] == "'=cmd|' /C calc'!A0"
        assert cells["ad headline"] == "'@A1"
        assert cells["ad text"] == "'\r=2+2"
    # The HTML payloads travel as plain text: a CSV is not a web page.
    assert any(PAYLOAD in cell for row in rows for cell in row)


def test_dashboard_export_defuses_formulas(client_for, xss, formulas):
    client = client_for(xss["owner"])
    url = reverse("dashboard_csv", args=[xss["business"].pk]) + "?" + urlencode(PERIOD)
    rows = csv_rows(client.get(url))
    assert_no_formula(rows, "dashboard_csv")
    platforms = {row[2] for row in rows[1:]}
    assert any(PAYLOAD in label for label in platforms), platforms


def test_calendar_feed_cannot_be_injected(client, xss):
    """Line breaks in a title cannot add properties or events to the iCalendar feed."""
    smo = xss["smo"]
    smo.title = "Launch\r\nX-INJECTED:1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:fake"
    services.task_save(smo)
    response = client.get(reverse("ical_feed", args=[xss["business"].ical_token]))
    assert response.status_code == 200
    assert not response.get("Content-Type", "").startswith("text/html")
    text = body(response).decode()
    lines = text.replace("\r\n ", "").split("\r\n")  # unfold continued lines
    assert not any(line.startswith("X-INJECTED") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT")
    assert not any(line.startswith("SUMMARY:fake") for line in lines)
