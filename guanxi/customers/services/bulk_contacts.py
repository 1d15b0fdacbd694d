"""Creating many contacts (and the accounts they work at) at once, for imports: the
same checks as ``create_contact`` / ``create_account`` (their own ``_apply``), then
every row of a batch written with a few ``bulk_create`` calls instead of a dozen
queries per record. The result is what the services would have written one by one:
the records, their phones, emails, addresses, account links (the last contact linked
to an account is its primary one), tags, audit entries (in the same order) and search
documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Model

from guanxi.core.choices import AuditEvent
from guanxi.core.context import current_context
from guanxi.core.models import AuditEntry, Tag, Team, User
from guanxi.core.services.audit import diff
from guanxi.core.services.bulk_search import index_objects
from guanxi.customers.models import (
    Account,
    AccountContact,
    Address,
    Contact,
    ContactEmail,
    ContactPhone,
)
from guanxi.customers.services.account_links import people_change, person_line
from guanxi.customers.services.accounts import _apply as apply_account
from guanxi.customers.services.accounts import account_snapshot
from guanxi.customers.services.common import address_line
from guanxi.customers.services.contact_points import point_line
from guanxi.customers.services.contacts import _apply as apply_contact
from guanxi.customers.services.contacts import contact_snapshot


@dataclass
class NewAccount:
    """An account checked by ``prepare_account``, not yet saved; ``snapshot`` is what
    its creation's audit entry records (taken unsaved: no queries)."""

    account: Account
    tags: list[Tag]
    snapshot: dict[str, Any] = field(default_factory=dict)


@dataclass
class NewContact:
    """A contact checked by ``prepare_contact``, not yet saved; ``links`` are its
    cleaned account links (``account`` may be a ``NewAccount``'s, unsaved)."""

    contact: Contact
    nested: dict[str, list[Any] | None]
    tags: list[Tag]
    snapshot: dict[str, Any] = field(default_factory=dict)


def prepare_contact(
    *, actor: User, team: Team | None, owner: User | None = None, **kwargs: Any
) -> NewContact:
    """``create_contact``'s checks (same arguments, ``tags`` excepted: they are given as
    Tag objects to ``save_new_records``) without saving anything; ``team`` is what
    ``create_contact`` would default to (the owner's first team). Raises the same
    ValidationError."""
    owner = owner or actor
    contact = Contact(owner=owner, custom_fields={})
    fields: dict[str, Any] = {
        "family_name": kwargs.get("family_name", ""),
        "given_name": kwargs.get("given_name", ""),
        "title": kwargs.get("title", ""),
        "birthday": kwargs.get("birthday"),
        "gender": kwargs.get("gender", ""),
        "preferred_language": kwargs.get("preferred_language", ""),
        "preferred_channel": kwargs.get("preferred_channel", ""),
        "tier": kwargs.get("tier"),
        "description": kwargs.get("description", ""),
        "owner": owner,
        "team": team,
        "phones": list(kwargs.get("phones", ())),
        "emails": list(kwargs.get("emails", ())),
        "addresses": list(kwargs.get("addresses", ())),
        "accounts": list(kwargs.get("accounts", ())),
        "custom_fields": kwargs.get("custom_fields") or {},
    }
    nested = apply_contact(
        contact, actor=actor, fields=fields, owner_changed=True, team_changed=False, partial=False
    )
    snapshot = contact_snapshot(contact)  # unsaved: the fields only, no queries
    snapshot["phones"] = [point_line(p) for p in nested["phones"] or []]
    snapshot["emails"] = [point_line(e) for e in nested["emails"] or []]
    snapshot["addresses"] = [address_line(a) for a in nested["addresses"] or []]
    snapshot["accounts"] = [_link_line(row) for row in nested["accounts"] or []]
    return NewContact(contact, nested, [], snapshot)


