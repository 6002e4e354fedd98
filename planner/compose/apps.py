from django.apps import AppConfig


class ComposeConfig(AppConfig):
    name = "planner.compose"
    label = "compose"
    verbose_name = "Composing posts"
