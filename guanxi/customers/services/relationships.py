"""Recording and removing relationships between contacts and between accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextChoices
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.customers.choices import AccountRelation, ContactRelation
from guanxi.customers.models import Account, Contact, Relationship

# Kinds that read the same from both ends: recorded once, whichever way round.
SYMMETRIC = {"family", "friend", "partner", "competitor"}


def _ends(source: Account | Contact) -> tuple[str, str, type[TextChoices]]:
    if isinstance(source, Contact):
        return "from_contact", "to_contact", ContactRelation
    return "from_account", "to_account", AccountRelation


def describe(relationship: Relationship) -> str:
    source = relationship.from_contact or relationship.from_account
    target = relationship.to_contact or relationship.to_account
    choices = dict(ContactRelation.choices) | dict(AccountRelation.choices)
    return f"{source} {choices.get(relationship.kind, relationship.kind)} {target}"


@transaction.atomic
def add_relationship(
    *,
    actor: User,
    source: Account | Contact,
    target: Account | Contact,
    kind: str,
    note: str = "",
) -> Relationship:
    """Record that ``source`` is ``kind`` ``target`` (two contacts or two accounts).

    The actor must be able to see the target; the caller has checked that they may
    change the source."""
    from_field, to_field, kinds = _ends(source)
    errors: dict[str, list[str]] = {}
    if type(target) is not type(source):
        errors["target"] = [_("Relate a contact to a contact, or an account to an account.")]
    elif target.pk == source.pk:
        errors["target"] = [_("A record cannot be related to itself.")]
    elif not is_permitted(actor, target, "view"):
        errors["target"] = [_("This record does not exist.")]
    if kind not in kinds.values:
        errors["kind"] = [
            _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(str(k) for k in kinds.values)}
        ]
    note = " ".join((note or "").split())
    if len(note) > 200:
        errors["note"] = [_("Use at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    same = Q(**{from_field: source, to_field: target})
    if kind in SYMMETRIC:
        same |= Q(**{from_field: target, to_field: source})
    if Relationship.objects.filter(same, kind=kind).exists():
        raise ValidationError({"target": [_("This relationship is already recorded.")]})
    relationship = Relationship.objects.create(
        kind=kind, note=note, created_by=actor, **{from_field: source, to_field: target}
    )
    text = describe(relationship)
    for record in (source, target):
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=record,
            changes={"relationships": [None, text]},
        )
    return relationship


@transaction.atomic
def remove_relationship(*, actor: User, relationship: Relationship) -> None:
    """Forget a relationship; both records' histories say who removed it."""
    text = describe(relationship)
    for record in (
        relationship.from_contact or relationship.from_account,
        relationship.to_contact or relationship.to_account,
    ):
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=record,
            changes={"relationships": [text, None]},
        )
    relationship.delete()
