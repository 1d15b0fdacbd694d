"""Alerts for customers whose churn risk rose above the threshold: a task for the
account's owner (a customers activity of kind task, linked to the account), a
notification, the crossing recorded, and the ``customer_at_risk`` signal — once per
crossing."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.analytics.models import ChurnCrossing, ChurnRisk
from guanxi.analytics.services.churn_config import ChurnConfig
from guanxi.analytics.services.churn_explain import describe
from guanxi.analytics.signals import customer_at_risk
from guanxi.core.services.notifications import notify
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Account, Activity
from guanxi.customers.services.activities import log_activity

logger = logging.getLogger(__name__)
CHUNK = 500


def alert_rises(
    rises: list[tuple[ChurnRisk, ChurnCrossing]], *, config: ChurnConfig
) -> list[ChurnCrossing]:
    """One alert per customer that rose above the threshold in this run (few per run:
    only the customers that crossed, not those that stay above)."""
    ids = [risk.account_id for risk, _crossing in rises]
    accounts: dict[int, Account] = {}
    for start in range(0, len(ids), CHUNK):
        accounts.update(
            Account.objects.filter(pk__in=ids[start : start + CHUNK])
            .select_related("owner")
            .in_bulk()
        )
    saved = []
    for risk, crossing in rises:
        account = accounts.get(risk.account_id)
        if account is not None:
            saved.append(_alert(account, risk, crossing, config))
    return saved


def _task(account: Account, risk: ChurnRisk, config: ChurnConfig) -> Activity | None:
    owner = account.owner
    if owner is None or not owner.is_active:
        return None
    with translation.override(owner.language):
        subject = _("Customer at risk of churning: %(name)s (%(risk)s)") % {
            "name": account.name,
            "risk": risk.percent_label,
        }
        body = "\n".join(describe(risk.factors))
    try:
        # Logged as the owner's own task: nobody was logged in to give it to them.
        return log_activity(
            actor=owner,
            kind=ActivityKind.TASK,
            subject=subject[:200],
            body=body,
            at=timezone.now() + timedelta(days=config.task_due_days),
            assignee=owner,
            owner=owner,
            accounts=[account],
        )
    except ValidationError:
        logger.warning("No churn task for account %s: its owner cannot be given one", account.pk)
        return None


@transaction.atomic
def _alert(
    account: Account, risk: ChurnRisk, crossing: ChurnCrossing, config: ChurnConfig
) -> ChurnCrossing:
    task = _task(account, risk, config)
    crossing.task = task
    crossing.save()
    risk.pk = ChurnRisk.objects.only("pk").get(account_id=account.pk).pk
    notify(
        recipients=[account.owner] if account.owner else [],
        kind="analytics.churn_risk",
        title=lambda: (
            _("%(name)s is at risk of churning (%(risk)s)")
            % {"name": account.name, "risk": risk.percent_label}
        ),
        body=lambda: "\n".join(describe(risk.factors)),
        url=account.get_absolute_url(),
        obj=account,
    )
    # A failing receiver must not undo the alert or stop the recompute (Django logs
    # the receiver's error).
    customer_at_risk.send_robust(
        sender=ChurnRisk, account=account, risk=risk, crossing=crossing, task=task
    )
    return crossing
