"""Start the scheduled reports due: each schedule's last whole week or month, once. Run daily
from cron or a scheduler (README, "Running in production")."""

from django.core.management.base import BaseCommand

from planner.reports import schedules


class Command(BaseCommand):
    help = "Start the e-mail of each scheduled report's last whole period not sent yet."

    def handle(self, *args, **options):
        started = schedules.send_due()
        self.stdout.write(f"{started} report(s) to send.")
