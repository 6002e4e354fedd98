"""Run once a day (cron, a systemd timer, a platform scheduler): planner/teamwork/daily.py."""

from django.core.management.base import BaseCommand

from planner.teamwork.daily import run_daily


class Command(BaseCommand):
    help = (
        "Tell members of posts due soon and not ready, late posts and ads off pace, then send "
        "the daily digests. Safe to run more than once a day."
    )

    def handle(self, *args, **options):
        counts = run_daily()
        for what in ("due soon", "overdue", "off pace", "digests sent"):
            self.stdout.write(f"{what}: {counts.get(what, 0)}")
