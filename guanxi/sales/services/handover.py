"""Handover: when a rep leaves, everything they own moves to colleagues, history intact.

One service moves a user's accounts, contacts, leads, open deals and open tasks and
meetings to one or several colleagues. An account's contacts, deals and tasks go to
the same receiver as the account, so each customer keeps one named person; what hangs
off no handed-over account is shared out in turn. Every record keeps its history: its
owner change is audited, each account and stand-alone contact gets a note on its
timeline saying who took over from whom, and every receiver is told what they got.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import scope_for, teammate_ids
from guanxi.core.choices import AuditEvent, Scope
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.notifications import notify
from guanxi.core.services.search import index_record
from guanxi.customers.choices import ActivityKind, TaskStatus
from guanxi.customers.models import Account, AccountContact, Activity, Contact
from guanxi.customers.services.common import first_team_of
from guanxi.sales.choices import LeadStatus, StageKind
from guanxi.sales.models import Deal, Lead

ACCOUNT = "customers.account"


@dataclass
class HandoverResult:
    """What moved to whom: ``moved[receiver pk][kind] = count``."""

    moved: dict[int, Counter[str]] = field(default_factory=dict)

    def add(self, receiver: User, kind: str) -> None:
        self.moved.setdefault(receiver.pk, Counter())[kind] += 1

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.moved.values())


def check_may_hand_over(actor: User, leaver: User, receivers: Sequence[User]) -> None:
    """Administrators hand over anyone's records; a manager (assign at team scope) only
    between members of their teams. Receivers must be active and not the leaver."""
    errors: dict[str, list[str]] = {}
    if not receivers:
        errors["receivers"] = [_("Choose at least one colleague to take over.")]
    if any(r.pk == leaver.pk for r in receivers):
        errors["receivers"] = [_("The leaver cannot take over their own records.")]
    if any(not r.is_active for r in receivers):
        errors["receivers"] = [_("Choose active colleagues only.")]
    scope = scope_for(actor, ACCOUNT, "assign")
    if scope is None or scope == Scope.OWN:
        errors["user"] = [_("You may not hand over other people's records.")]
    elif scope == Scope.TEAM:
        mates = set(teammate_ids(actor).values_list("user_id", flat=True))
        if leaver.pk not in mates or any(r.pk not in mates for r in receivers):
            errors["receivers"] = [_("You may hand over only between members of your teams.")]
    if errors:
        raise ValidationError(errors)


def _reassign(obj: Model, receiver: User, actor: User, reason: str) -> None:
    """Give one record to ``receiver`` (and their first team), audited and re-indexed."""
    old_owner = obj.owner_id  # type: ignore[attr-defined]
    old_team = obj.team_id  # type: ignore[attr-defined]
    team = first_team_of(receiver)
    type(obj)._default_manager.filter(pk=obj.pk).update(
        owner=receiver, team=team, updated_at=timezone.now()
    )
    obj.owner = receiver  # type: ignore[attr-defined]
    obj.team = team  # type: ignore[attr-defined]
    changes = {"owner": [old_owner, receiver.pk], "handover": [None, reason]}
    if old_team != (team.pk if team else None):
        changes["team"] = [old_team, team.pk if team else None]
    record_audit(actor=actor, event=AuditEvent.CHANGE, obj=obj, changes=changes)
    index_record(obj)


@transaction.atomic
def hand_over(
    *, actor: User, leaver: User, receivers: Sequence[User], reason: str = ""
) -> HandoverResult:
    """Move everything ``leaver`` owns (and their open tasks) to ``receivers``."""
    check_may_hand_over(actor, leaver, receivers)
    reason = " ".join((reason or "").split())[:300] or _("Handover")
    turn: Iterator[User] = itertools.cycle(receivers)
    result = HandoverResult()
    account_receiver: dict[int, User] = {}
    for account in Account.objects.filter(owner=leaver).order_by("pk"):
        receiver = next(turn)
        account_receiver[account.pk] = receiver
        _reassign(account, receiver, actor, reason)
        _timeline_note(actor, receiver, leaver, reason, accounts=[account])
        result.add(receiver, "accounts")
    for contact in Contact.objects.filter(owner=leaver).order_by("pk"):
        receiver = _follow(contact_accounts(contact), account_receiver) or next(turn)
        _reassign(contact, receiver, actor, reason)
        if not contact_accounts(contact):
            _timeline_note(actor, receiver, leaver, reason, contacts=[contact])
        result.add(receiver, "contacts")
    open_leads = Lead.objects.filter(owner=leaver).exclude(
        status__in=[LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED]
    )
    for lead in open_leads.order_by("pk"):
        receiver = next(turn)
        _reassign(lead, receiver, actor, reason)
        result.add(receiver, "leads")
    open_deals = Deal.objects.filter(owner=leaver, stage__kind=StageKind.OPEN)
    for deal in open_deals.order_by("pk"):
        receiver = account_receiver.get(deal.account_id) or next(turn)
        _reassign(deal, receiver, actor, reason)
        result.add(receiver, "deals")
    mine = Q(assignee=leaver) | Q(assignee__isnull=True, owner=leaver)
    open_tasks = Activity.objects.filter(
        mine,
        kind__in=[ActivityKind.TASK, ActivityKind.MEETING],
        status=TaskStatus.OPEN,
    ).prefetch_related("accounts")
    for task in open_tasks.order_by("pk"):
        receiver = _follow([a.pk for a in task.accounts.all()], account_receiver) or next(turn)
        Activity.objects.filter(pk=task.pk).update(assignee=receiver)
        if task.owner_id == leaver.pk:
            _reassign(task, receiver, actor, reason)
        else:
            record_audit(
                actor=actor,
                event=AuditEvent.CHANGE,
                obj=task,
                changes={"assignee_id": [leaver.pk, receiver.pk], "handover": [None, reason]},
            )
        result.add(receiver, "tasks")
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=leaver,
        changes={"handover": [None, _summary(result, receivers)]},
    )
    _notify_receivers(actor, leaver, receivers, result)
    return result


def contact_accounts(contact: Contact) -> list[int]:
    """The accounts a contact currently works at, primary first."""
    return list(
        AccountContact.objects.filter(contact=contact, is_current=True)
        .order_by("-is_primary", "pk")
        .values_list("account_id", flat=True)
    )


def _follow(account_ids: Sequence[int], account_receiver: dict[int, User]) -> User | None:
    for account_id in account_ids:
        if account_id in account_receiver:
            return account_receiver[account_id]
    return None


def _timeline_note(
    actor: User, receiver: User, leaver: User, reason: str, **links: Sequence[Model]
) -> None:
    """A note on the customer's timeline: who took over from whom, and why."""
    activity = Activity.objects.create(
        kind=ActivityKind.NOTE,
        subject=(
            _("%(receiver)s took over from %(leaver)s") % {"receiver": receiver, "leaver": leaver}
        )[:200],
        body=reason,
        at=timezone.now(),
        status=TaskStatus.DONE,
        owner=receiver,
        team=first_team_of(receiver),
    )
    for name, records in links.items():
        getattr(activity, name).set(records)


