"""Request body limits (planner.middleware.RequestBodyLimitMiddleware and body_limits).

A body larger than its kind may be is answered 413 before any of it is read: an ad report 20 MB,
a business export 50 MB, a post with its image 5 MB (each plus 64 KiB for the form around the
file), anything else 1 MB, the anonymous login page included. Before, a 1 GB multipart POST to
the login page was read and written to a temporary file in full.
"""

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from planner import ad_reports
from planner.forms import BusinessImportForm
from planner.middleware import DEFAULT_BODY_LIMIT, UPLOAD_OVERHEAD, body_limit
from planner.models import ReportUpload, Task
from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
GB = 1024**3
MB = 1024**2
SAMPLES = Path(__file__).parent / "samples"


class UnreadableBody:
    """wsgi.input for a body that must not be read at all."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_claiming(client, url, length, content_type="multipart/form-data; boundary=x"):
    """A POST whose Content-Length says `length` bytes, none of which may be read."""
    return client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


@pytest.fixture
def uploads_dir(settings, tmp_path):
    """Where Django would spool an upload over FILE_UPLOAD_MAX_MEMORY_SIZE."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    os.mkdir(settings.FILE_UPLOAD_TEMP_DIR)
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def assert_413_page(response, text):
    assert response.status_code == 413
    html = response.content.decode()
    assert "What you sent is too large" in html
    assert text in html
    assert "vendor/bootstrap/bootstrap.min.css" in html  # the styled error page
    assert "nothing of it was saved" in html
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Content-Security-Policy" in response.headers


# The table.


def test_the_limits_by_kind(rf):
    def limit(url):
        return body_limit(rf.post(url))[0]

    assert limit("/b/1/smm/import/") == ad_reports.MAX_BYTES + UPLOAD_OVERHEAD == 20 * MB + 65536
    assert limit("/businesses/import/") == BusinessImportForm.MAX_BYTES + UPLOAD_OVERHEAD
    assert BusinessImportForm.MAX_BYTES == 50 * MB
    assert limit("/b/1/smo/new/") == limit("/b/1/smo/7/edit/") == 5 * MB + UPLOAD_OVERHEAD
    assert limit("/admin/planner/task/1/change/") == 5 * MB + UPLOAD_OVERHEAD
    for other in (
        "/accounts/login/",
        "/accounts/signup/",
        "/b/1/smm/new/",
        "/b/1/tasks/1/time/",
        "/nowhere/",
    ):
        assert limit(other) == DEFAULT_BODY_LIMIT == MB, other


# Refused before reading.


def test_a_1_gb_post_to_the_login_page_is_refused_without_reading_it(client, db, caplog):
    start = time.perf_counter()
    response = post_claiming(client, reverse("account_login"), GB)
    assert time.perf_counter() - start < 1
    assert_413_page(response, "A form may send at most 1 MB.")
    assert "Request body too large (1,073,741,824 bytes) for POST /accounts/login/" in caplog.text


def test_just_over_the_default_limit_is_refused_and_at_it_is_not(client, db):
    assert post_claiming(client, reverse("account_login"), MB + 1).status_code == 413
    body = b"login=nobody&password=wrong&" + b"x" * (MB - 28)
    assert len(body) == MB
    response = client.generic(
        "POST", reverse("account_login"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400  # the login form again: wrong password, not 413
    assert "and/or password you specified are not correct" in response.content.decode()


def test_a_21_mb_ad_report_is_refused_and_nothing_is_kept(
    client_for, business, editor, uploads_dir
):
    report = b"date,campaign,spend\n" + b"2026-11-02,Gifts,1.00\n" * (21 * MB // 22)
    assert len(report) > 21 * MB - 100
    start = time.perf_counter()
    response = client_for(editor).post(
        reverse("import_upload", args=[business.pk]),
        {"file": SimpleUploadedFile("big.csv", report, content_type="text/csv")},
    )
    assert time.perf_counter() - start < 10  # mostly the test client encoding 21 MB
    assert_413_page(response, "An ad report may be at most 20 MB: export a shorter period.")
    assert not ReportUpload.objects.exists()
    assert not list(uploads_dir.iterdir())  # not even a temporary file


def test_a_business_export_over_its_limit_is_refused(client_for, owner):
    response = post_claiming(
        client_for(owner), reverse("business_import"), BusinessImportForm.MAX_BYTES + 2 * MB
    )
    assert_413_page(response, "A business export may be at most 50 MB.")


def test_a_post_image_over_its_limit_is_refused(client_for, business, editor, platform):
    response = post_claiming(client_for(editor), reverse("smo_create", args=[business.pk]), 6 * MB)
    assert_413_page(response, "A post image may be at most 5 MB.")
    assert not Task.objects.exists()


def test_a_chunked_body_is_read_only_up_to_the_limit(client, db):
    """No Content-Length (Transfer-Encoding: chunked): read through a capped stream; reading
    past the limit gives the same 413."""
    body = b"login=nobody&password=" + b"x" * (2 * MB)
    response = client.generic(
        "POST",
        reverse("account_login"),
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )
    assert_413_page(response, "A form may send at most 1 MB.")


def test_a_small_chunked_body_is_read(client, db):
    user = UserFactory(username="chunky")
    user.set_password("a-long-enough-password")
    user.save()
    body = b"login=chunky&password=a-long-enough-password"
    response = client.generic(
        "POST",
        reverse("account_login"),
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )
    assert response.status_code == 302


# Normal posts still work.


def test_normal_uploads_still_work(client_for, business, editor, platform, uploads_dir):
    client = client_for(editor)
    meta = SimpleUploadedFile("meta.csv", (SAMPLES / "meta_daily.csv").read_bytes())
    response = client.post(reverse("import_upload", args=[business.pk]), {"file": meta})
    assert response.status_code == 302
    assert ReportUpload.objects.count() == 1

    buffer = io.BytesIO()
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(buffer, format="PNG")
    assert 1 * MB < len(buffer.getvalue()) < 5 * MB  # over the default, within the image limit
    response = client.post(
        reverse("smo_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "title": "With a large image",
            "status": "draft",
            "estimated_hours": "0",
            "image": SimpleUploadedFile("big.png", buffer.getvalue()),
            "image_alt": "noise",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Task.objects.get().image


def test_a_get_is_not_affected(client_for, owner, business):
    assert client_for(owner).get(reverse("dashboard", args=[business.pk])).status_code == 200


# Through gunicorn, as in production: the 1 GB claim is answered before the body is sent.


def test_gunicorn_answers_413_to_a_1_gb_login_post_at_once(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "REDIS_", "GUNICORN_", "DB_"))
        and key not in {"PORT", "WEB_CONCURRENCY"}
    }
    env.update(
        DEBUG="1",  # static files without collectstatic; the limits are the same
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="planner.settings",
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "planner.wsgi", "-c", "gunicorn.conf.py", "--workers", "1",
             "--bind", f"127.0.0.1:{port}"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
        with connection:
            start = time.monotonic()
            connection.sendall(
                b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\n"
                + f"Content-Length: {GB}\r\n\r\n".encode()
                + b"--x\r\n" * 1000  # the start of the body; the rest never comes
            )
            answer = b""
            while b"</html>" not in answer:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
            seconds = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:300]
    assert b"What you sent is too large" in answer
    assert seconds < 2, f"took {seconds:.1f} s"
