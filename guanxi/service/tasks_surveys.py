"""Survey tasks (thin: they call services): the e-mail after the commit and the
periodic NPS batch."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.service.services.survey_email import deliver_survey
from guanxi.service.services.surveys import send_scheduled_nps


@task()
def deliver_survey_email(survey_pk: int) -> bool:
    """Send a survey's e-mail (idempotent: only a queued survey goes)."""
    return deliver_survey(survey_pk)


@task()
def send_nps_surveys() -> int:
    """Send one batch of NPS surveys to the contacts due one (idempotent)."""
    return send_scheduled_nps()


register_periodic(send_nps_surveys, every=timedelta(hours=1))
