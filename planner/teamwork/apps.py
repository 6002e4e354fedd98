from django.apps import AppConfig


class TeamworkConfig(AppConfig):
    name = "planner.teamwork"
    label = "teamwork"
    verbose_name = "Teamwork"
