"""How the schema names the API's two ways in (drf-spectacular extensions, loaded by
ApiConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "planner.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key of the business, cp_…, created by an owner in the app.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "planner.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The app's own pages; writes send the CSRF token as X-CSRFToken.",
        }


ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "400": "The body or the query is not valid: each field's errors, as the app's forms say.",
    "401": "No API key or session, or a key that is unknown, revoked or expired.",
    "403": "Your role, or the key's scope, does not allow this (or a session without CSRF).",
    "404": "No such row in this business, or a business you do not reach.",
    "429": "Too many requests from this key or user: wait Retry-After seconds.",
}
WRITE_ERRORS = {
    "412": "Saved since the version in If-Match: the row as saved now, and what differs.",
    "428": "If-Match is missing.",
}


def error_responses(result, generator, request, public):
    """Every operation's refusals, in one shape (a postprocessing hook of drf-spectacular)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "additionalProperties": True,
        "description": "`detail`, or each field's list of messages.",
    }
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            extra = {**ERRORS, **(WRITE_ERRORS if method in ("put", "patch", "delete") else {})}
            if method == "get" and "security" in operation and operation["security"] == [{}]:
                continue  # the schema and reference page themselves
            for code, description in extra.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR}},
                    },
                )
    return result