KIND_LABELS = {
    "accounts": lambda n: _("%(n)s accounts") % {"n": n},
    "contacts": lambda n: _("%(n)s contacts") % {"n": n},
    "leads": lambda n: _("%(n)s leads") % {"n": n},
    "deals": lambda n: _("%(n)s open deals") % {"n": n},
    "tasks": lambda n: _("%(n)s open tasks") % {"n": n},
}


def describe_counts(counter: Counter[str]) -> str:
    return ", ".join(KIND_LABELS[kind](n) for kind, n in sorted(counter.items()))


def _summary(result: HandoverResult, receivers: Sequence[User]) -> str:
    by_pk = {r.pk: r for r in receivers}
    return "; ".join(f"{by_pk[pk].email}: {describe_counts(c)}" for pk, c in result.moved.items())


def _summary_of(counts: Counter[str]) -> Callable[[], str]:
    """The counts, rendered later in the receiver's language."""
    return lambda: describe_counts(counts)


def _notify_receivers(
    actor: User, leaver: User, receivers: Sequence[User], result: HandoverResult
) -> None:
    for receiver in receivers:
        counts = result.moved.get(receiver.pk)
        if not counts:
            continue
        summary = _summary_of(counts)
        notify(
            recipients=[receiver],
            kind="sales.handover",
            title=lambda: _("You took over from %(leaver)s") % {"leaver": leaver},
            body=summary,
            url=reverse("customers:account_list") + f"?owner={receiver.pk}",
            obj=leaver,
        )
