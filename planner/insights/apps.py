from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "planner.insights"
    label = "insights"
    verbose_name = "Goals and insights"
