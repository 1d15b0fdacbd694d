"""Bulk actions on accounts and contacts: the one-by-one services, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.access import can
from guanxi.core.models import User
from guanxi.core.services.search import index_record
from guanxi.core.services.tags import tag_records, tags_from_names
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import delete_account, update_account
from guanxi.customers.services.contacts import delete_contact, update_contact

ACTIONS = ("assign", "tag", "untag", "delete")


def _assign(actor: User, record: Account | Contact, owner: User) -> bool:
    if record.owner_id == owner.pk:
        return False
    if isinstance(record, Account):
        update_account(actor=actor, account=record, owner=owner)
    else:
        update_contact(actor=actor, contact=record, owner=owner)
    return True


def _delete(actor: User, record: Account | Contact) -> None:
    if isinstance(record, Account):
        delete_account(actor=actor, account=record)
    else:
        delete_contact(actor=actor, contact=record)


@transaction.atomic
def bulk_change(
    *,
    actor: User,
    records: Sequence[Account | Contact],
    action: str,
    owner: User | None = None,
    tag: str = "",
) -> int:
    """Assign an owner to, tag, untag or trash every record; returns how many changed.

    The caller has checked (with the selectors) that the actor may change or delete
    each record. Each record goes through its own service, so the rules and the audit
    are those of a one-by-one change; one refusal undoes the whole action."""
    if action not in ACTIONS:
        raise ValidationError({"action": _("Choose one of: %s.") % ", ".join(ACTIONS)})
    if action == "assign" and owner is None:
        raise ValidationError({"owner_id": _("Choose the new owner.")})
    if action in ("tag", "untag") and not (tag or "").strip():
        raise ValidationError({"tag": _("Name the tag.")})
    if not records:
        return 0
    if action == "assign" and owner is not None:
        return sum(_assign(actor, record, owner) for record in records)
    if action == "delete":
        for record in records:
            _delete(actor, record)
        return len(records)
    adding = action == "tag"
    try:
        (chosen,) = tags_from_names(
            actor=actor, names=[tag], create=adding and can(actor, "core.tag", "add")
        )
    except ValidationError as error:
        raise ValidationError({"tag": error.messages}) from None
    changed = tag_records(actor=actor, records=records, tag=chosen, add=adding)
    for record in records:
        index_record(record)
    return changed
