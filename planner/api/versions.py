"""The version check over HTTP: a row's ETag is its version column; an update names the version
it is based on in If-Match, and one based on an older version is refused with 412 and what is
saved now (services.claim_version then settles a race between two updates of one version)."""

from rest_framework import status
from rest_framework.exceptions import APIException


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = (
        "Send If-Match with the ETag of the row you changed (from its GET), or If-Match: * to "
        "overwrite whatever is saved."
    )
    default_code = "precondition_required"


class Stale(APIException):
    """Someone saved the row since the version the request is based on."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"

    def __init__(self, current, differs):
        # Sent as it is (planner.api.errors): DRF would turn every value of a detail to text.
        self.payload = {
            "detail": "Someone saved this since the version you sent in If-Match; nothing "
            "was saved. `current` is the row as saved now, `differs` the fields you sent "
            "that it holds otherwise; send your change again with its ETag.",
            "version": current["version"],
            "differs": differs,
            "current": current,
        }
        super().__init__(self.payload["detail"])


def etag(instance):
    return f'"{instance.version}"'


def seen_version(request, instance, required=True):
    """The version If-Match names (None for `*`, or when absent and not `required`); Stale if
    it names another version than the row's."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise PreconditionRequired()
        return None
    tags = [tag.strip() for tag in header.split(",")[:20]]
    if "*" in tags:
        return None
    for tag in tags:
        text = tag.removeprefix("W/").strip('"')
        if text.isascii() and text.isdigit() and len(text) < 12 and int(text) == instance.version:
            return instance.version
    return False  # stale: the caller raises Stale with what differs
