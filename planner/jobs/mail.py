"""E-mail leaves the request: Django's mail is sent by a job, so a slow or absent SMTP server
delays a message, never a page, and a failed send is retried.

`JobEmailBackend` is set as EMAIL_BACKEND; it turns each message into a job, and the job sends
it with the real backend (JOBS_EMAIL_BACKEND). Every part of Django that sends mail (password
reset today, invitations and notifications later) goes through it unchanged.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from planner.jobs.models import JobKind


class JobEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from planner.jobs import services

        for message in email_messages:
            services.start(
                JobKind.EMAIL,
                label=f"E-mail: {message.subject}"[:200],
                payload=_as_payload(message),
            )
        return len(email_messages)


def _as_payload(message):
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def send_email_job(job, progress):
    from planner.jobs.models import Job

    data = job.payload
    if not data:
        return {}  # sent by an earlier run that died before it was marked done
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        connection=get_connection(settings.JOBS_EMAIL_BACKEND),
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    message.send()
    # The body may hold a password-reset link: it is not kept once sent.
    Job.objects.filter(pk=job.pk).update(payload={})
    return {"sent_to": len(data["to"]) + len(data["cc"]) + len(data["bcc"])}
