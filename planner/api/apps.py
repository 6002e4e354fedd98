from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "planner.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from planner.api import schema  # noqa: F401  (registers the schema's extensions)