def prepare_account(*, actor: User, team: Team | None, name: str, tags: list[Tag]) -> NewAccount:
    """``create_account(actor=actor, name=name, tags=...)``'s checks, unsaved; ``tags``
    are the Tag objects of the names."""
    account = Account(owner=actor, custom_fields={})
    fields: dict[str, Any] = {
        "name": name,
        "parent": None,
        "industry": "",
        "size": "",
        "website": "",
        "tier": None,
        "country": "CN",
        "province": "",
        "city": "",
        "description": "",
        "owner": actor,
        "team": team,
        "addresses": [],
        "custom_fields": {},
    }
    apply_account(
        account, actor=actor, fields=fields, owner_changed=True, team_changed=False, partial=False
    )
    return NewAccount(account, tags, account_snapshot(account))


def _audit(actor: User, event: str, obj: Model, changes: dict[str, Any]) -> AuditEntry:
    """What ``record_audit`` writes, unsaved."""
    ctx = current_context()
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        origin=ctx.origin,
        event=event,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:200],
        changes=changes or {},
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
    )


def _tag_changes(tags: list[Tag]) -> dict[str, Any]:
    return diff({"tags": []}, {"tags": sorted(t.name for t in tags)})


def save_new_records(
    actor: User, accounts: list[NewAccount], contacts: list[NewContact], *, checking: bool = False
) -> list[AuditEntry]:
    """Save the accounts, then the contacts with their child rows, links and tags;
    write the audit entries ``create_account`` / ``create_contact`` would have (each new
    account's when the first contact naming it is created) and the search documents.
    Returns the audit entries written. ``checking``: an import's check, rolled back at
    its end, which writes neither audit entries nor search documents (nothing it
    decides later reads them; they are a third of the writing)."""
    Account.objects.bulk_create([new.account for new in accounts])
    Contact.objects.bulk_create([new.contact for new in contacts])
    fresh_accounts = {new.account.pk: new for new in accounts}
    phones, emails, addresses, links = [], [], [], []
    for new in contacts:
        contact = new.contact
        phones += [ContactPhone(contact=contact, **row) for row in new.nested["phones"] or []]
        emails += [ContactEmail(contact=contact, **row) for row in new.nested["emails"] or []]
        addresses += [Address(contact=contact, **row) for row in new.nested["addresses"] or []]
        links += [AccountContact(contact=contact, **row) for row in new.nested["accounts"] or []]
    # Each link takes the primary flag from the account's earlier primary contact, as
    # ``replace_links`` does one contact at a time: only the last one keeps it.
    linked = sorted({link.account.pk for link in links})
    # An import locks them as ``replace_links`` does; its check, rolled back, does not.
    accounts_of = Account.all_objects if checking else Account.all_objects.select_for_update()
    locked = accounts_of.filter(pk__in=linked).order_by("pk")
    trashed = {account.pk for account in locked if account.deleted_at is not None}
    primary_of: dict[int, Contact] = {
        link.account_id: link.contact
        for link in AccountContact.objects.filter(
            account_id__in=linked, is_primary=True
        ).select_related("contact")
    }
    primary_takers = [link for link in links if link.is_primary]
    last_primary = {link.account.pk: link for link in primary_takers}
    AccountContact.objects.filter(account_id__in=list(last_primary), is_primary=True).update(
        is_primary=False
    )
    for link in links:
        link.is_primary = link.is_primary and last_primary.get(link.account.pk) is link
    ContactPhone.objects.bulk_create(phones)
    ContactEmail.objects.bulk_create(emails)
    Address.objects.bulk_create(addresses)
    AccountContact.objects.bulk_create(links)
    through = Contact.tags.through
    through.objects.bulk_create(
        through(contact_id=new.contact.pk, tag_id=tag.pk) for new in contacts for tag in new.tags
    )
    account_through = Account.tags.through
    account_through.objects.bulk_create(
        account_through(account_id=new.account.pk, tag_id=tag.pk)
        for new in accounts
        for tag in new.tags
    )
    if checking:
        return []
    entries: list[AuditEntry] = []
    audited: set[int] = set()
    for new in contacts:
        contact = new.contact
        rows = new.nested["accounts"] or []
        for row in rows:
            account = row["account"]
            if account.pk in fresh_accounts and account.pk not in audited:
                audited.add(account.pk)
                made = fresh_accounts[account.pk]
                changes = diff({}, made.snapshot)
                changes.update(_tag_changes(made.tags))
                entries.append(_audit(actor, AuditEvent.CREATE, account, changes))
        for row in rows:
            account = row["account"]
            # What ``replace_links`` would record: the contact joining and, when it
            # takes the primary flag, the previous primary contact losing it.
            previous = primary_of.get(account.pk) if row["is_primary"] else None
            before = {previous.pk: person_line(previous, True)} if previous else {}
            after = {previous.pk: person_line(previous, False)} if previous else {}
            after[contact.pk] = person_line(contact, bool(row["is_primary"]))
            if row["is_primary"]:
                primary_of[account.pk] = contact
            changes = people_change(before, after)
            if changes and not account.is_trashed:
                entries.append(_audit(actor, AuditEvent.CHANGE, account, changes))
        changes = diff({}, new.snapshot)
        changes.update(_tag_changes(new.tags))
        entries.append(_audit(actor, AuditEvent.CREATE, contact, changes))
    AuditEntry.objects.bulk_create(entries)
    _index(accounts, contacts, phones, emails, [k for k in links if k.account.pk not in trashed])
    return entries


