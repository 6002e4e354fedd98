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
