"""Delete job files no longer needed (planner/jobs/files.py): exports older than the retention
(JOBS_FILE_RETENTION_HOURS, default 24; their job page then says the file expired), uploads of
finished jobs, and files no job refers to. Run it daily, or hourly, from cron or a scheduler:

    manage.py prune_job_files
"""

from django.core.management.base import BaseCommand

from planner.jobs import files


class Command(BaseCommand):
    help = "Delete expired export files and job files that no job needs any more."

    def handle(self, *args, **options):
        deleted = files.prune()
        if options["verbosity"]:
            self.stdout.write(f"Deleted {deleted} job file(s).")
