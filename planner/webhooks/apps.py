from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "planner.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
