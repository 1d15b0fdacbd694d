"""Merging two accounts into one, and undoing it — the account twin of ``merge.py``.

Every record pointing at the merged account (contact links, deals, orders, tickets,
activities, tags, child accounts, addresses, anything another app adds later) is found
through ``_meta`` and moved to the survivor; attachments and ids in other systems
(``ExternalRef``) move too. A row the survivor already has a twin of (the same contact
link, the same tag) is deleted and kept whole in the snapshot for undo."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.models import Attachment, User
from guanxi.core.services.trash import trash_record
from guanxi.customers.models import Account
from guanxi.integrations.merge import (
    _plain,
    _related,
    _rows,
    _values,
    audit_merge,
    contact_relations,
    copy_chosen,
    finish_undo,
    move_related,
    relation_label,
    restore_other,
    set_pairs,
    validate_choices,
)
from guanxi.integrations.models import ExternalRef
from guanxi.integrations.models_account_dedupe import AccountMerge, AccountPair
from guanxi.integrations.models_dedupe import PairStatus

ACCOUNT = "customers.account"
ACCOUNT_MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "name_pinyin", "name_initials", "name_key"),
    "industry": ("industry",),
    "size": ("size",),
    "website": ("website",),
    "tier": ("tier",),
    "region": ("country", "province", "city"),
    "parent": ("parent",),
    "owner": ("owner",),
    "team": ("team",),
    "description": ("description",),
}
_SNAPSHOT_FIELDS = [f for group in ACCOUNT_MERGE_FIELDS.values() for f in group] + ["custom_fields"]
_BOOKKEEPING = (AccountPair, AccountMerge)


def _field(name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", Account._meta.get_field(name))


def _check(actor: User, *accounts: Account) -> None:
    for account in accounts:
        if not is_permitted(actor, account, "change"):
            raise PermissionDenied(_("You may not change this account."))


def _refs(account: Account) -> models.QuerySet[ExternalRef]:
    return ExternalRef.objects.filter(
        content_type=ContentType.objects.get_for_model(Account), object_id=account.pk
    )


def _attachments(account: Account) -> models.QuerySet[Attachment]:
    return Attachment.all_objects.filter(object_type=ACCOUNT, object_id=str(account.pk))


def account_related_counts(account: Account) -> dict[str, int]:
    """How many records of each relation point at ``account`` (what a merge moves)."""
    counts = {}
    for rel in contact_relations(Account):
        if _related(rel) in _BOOKKEEPING:
            continue
        count = _rows(_related(rel), **{rel.field.name: account}).count()
        if count:
            counts[relation_label(rel)] = count
    for label, queryset in (
        ("core.attachment.object_id", _attachments(account)),
        ("integrations.externalref.object_id", _refs(account)),
    ):
        count = queryset.count()
        if count:
            counts[label] = count
    return counts


@transaction.atomic
def merge_accounts(
    *, actor: User, survivor: Account, other: Account, choices: dict[str, str] | None = None
) -> AccountMerge:
    """Merge account ``other`` into ``survivor``: chosen field groups copied, every
    related record moved, ``other`` trashed; one audit entry on the survivor and an
    ``AccountMerge`` holding what undo needs. Needs change on both accounts."""
    if survivor.pk == other.pk:
        raise ValidationError({"other": _("An account cannot be merged with itself.")})
    _check(actor, survivor, other)
    survivor = Account.objects.select_for_update().get(pk=survivor.pk)
    other = Account.objects.select_for_update().get(pk=other.pk)
    choices = choices or {}
    validate_choices(choices, ACCOUNT_MERGE_FIELDS)

    before = _plain(_values(survivor))
    copy_chosen(survivor, other, choices, ACCOUNT_MERGE_FIELDS, _field)
    # The survivor must not end up its own parent.
    if survivor.parent_id == other.pk:
        survivor.parent_id = other.parent_id if other.parent_id != survivor.pk else None
    survivor.custom_fields = {**(other.custom_fields or {}), **(survivor.custom_fields or {})}
    survivor.save()

    moved, dropped = move_related(Account, survivor=survivor, other=other, skip=_BOOKKEEPING)
    for label, queryset, target in (
        ("core.attachment", _attachments(other), str(survivor.pk)),
        ("integrations.externalref", _refs(other), survivor.pk),
    ):
        ids = list(queryset.values_list("pk", flat=True))
        queryset.model._base_manager.filter(pk__in=ids).update(object_id=target)
        moved += [[label, "object_id", pk, {}] for pk in ids]

    trash_item = trash_record(actor=actor, obj=other)
    merge = AccountMerge.objects.create(
        actor=actor,
        survivor=survivor,
        other=other,
        snapshot={
            "survivor_before": before,
            "other": _plain(_values(other)),
            "choices": choices,
            "moved": moved,
            "dropped": dropped,
            "trash_item": trash_item.pk,
        },
    )
    set_pairs(AccountPair, other, old=PairStatus.OPEN, new=PairStatus.MERGED, by=actor)
    audit_merge(
        actor=actor,
        survivor=survivor,
        other=other,
        merge=merge,
        moved=moved,
        dropped=dropped,
        fields={k: before.get(_field(k).attname) for k in _SNAPSHOT_FIELDS},
    )
    return merge


@transaction.atomic
def undo_account_merge(*, actor: User, merge: AccountMerge) -> Account:
    """Put both accounts and everything that moved back as before ``merge``."""
    if merge.undone_at is not None:
        raise ValidationError({"merge": _("This merge was already undone.")})
    survivor = Account.all_objects.select_for_update().get(pk=merge.survivor_id)
    _check(actor, survivor)
    other = restore_other(
        actor=actor,
        snapshot=merge.snapshot,
        missing=_("The merged account is no longer in the trash."),
    )
    finish_undo(
        actor=actor,
        merge=merge,
        survivor=survivor,
        other=other,
        fields=_SNAPSHOT_FIELDS,
        field=_field,
        pair_model=AccountPair,
    )
    return cast(Account, other)
