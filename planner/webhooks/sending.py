"""The HTTP POST of a delivery, to public addresses only.

Written here rather than with a library: the only maintained ones that refuse private
addresses (SSRF) do it by wrapping requests, which the app does not otherwise need; the
standard library's http.client needs a dozen lines for it. The host is resolved once, every
address it has is checked, and the connection goes to the checked address (so a DNS answer
that changes between the check and the connection cannot point it inside); HTTPS still checks
the certificate against the host's name. No redirect is followed, and no response body is read.
"""

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

USER_AGENT = "CampaignPlanner-Webhooks/1"
# IPv6 outside global unicast (2000::/3) is never a receiver, and inside it 6to4 and Teredo
# carry an IPv4 address of their own choosing: refused rather than unpacked.
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
IPV4_TUNNELS = (ipaddress.ip_network("2002::/16"), ipaddress.ip_network("2001::/32"))
# getaddrinfo has no timeout of its own: it runs here, and a lookup that hangs is abandoned.
_lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")
SIGNATURE_HEADER = "X-Planner-Signature-256"


class Refused(Exception):
    """The URL may not be called (a private address, a bad scheme): not worth retrying."""


@dataclass
class Outcome:
    code: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self):
        return self.code is not None and 200 <= self.code < 300


def signature(secret, body):
    """`sha256=` and the hex HMAC-SHA256 of the body's bytes with the subscription's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def public_address(text):
    """True if `text` is an address the Internet routes (not private, loopback, link-local,
    shared, reserved or multicast), or private ones are allowed (WEBHOOKS_ALLOW_PRIVATE)."""
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False):
        return True
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 6 and (
        address not in GLOBAL_UNICAST or any(address in tunnel for tunnel in IPV4_TUNNELS)
    ):
        return False
    return address.is_global and not address.is_multicast


def check_url(url):
    """(scheme, host, port, path) of a URL a delivery may go to; Refused says why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("Only http:// and https:// addresses can receive webhooks.")
    if parts.username or parts.password:
        raise Refused("Leave the user name and password out of the address.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("The port is not a number from 1 to 65535.") from None
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not public_address(host):
        raise Refused(f"{host} is a private address: webhooks go to the Internet only.")
    local_name = literal is None and host.rstrip(".").endswith(("localhost", ".local", ".internal"))
    if local_name and not public_address("127.0.0.1"):
        raise Refused(f"{host} is a local name: webhooks go to the Internet only.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port, path


def resolve(host, port, timeout):
    """The host's addresses, each checked; Refused if any is private."""
    lookup = _lookups.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=timeout)
    except LookupTimeout:
        raise TimeoutError(f"{host} did not resolve in time.") from None
    except socket.gaierror as error:
        raise ConnectionError(f"{host} does not resolve ({error.strerror}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not public_address(address):
            raise Refused(f"{host} resolves to {address}, a private address: refused.")
    return addresses


def post(url, body, headers, timeout=None):
    """POST `body` to `url`: the Outcome (a status code, or the error), or Refused.

    `timeout` bounds the whole attempt, not each read: a receiver that trickles its answer a
    byte at a time has its connection shut at the deadline."""
    timeout = timeout or settings.WEBHOOKS_TIMEOUT_SECONDS
    scheme, host, port, path = check_url(url)
    began = time.monotonic()
    deadline = None
    try:
        address = resolve(host, port, timeout)[0]
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        # Connect to the address checked above, not to whatever the name resolves to next.
        connection._create_connection = lambda _address, *args: socket.create_connection(
            (address, port), *args
        )
        left = max(timeout - (time.monotonic() - began), 0.001)
        deadline = threading.Timer(left, _shut, args=(connection,))
        deadline.start()
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
            )
            code = connection.getresponse().status
        finally:
            connection.close()
    except (OSError, http.client.HTTPException) as error:
        if time.monotonic() - began >= timeout:
            return Outcome(None, _ms(began), "The receiver did not answer in time.")
        return Outcome(None, _ms(began), _describe(error))
    finally:
        if deadline is not None:
            deadline.cancel()
    return Outcome(code, _ms(began))


def _shut(connection):
    """The deadline: shutting the socket down wakes the read blocked on it."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _ms(began):
    return int((time.monotonic() - began) * 1000)


def _describe(error):
    if isinstance(error, TimeoutError | socket.timeout):
        return "The receiver did not answer in time."
    if isinstance(error, ssl.SSLError):
        return f"TLS failed: {error.reason or error}"[:500]
    if isinstance(error, ConnectionRefusedError):
        return "The connection was refused."
    return f"{type(error).__name__}: {error}"[:500]
