"""The one task the queue carries: "run job N". Everything else about a job is in its row."""

from django_tasks import task

from planner.jobs import services


@task()
def run_job(job_id):
    return services.execute(job_id)
