"""Webhooks, with a local receiver: signed deliveries of the chosen events, retries with
backoff, a subscription that keeps failing turned off (and its owners told), replays, a slow
receiver that holds up no request, and private addresses refused (SSRF)."""

import datetime
import hashlib
import hmac
import json
import socket
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from planner import rollups, services
from planner.jobs import services as jobs
from planner.jobs.models import Job, JobKind
from planner.teamwork import daily
from planner.teamwork.models import Notification
from planner.teamwork.services import review_task
from planner.webhooks import events, sending
from planner.webhooks import services as webhooks
from planner.webhooks.models import Delivery, Subscription
from tests.api_support import ApiClient, api, make_key
from tests.factories import ResultEntryFactory, SmmTaskFactory, SmoTaskFactory


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers `statuses` in turn
    (then the last one), after `delay` seconds."""

    def __init__(self):
        self.requests, self.statuses, self.delay = [], [200], 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                time.sleep(receiver.delay)
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self):
        return [json.loads(body) for _headers, body in self.requests]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on this machine
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def hook(business, owner, receiver):
    return webhooks.subscribe(business, owner, url=receiver.url, events_chosen=list(events.EVENTS))


@pytest.fixture
def run_deliveries(django_capture_on_commit_callbacks):
    """Run every webhook job that is due (as a worker would), its backoff waived."""

    def run():
        for job in Job.objects.filter(kind=JobKind.WEBHOOK, status="queued").order_by("pk"):
            Job.objects.filter(pk=job.pk).update(run_after=None)
            with django_capture_on_commit_callbacks(execute=True):
                jobs.execute(job.pk)

    return run


def verify(secret, headers, body):
    """The docs' snippet (docs/api.md): the signature a receiver checks."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers[sending.SIGNATURE_HEADER], expected)


def test_an_event_is_delivered_signed(business, platform, hook, receiver, run_deliveries, owner):
    task = services.task_save(SmoTaskFactory.build(business=business, platform=platform), by=owner)
    assert Delivery.objects.get().status == "pending" and receiver.requests == []
    run_deliveries()
    ((headers, body),) = receiver.requests
    assert verify(hook.secret, headers, body)
    assert not verify("another secret", headers, body)
    sent = json.loads(body)
    assert sent["event"] == "task.created" and headers["X-Planner-Event"] == "task.created"
    assert sent["id"] == headers["X-Planner-Delivery"]
    assert sent["business"] == {"id": business.pk, "name": business.name}
    assert sent["data"]["id"] == task.pk and sent["data"]["kind"] == "smo"
    assert datetime.datetime.fromisoformat(sent["created_at"]) <= timezone.now()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)
    assert delivery.duration_ms is not None


def test_only_the_chosen_events_of_active_subscriptions(business, owner, platform, receiver):
    chosen = webhooks.subscribe(business, owner, url=receiver.url, events_chosen=["task.deleted"])
    off = webhooks.subscribe(business, owner, url=receiver.url, events_chosen=["task.created"])
    Subscription.objects.filter(pk=off.pk).update(active=False)
    task = services.task_save(SmoTaskFactory.build(business=business, platform=platform))
    assert not Delivery.objects.exists()
    services.task_delete(task)
    assert list(Delivery.objects.values_list("subscription", "event")) == [
        (chosen.pk, "task.deleted")
    ]


def test_a_status_change_is_an_update_and_a_status_change(business, smo_task, hook):
    smo_task.status = "draft" if smo_task.status != "draft" else "idea"
    services.task_save(smo_task, smo_task.version)
    assert set(Delivery.objects.values_list("event", flat=True)) == {
        "task.updated",
        "task.status_changed",
    }
    changed = Delivery.objects.get(event="task.status_changed").payload["data"]
    assert changed["to"] == smo_task.status and changed["task"]["id"] == smo_task.pk


def test_approval_and_changes_requested_are_events(business, owner, editor, smo_task, hook):
    business.approval_mode = "optional"
    business.save(update_fields=["approval_mode"])
    as_editor = editor.memberships.get(business=business)
    as_owner = owner.memberships.get(business=business)
    review_task(business, smo_task.pk, "request", user=editor, membership=as_editor)
    review_task(business, smo_task.pk, "approve", user=owner, membership=as_owner)
    approved = Delivery.objects.get(event="review.approved").payload["data"]
    assert approved["by"] == "owner" and approved["task"]["review_state"] == "approved"


