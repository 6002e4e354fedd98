from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "planner.lists"
    label = "lists"
    verbose_name = "Task lists"
