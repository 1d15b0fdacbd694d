"""What a user would hand over: the records they own and their open tasks."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.customers.choices import ActivityKind, TaskStatus
from guanxi.customers.models import Account, Activity, Contact
from guanxi.sales.choices import LeadStatus, StageKind
from guanxi.sales.models import Deal, Lead


def handover_summary(user: User) -> list[dict[str, Any]]:
    open_tasks = Activity.objects.filter(
        Q(assignee=user) | Q(assignee__isnull=True, owner=user),
        kind__in=[ActivityKind.TASK, ActivityKind.MEETING],
        status=TaskStatus.OPEN,
    )
    return [
        {"label": _("Accounts"), "count": Account.objects.filter(owner=user).count()},
        {"label": _("Contacts"), "count": Contact.objects.filter(owner=user).count()},
        {
            "label": _("Open leads"),
            "count": Lead.objects.filter(owner=user)
            .exclude(status__in=[LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED])
            .count(),
        },
        {
            "label": _("Open deals"),
            "count": Deal.objects.filter(owner=user, stage__kind=StageKind.OPEN).count(),
        },
        {"label": _("Open tasks and meetings"), "count": open_tasks.count()},
    ]