def test_an_ad_off_pace_is_told_once_per_flight(business, platform, owner, hook):
    today = timezone.localdate()
    ad = SmmTaskFactory(
        business=business, platform=platform, status="active", budget_type="lifetime",
        budget_amount=Decimal("100"), flight_start=today - datetime.timedelta(days=9),
        flight_end=today + datetime.timedelta(days=10),
    )  # fmt: skip
    ResultEntryFactory(task=ad, date=today - datetime.timedelta(days=1), spend=Decimal("95"))
    rollups.refresh_figures(business.pk)
    daily.run_daily()
    daily.run_daily()
    (delivery,) = Delivery.objects.filter(event="ad.off_pace")
    assert delivery.payload["data"]["direction"] == "over"


def test_an_import_that_ends_is_an_event(
    business, hook, stored, editor, django_capture_on_commit_callbacks
):
    job = jobs.start(
        JobKind.REPORT_IMPORT,
        label="Import of meta_daily.csv",
        business=business,
        user=editor,
        payload={"upload_id": stored.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.execute(job.pk)
    (delivery,) = Delivery.objects.filter(event="import.completed")
    assert delivery.payload["data"]["job"] == job.pk
    assert delivery.payload["data"]["status"] == "succeeded"
    # A second import of the same upload fails (it is gone): import.failed.
    again = jobs.start(
        JobKind.REPORT_IMPORT,
        label="Again",
        business=business,
        user=editor,
        payload={"upload_id": stored.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.execute(again.pk)
    assert Delivery.objects.get(event="import.failed").payload["data"]["error"]


def test_a_failed_delivery_is_retried_with_backoff(
    business, smo_task, hook, receiver, run_deliveries
):
    receiver.statuses = [500, 200]
    services.task_delete(smo_task)
    job = Job.objects.get(kind=JobKind.WEBHOOK)
    jobs.execute(job.pk)
    job.refresh_from_db()
    delivery = Delivery.objects.get()
    assert job.status == "queued" and job.run_after > timezone.now() + datetime.timedelta(seconds=5)
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("pending", 500, 1)
    assert "500" in delivery.error
    run_deliveries()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 2)
    assert len(receiver.requests) == 2
    assert receiver.bodies()[0]["id"] == receiver.bodies()[1]["id"]  # the same event, again


def test_a_webhook_that_keeps_failing_is_turned_off_and_the_owners_told(
    business, platform, hook, receiver, run_deliveries, owner
):
    receiver.statuses = [503]
    for number in range(webhooks.DISABLE_AFTER):
        services.task_save(
            SmoTaskFactory.build(business=business, platform=platform, title=f"T{number}")
        )
        Job.objects.filter(kind=JobKind.WEBHOOK).update(max_attempts=1)  # no retries here
        run_deliveries()
    hook.refresh_from_db()
    assert not hook.active and hook.failures == webhooks.DISABLE_AFTER
    assert "503" in hook.disabled_reason
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}
    told = Notification.objects.get(kind="webhook_disabled")
    assert told.user == owner and hook.url in told.text
    services.task_save(SmoTaskFactory.build(business=business, platform=platform))
    assert Delivery.objects.count() == webhooks.DISABLE_AFTER  # nothing more is sent to it


def test_one_success_clears_the_failures(business, smo_task, hook, receiver, run_deliveries):
    Subscription.objects.filter(pk=hook.pk).update(failures=3)
    services.task_delete(smo_task)
    run_deliveries()
    hook.refresh_from_db()
    assert hook.failures == 0


def test_a_slow_receiver_holds_up_no_request(
    business, owner, platform, hook, receiver, settings, run_deliveries
):
    receiver.delay = 2
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    writer = ApiClient(make_key(business, owner, "write")[1])
    began = time.monotonic()
    response = writer.post(api(business, "platforms/"), {"kind": "x", "handle": "slow"})
    assert response.status_code == 201 and time.monotonic() - began < 1.5
    services.task_save(SmoTaskFactory.build(business=business, platform=platform))
    began = time.monotonic()
    run_deliveries()
    assert time.monotonic() - began < 1.8  # the attempt gave up at the timeout
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and "in time" in delivery.error


def test_a_replay_sends_the_same_body_again(
    business, smo_task, hook, receiver, run_deliveries, client, owner
):
    services.task_delete(smo_task)
    run_deliveries()
    first = Delivery.objects.get()
    client.force_login(owner)
    url = reverse("webhook_replay", args=[business.pk, hook.pk, first.pk])
    assert client.post(url).status_code == 302
    run_deliveries()
    assert len(receiver.requests) == 2 and receiver.requests[0][1] == receiver.requests[1][1]
    assert Delivery.objects.get(replay_of=first).status == "delivered"


def test_the_test_event(business, hook, receiver, run_deliveries, client, owner):
    client.force_login(owner)
    client.post(reverse("webhook_test", args=[business.pk, hook.pk]))
    run_deliveries()
    assert receiver.bodies()[0]["event"] == "webhook.ping"
    page = client.get(reverse("webhook_detail", args=[business.pk, hook.pk])).content.decode()
    assert "webhook.ping" in page and "delivered" in page


# Server-side request forgery.


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::127.0.0.1]/",  # IPv4-compatible
        "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
        "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
        "http://[fec0::1]/",  # site-local
        "http://100.64.0.1/",
        "http://localhost:8000/",
        "http://db.internal/",
        "ftp://hooks.example/",
        "https://user:secret@hooks.example/",
    ],
)
def test_the_form_refuses_what_is_not_a_public_http_address(client, business, owner, url):
    client.force_login(owner)
    response = client.post(
        reverse("webhook_list", args=[business.pk]), {"url": url, "events": ["task.created"]}
    )
    assert response.status_code == 400 and "url" in response.context["form"].errors
    assert not Subscription.objects.exists()


