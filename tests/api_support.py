"""Calling the API in tests: a client that sends a key, and keys of each kind."""

import datetime
import json

from django.test import Client
from django.utils import timezone

from planner.api import keys
from planner.api.models import ApiKey, Scope


def make_key(business, by, scope=Scope.WRITE, state="active", name="Script"):
    """A key of `business` and its secret; `state` "revoked" or "expired" makes it so."""
    expires = timezone.now() - datetime.timedelta(minutes=1) if state == "expired" else None
    key, secret = keys.create_key(business, by, name=name, scope=scope)
    if expires:
        ApiKey.objects.filter(pk=key.pk).update(expires_at=expires)
    if state == "revoked":
        keys.revoke_key(key, by)
    return key, secret


class ApiClient:
    """JSON in and out, with `Authorization: Bearer <secret>` when given one."""

    def __init__(self, secret=None, client=None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def call(self, method, url, body=None, headers=None, **query):
        kwargs = {"headers": {**self.headers, **(headers or {})}}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        elif query:
            kwargs["data"] = query
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url, **query):
        return self.call("get", url, **query)

    def post(self, url, body=None, **kw):
        return self.call("post", url, body if body is not None else {}, **kw)

    def patch(self, url, body, **kw):
        return self.call("patch", url, body, **kw)

    def put(self, url, body, **kw):
        return self.call("put", url, body, **kw)

    def delete(self, url, **kw):
        return self.call("delete", url, **kw)


def api(business, path=""):
    return f"/api/v1/businesses/{business.pk}/{path}"