def _index(
    accounts: list[NewAccount],
    contacts: list[NewContact],
    phones: list[ContactPhone],
    emails: list[ContactEmail],
    links: list[AccountContact],
) -> None:
    """The search documents of the new records, from what was just written (in the
    order and with the flags ``contacts_for_index`` would read them; ``links`` to live
    accounts only)."""
    by_contact: dict[int, dict[str, list[Any]]] = {
        new.contact.pk: {"phones": [], "emails": [], "links": []} for new in contacts
    }
    points: tuple[tuple[str, list[Any]], ...] = (("phones", phones), ("emails", emails))
    for kind, rows in points:
        for point in sorted(rows, key=lambda p: (not p.is_primary, p.pk)):
            by_contact[point.contact_id][kind].append(point)
    for link in sorted(links, key=lambda k: (not k.is_current, not k.is_primary, k.pk)):
        by_contact[link.contact_id]["links"].append(link)
    # Tags by name as the database sorts them (its collation, not Python's order).
    tag_ids = {tag.pk for new in contacts for tag in new.tags}
    tag_ids |= {tag.pk for made in accounts for tag in made.tags}
    ordered = Tag.objects.filter(pk__in=tag_ids).order_by("name").values_list("pk", flat=True)
    rank = {pk: place for place, pk in enumerate(ordered)}
    for new in contacts:
        found = by_contact[new.contact.pk]
        contact = cast(Any, new.contact)
        contact.search_phones, contact.search_emails = found["phones"], found["emails"]
        contact.search_links = found["links"]
        contact.search_tags = sorted(new.tags, key=lambda t: rank[t.pk])
    for made in accounts:
        cast(Any, made.account).search_tags = sorted(made.tags, key=lambda t: rank[t.pk])
    index_objects(Account, [made.account for made in accounts])
    index_objects(Contact, [new.contact for new in contacts])


def _link_line(row: dict[str, Any]) -> str:
    """``account_links._link_line`` of a link as it was just after the contact was
    created (its primary flag before any later contact took it over)."""
    flags = [
        f for f, on in (("primary", row["is_primary"]), ("former", not row["is_current"])) if on
    ]
    role = f" - {row['role']}" if row["role"] else ""
    suffix = " ({})".format(", ".join(flags)) if flags else ""
    return f"{row['account']}{role}{suffix}"