def test_the_owner_adds_a_webhook_and_sees_its_secret_once(client, business, owner):
    client.force_login(owner)
    page = reverse("webhook_list", args=[business.pk])
    response = client.post(page, {"url": "https://hooks.example/in", "events": ["task.created"]})
    assert response.status_code == 200
    secret = Subscription.objects.get().secret
    assert secret in response.content.decode()
    assert secret not in client.get(page).content.decode()


def test_a_name_that_resolves_inside_is_refused_at_delivery(
    business, owner, platform, monkeypatch, run_deliveries
):
    calls = []
    hook = webhooks.subscribe(
        business, owner, url="https://hooks.example/in", events_chosen=["task.created"]
    )
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))],
    )
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: calls.append(a))
    services.task_save(SmoTaskFactory.build(business=business, platform=platform))
    run_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "10.0.0.7" in delivery.error
    assert calls == []  # no connection was made
    assert Job.objects.get(kind=JobKind.WEBHOOK).attempts == 1  # refused: not retried
    hook.refresh_from_db()
    assert hook.failures == 1


def test_private_addresses_may_be_allowed_for_self_hosting(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert sending.check_url("http://10.1.2.3:8080/hook")[1] == "10.1.2.3"


def test_a_public_ipv6_address_is_allowed():
    assert sending.public_address("2606:4700:4700::1111")
    assert sending.check_url("https://[2606:4700:4700::1111]/in")[2] == 443


def test_a_receiver_that_trickles_its_answer_is_cut_at_the_deadline(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        connection, _ = listener.accept()
        connection.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            if stop.is_set():
                break
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.05)  # each read is well inside the timeout, the whole is not
        connection.close()

    threading.Thread(target=trickle, daemon=True).start()
    began = time.monotonic()
    outcome = sending.post(f"http://127.0.0.1:{listener.getsockname()[1]}/", b"{}", {}, 0.4)
    stop.set()
    listener.close()
    assert time.monotonic() - began < 1.0
    assert outcome.code is None and "in time" in outcome.error


def test_a_lookup_that_hangs_is_abandoned(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: time.sleep(3))
    began = time.monotonic()
    outcome = sending.post("https://hooks.example/in", b"{}", {}, 0.3)
    assert time.monotonic() - began < 1.0
    assert outcome.code is None and "in time" in outcome.error
