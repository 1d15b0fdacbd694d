"""Reads of customer records, always narrowed to what the user may see.

Each selector carries the ``select_related`` / ``prefetch_related`` its pages and
endpoints need, so a list costs the same number of queries however long it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from guanxi.core import custom_fields
from guanxi.core.access import can, get_for_or_404, is_permitted, restrict
from guanxi.core.models import Tag
from guanxi.core.search import matching_ids
from guanxi.customers.choices import (
    INVERSE_RELATION,
    AccountRelation,
    ActivityKind,
    Channel,
    ContactRelation,
    TaskStatus,
)
from guanxi.customers.models import (
    Account,
    AccountContact,
    Activity,
    Address,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomerTier,
    Relationship,
)
from guanxi.customers.object_types import ACCOUNT, ACTIVITY, CONTACT


def _primary_links() -> Prefetch:
    """Each account's live primary contact, with their phones and emails."""
    return Prefetch(
        "contact_links",
        queryset=AccountContact.objects.filter(
            is_primary=True, contact__deleted_at__isnull=True
        ).select_related("contact"),
        to_attr="primary_links",
    )


def accounts_visible_to(user: Any, action: str = "view") -> QuerySet[Account]:
    return (
        restrict(Account.objects.all(), user, action)
        .select_related("owner", "team", "tier", "parent")
        .prefetch_related(_primary_links(), "tags")
    )


def contacts_visible_to(user: Any, action: str = "view") -> QuerySet[Contact]:
    return (
        restrict(Contact.objects.all(), user, action)
        .select_related("owner", "team", "tier")
        .prefetch_related(
            "phones",
            "emails",
            "tags",
            Prefetch(
                "account_links",
                queryset=AccountContact.objects.filter(
                    account__deleted_at__isnull=True
                ).select_related("account"),
                to_attr="live_links",
            ),
        )
    )


# --- The list endpoints: one page of rows, then each child list in one query --------------
#
# A list page is read as plain rows (no model instances, no per-row prefetch objects):
# the page's SELECT with its owner, team, tier (and parent) joined, then one query per
# kind of child for the whole page. ``schemas.contact_list_item`` / ``account_list_item``
# shape them into exactly what ``ContactSchema`` / ``AccountSchema`` would give.

# A contact's own columns the list items show as they are (also written by the database
# on PostgreSQL, ``list_json``).
CONTACT_PLAIN_FIELDS = (
    "family_name",
    "given_name",
    "full_name",
    "name_pinyin",
    "name_initials",
    "title",
    "birthday",
    "gender",
    "preferred_language",
    "preferred_channel",
)
CONTACT_LIST_COLUMNS = (
    "pk",
    *CONTACT_PLAIN_FIELDS,
    "tier_id",
    "tier__code",
    "tier__name",
    "tier__rank",
    "tier__is_builtin",
    "owner_id",
    "owner__full_name",
    "team_id",
    "team__name",
    "description",
    "custom_fields",
    "created_at",
    "updated_at",
)

ACCOUNT_LIST_COLUMNS = (
    "pk",
    "name",
    "name_pinyin",
    "name_initials",
    "parent_id",
    "parent__name",
    "parent__deleted_at",
    "industry",
    "size",
    "website",
    "tier_id",
    "tier__code",
    "tier__name",
    "tier__rank",
    "tier__is_builtin",
    "country",
    "province",
    "city",
    "owner_id",
    "owner__full_name",
    "team_id",
    "team__name",
    "description",
    "custom_fields",
    "created_at",
    "updated_at",
)


@dataclass
class ListChildren:
    """The child lists of one page, by record id (missing id: empty list)."""

    tags: dict[int, list[str]]
    phones: dict[int, list[tuple[str, str, bool]]] | None = None
    emails: dict[int, list[tuple[str, str, bool]]] | None = None
    links: dict[int, list[tuple[int, str, str, bool, bool]]] | None = None
    primary_contact: dict[int, int] | None = None


# The child lists of a page come in ONE round trip: a hand-written ``UNION ALL`` of one
# SELECT per kind of child (portable SQL for SQLite and PostgreSQL), each row tagged with
# its kind and the record it belongs to, ordered as the detail schemas show the lists.
# Table and column names come from the models' metadata (built once) and the ids are
# parameters, so nothing is compiled per request. The first SELECT of each union has a
# typed value in every column; the NULLs of the others take its types.


def _sql_names(model: type[Model], *fields: str) -> list[str]:
    """The quoted table of ``model``, then the quoted columns of ``fields``."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
    return [quote(meta.db_table)] + [quote(str(column)) for column in columns]


def _tags_select(model: type[Account | Contact], kind: int, columns: str) -> str:
    """``kind, record id, <columns>`` per tag of the page's records; ``{name}`` in
    ``columns`` stands for the tag's name."""
    owner_field = str(model._meta.model_name)  # the through model's FK to ``model``
    link, owner, tag_id = _sql_names(model.tags.through, owner_field, "tag")
    tag, tag_pk, name = _sql_names(Tag, "id", "name")
    return (
        f"SELECT {kind}, {link}.{owner}, {columns.format(name=f'{tag}.{name}')} "  # noqa: S608 - names from model metadata, ids as parameters
        f"FROM {link} INNER JOIN {tag} ON {tag}.{tag_pk} = {link}.{tag_id} "
        f"WHERE {link}.{owner} {{in_ids}}"
    )


@cache
def _contact_children_sql() -> str:
    """Kind, contact id, is_primary, is_current, text, text, account id, row id:
    0 live account links, 1 phones, 2 emails, 3 tags (is_primary, kind, value and
    the row id for phones and emails; the tag's name for tags)."""
    link, link_pk, link_contact, link_account, role, primary, current = _sql_names(
        AccountContact, "id", "contact", "account", "role", "is_primary", "is_current"
    )
    account, account_pk, account_name, account_deleted = _sql_names(
        Account, "id", "name", "deleted_at"
    )
    parts = [
        f"SELECT 0, {link}.{link_contact}, {link}.{primary}, {link}.{current}, "  # noqa: S608 - names from model metadata, ids as parameters
        f"{account}.{account_name}, {link}.{role}, {link}.{link_account}, {link}.{link_pk} "
        f"FROM {link} INNER JOIN {account} ON {account}.{account_pk} = {link}.{link_account} "
        f"WHERE {link}.{link_contact} {{in_ids}} AND {account}.{account_deleted} IS NULL"
    ]
    for kind, model in ((1, ContactPhone), (2, ContactEmail)):
        table, pk, contact, point_kind, value, is_primary = _sql_names(
            model, "id", "contact", "kind", "value", "is_primary"
        )
        parts.append(
            f"SELECT {kind}, {table}.{contact}, {table}.{is_primary}, NULL, "  # noqa: S608 - names from model metadata, ids as parameters
            f"{table}.{point_kind}, {table}.{value}, NULL, {table}.{pk} "
            f"FROM {table} WHERE {table}.{contact} {{in_ids}}"
        )
    parts.append(_tags_select(Contact, 3, "NULL, NULL, {name}, NULL, NULL, NULL"))
    # Each list as its model orders it (primary first, then current, then by id; tags
    # by name, as ``order_by("tag__name")``).
    return " UNION ALL ".join(parts) + " ORDER BY 1, 2, 3 DESC, 4 DESC, 8, 5"


@cache
def _account_children_sql() -> str:
    """Kind, account id, contact id, text, row id: 0 the live primary contact (at most
    one per account; ``%s`` is True), 1 tags (the tag's name)."""
    link, link_pk, link_account, link_contact, primary = _sql_names(
        AccountContact, "id", "account", "contact", "is_primary"
    )
    contact, contact_pk, contact_deleted = _sql_names(Contact, "id", "deleted_at")
    parts = [
        f"SELECT 0, {link}.{link_account}, {link}.{link_contact}, NULL, {link}.{link_pk} "  # noqa: S608 - names from model metadata, ids as parameters
        f"FROM {link} INNER JOIN {contact} ON {contact}.{contact_pk} = {link}.{link_contact} "
        f"WHERE {link}.{link_account} {{in_ids}} AND {link}.{primary} = %s "
        f"AND {contact}.{contact_deleted} IS NULL",
        _tags_select(Account, 1, "NULL, {name}, NULL"),
    ]
    return " UNION ALL ".join(parts) + " ORDER BY 1, 2, 5, 4"


def _fetch(sql: str, ids: list[int], between: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one of the unions above for the page's ``ids`` (``between``: the parameters
    following the first id list). PostgreSQL takes the ids as one array parameter
    (``= ANY(%s)``), which keeps the statement short and its parameters few enough for
    psycopg to cache how it binds them; other databases get an ``IN`` list."""
    count = sql.count("{in_ids}")
    values: list[Any]
    if connection.vendor == "postgresql":
        in_ids, values = "= ANY(%s)", [ids]
    else:
        in_ids, values = f"IN ({', '.join(['%s'] * len(ids))})", ids
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{in_ids}", in_ids), [*values, *between, *values * (count - 1)])
        return cursor.fetchall()


def _lean(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset`` without joins or prefetches (a list page reads its rows itself)."""
    if queryset.query.select_related:
        queryset = queryset.select_related(None)
    if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        queryset = queryset.prefetch_related(None)
    return queryset


def contacts_for_list(user: Any) -> QuerySet[Contact]:
    """``contacts_visible_to`` for a list page: the same records, without the related
    rows and prefetches a page of model instances needs (``contact_list_rows`` and
    ``contact_list_children`` read those themselves), so there is less to build."""
    return restrict(Contact.objects.all(), user, "view")


def contact_list_rows(queryset: QuerySet[Contact]) -> QuerySet[Contact, Any]:
    """A (visible, filtered) contacts queryset as plain named rows for a list page."""
    return _lean(queryset).values_list(*CONTACT_LIST_COLUMNS, named=True)


def contact_list_children(rows: list[Any]) -> ListChildren:
    """Phones, emails, tags and live account links of a page of contact rows, in one
    query (none for an empty page), in the order the detail schema shows them."""
    ids = [row.pk for row in rows]
    phones: dict[int, list[tuple[str, str, bool]]] = {}
    emails: dict[int, list[tuple[str, str, bool]]] = {}
    links: dict[int, list[tuple[int, str, str, bool, bool]]] = {}
    tags: dict[int, list[str]] = {}
    if ids:
        points = (None, phones, emails)
        for kind, pk, primary, current, text, value, account_id, _id in _fetch(
            _contact_children_sql(), ids
        ):
            if kind == 3:
                tags.setdefault(pk, []).append(text)
            elif kind == 0:
                links.setdefault(pk, []).append(
                    (account_id, text, value, bool(primary), bool(current))
                )
            else:
                points[kind].setdefault(pk, []).append((text, value, bool(primary)))  # type: ignore[union-attr]
    return ListChildren(tags=tags, phones=phones, emails=emails, links=links)


def accounts_for_list(user: Any) -> QuerySet[Account]:
    """``accounts_visible_to`` for a list page (see ``contacts_for_list``)."""
    return restrict(Account.objects.all(), user, "view")


def account_list_rows(queryset: QuerySet[Account]) -> QuerySet[Account, Any]:
    """A (visible, filtered) accounts queryset as plain named rows for a list page."""
    return _lean(queryset).values_list(*ACCOUNT_LIST_COLUMNS, named=True)


def account_list_children(rows: list[Any]) -> ListChildren:
    """Tags and the live primary contact of a page of account rows, in one query (none
    for an empty page)."""
    ids = [row.pk for row in rows]
    tags: dict[int, list[str]] = {}
    primary: dict[int, int] = {}
    if ids:
        for kind, pk, contact_id, name, _id in _fetch(_account_children_sql(), ids, (True,)):
            if kind == 0:
                primary[pk] = contact_id
            else:
                tags.setdefault(pk, []).append(name)
    return ListChildren(tags=tags, primary_contact=primary)


def get_account_for(user: Any, pk: Any, action: str = "view") -> Account:
    """The account if the user may ``action`` it; 404 for missing and forbidden alike."""
    return get_for_or_404(accounts_visible_to(user, action), user, pk, action)


def get_contact_for(user: Any, pk: Any, action: str = "view") -> Contact:
    """The contact if the user may ``action`` it; 404 for missing and forbidden alike."""
    return get_for_or_404(contacts_visible_to(user, action), user, pk, action)


def active_tiers() -> QuerySet[CustomerTier]:
    return CustomerTier.objects.filter(is_active=True)


def search_accounts(queryset: QuerySet[Account], text: str) -> QuerySet[Account]:
    """Accounts whose search document mentions ``text``: name, pinyin (with or without
    spaces), initials, name without its legal suffix, website, places, tags, custom
    fields (see ``customers.search``), through the trigram index."""
    ids = matching_ids(ACCOUNT, text)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def search_contacts(queryset: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    """Contacts whose search document mentions ``text``: name, pinyin, initials, every
    email and phone (the last digits too), accounts, tags, custom fields."""
    ids = matching_ids(CONTACT, text)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def records_for_bulk(
    user: Any, model: type[Account | Contact], ids: Iterable[Any], action: str
) -> list[Any]:
    """Every record of ``ids`` the user may ``action``, in id order; 404 if any id is
    missing or forbidden, so a forged id stops the whole bulk action."""
    try:
        wanted = {int(pk) for pk in ids}
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    visible = accounts_visible_to if model is Account else contacts_visible_to
    records = list(visible(user, action).filter(pk__in=wanted).order_by("pk"))
    if len(records) != len(wanted):
        raise Http404
    return records


def _with_tags(queryset: QuerySet[Any], tags: Iterable[str]) -> QuerySet[Any]:
    """Records carrying every one of the tag names (case-insensitive)."""
    through = queryset.model.tags.through
    column = f"{queryset.model._meta.model_name}_id"
    for name in {" ".join(str(t).split()).lower() for t in tags} - {""}:
        queryset = queryset.filter(
            pk__in=through.objects.filter(tag__name__iexact=name).values(column)
        )
    return queryset


def filter_accounts(
    queryset: QuerySet[Account],
    *,
    owner_id: Any = None,
    tier: str = "",
    province: str = "",
    industry: str = "",
    tags: Iterable[str] = (),
    custom: Mapping[str, Any] | None = None,
) -> QuerySet[Account]:
    """Narrow a list by owner, tier, province, industry, tags (all of them) and custom
    fields (``cf_<key>`` entries of ``custom``; a bad value raises ValidationError)."""
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if tier:
        queryset = queryset.filter(tier__code=tier)
    if province:
        queryset = queryset.filter(province=province)
    if industry:
        queryset = queryset.filter(industry=industry)
    queryset = _with_tags(queryset, tags)
    if custom:
        queryset = custom_fields.filter_queryset(queryset, ACCOUNT, custom)
    return queryset


def filter_contacts(
    queryset: QuerySet[Contact],
    *,
    owner_id: Any = None,
    tier: str = "",
    province: str = "",
    account_id: Any = None,
    tags: Iterable[str] = (),
    custom: Mapping[str, Any] | None = None,
) -> QuerySet[Contact]:
    """Narrow a list by owner, tier, province, account, tags (all of them) and custom
    fields (``cf_<key>`` entries of ``custom``; a bad value raises ValidationError)."""
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if tier:
        queryset = queryset.filter(tier__code=tier)
    if province:
        queryset = queryset.filter(
            pk__in=Address.objects.filter(province=province).values("contact_id")
        )
    if account_id:
        queryset = queryset.filter(
            pk__in=AccountContact.objects.filter(account_id=account_id).values("contact_id")
        )
    queryset = _with_tags(queryset, tags)
    if custom:
        queryset = custom_fields.filter_queryset(queryset, CONTACT, custom)
    return queryset


def primary_contact_of(account: Account) -> Contact | None:
    """The account's one named person (from the selector's prefetch when present)."""
    links = getattr(account, "primary_links", None)
    if links is None:
        links = list(
            AccountContact.objects.filter(
                account=account, is_primary=True, contact__deleted_at__isnull=True
            ).select_related("contact")
        )
    return links[0].contact if links else None


def account_contacts(user: Any, account: Account) -> QuerySet[AccountContact]:
    """The account's people the user may see: current first, primary on top."""
    visible = restrict(Contact.objects.all(), user, "view").values("pk")
    return (
        AccountContact.objects.filter(account=account, contact__in=visible)
        .select_related("contact")
        .prefetch_related("contact__phones", "contact__emails")
        .order_by("-is_primary", "-is_current", "contact__name_pinyin", "pk")
    )


def subsidiaries_of(user: Any, account: Account) -> QuerySet[Account]:
    return accounts_visible_to(user).filter(parent=account)


def current_consents(contact: Contact) -> dict[str, Consent | None]:
    """The latest consent per channel (None where nothing was ever recorded)."""
    current: dict[str, Consent | None] = dict.fromkeys(Channel.values)
    for consent in Consent.objects.filter(contact=contact).select_related("recorded_by"):
        if current[consent.channel] is None:  # rows come newest first
            current[consent.channel] = consent
    return current


def consents_of(contact: Contact) -> QuerySet[Consent]:
    """Every consent decision of the contact, newest first."""
    return Consent.objects.filter(contact=contact).select_related("recorded_by")


def account_choices(user: Any, action: str = "view") -> QuerySet[Account]:
    """Accounts for a form's drop-down: only what the user may see, names only."""
    return (
        restrict(Account.objects.all(), user, action)
        .only("pk", "name")
        .order_by("name_pinyin", "pk")
    )


# --- Activities and the timeline -------------------------------------------------------


def activities_visible_to(user: Any, action: str = "view") -> QuerySet[Activity]:
    """Activities the user may ``action`` through the activity grants (lists, My day)."""
    return restrict(Activity.objects.all(), user, action).select_related(
        "owner", "assignee", "team"
    )


def get_activity_for(user: Any, pk: Any, action: str = "view") -> Activity:
    """An activity the user may ``action``; 404 otherwise.

    Anyone who may see a customer it concerns may read it (the customer's timeline
    shows it to them). The assignee of a task or meeting may read it, and change it
    (mark it done, move it) if their role changes activities at all, whoever owns it;
    anything else needs the activity grant for that record."""
    try:
        activity = Activity.objects.select_related("owner", "assignee", "team").get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    assigned = activity.assignee_id is not None and activity.assignee_id == getattr(user, "pk", 0)
    if assigned and (action == "view" or (action == "change" and can(user, ACTIVITY, action))):
        return activity
    if is_permitted(user, activity, action):
        return activity
    if action == "view" and _concerns_visible_customer(user, activity):
        return activity
    raise Http404


def _concerns_visible_customer(user: Any, activity: Activity) -> bool:
    accounts = restrict(Account.objects.all(), user).filter(activities=activity)
    contacts = restrict(Contact.objects.all(), user).filter(activities=activity)
    return accounts.exists() or contacts.exists()


def activities_about(subject: Account | Contact) -> QuerySet[Activity]:
    """Every live activity on a customer: for an account, also those on its contacts."""
    if isinstance(subject, Account):
        on_account = Activity.accounts.through.objects.filter(account=subject)
        contact_ids = AccountContact.objects.filter(account=subject).values("contact_id")
        on_contacts = Activity.contacts.through.objects.filter(contact_id__in=contact_ids)
        return Activity.objects.filter(
            Q(pk__in=on_account.values("activity_id")) | Q(pk__in=on_contacts.values("activity_id"))
        )
    on_contact = Activity.contacts.through.objects.filter(contact=subject)
    return Activity.objects.filter(pk__in=on_contact.values("activity_id"))


def agenda_of(user: Any, day: date, tz: Any) -> dict[str, list[Activity]]:
    """My day: open tasks due today or overdue, and today's meetings, for ``user``."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = start + timedelta(days=1)
    mine = (
        Activity.objects.filter(Q(assignee=user) | Q(assignee__isnull=True, owner=user))
        .select_related("owner", "assignee")
        .prefetch_related("accounts", "contacts")
    )
    tasks = mine.filter(kind=ActivityKind.TASK, status=TaskStatus.OPEN)
    return {
        "overdue": list(tasks.filter(at__lt=start).order_by("at", "pk")),
        "today": list(tasks.filter(at__gte=start, at__lt=end).order_by("at", "pk")),
        "meetings": list(
            mine.filter(kind=ActivityKind.MEETING, at__gte=start, at__lt=end)
            .exclude(status=TaskStatus.CANCELLED)
            .order_by("at", "pk")
        ),
    }


def calendar_of(viewer: Any, users: Any, start: datetime, end: datetime) -> QuerySet[Activity]:
    """Meetings and tasks of some users between two instants, for ``viewer``'s calendar:
    their own (owned or assigned to them) and, of the others, only what their activity
    grant lets them see — a teammate's calendar shows no more than their records do."""
    own = Q(assignee=viewer) | Q(assignee__isnull=True, owner=viewer)
    visible = own | Q(pk__in=restrict(Activity.objects.all(), viewer).values("pk"))
    return (
        Activity.objects.filter(
            visible,
            Q(assignee__in=users) | Q(assignee__isnull=True, owner__in=users),
            kind__in=[ActivityKind.MEETING, ActivityKind.TASK],
            at__gte=start,
            at__lt=end,
        )
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("owner", "assignee")
        .order_by("at", "pk")
    )


# --- Relationships -----------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """One line of a record's relationships, read from that record's side."""

    label: str
    other: Any  # an Account or a Contact
    note: str = ""
    relationship: Relationship | None = None  # None: who-works-where and group links


def relationships_of(user: Any, subject: Account | Contact) -> list[Related]:
    """Every relationship of a record with records the user may see, both directions,
    including group/subsidiary and who works (or worked) where."""
    rows: list[Related] = []
    labels = dict(ContactRelation.choices) | dict(AccountRelation.choices)
    if isinstance(subject, Account):
        visible_accounts = restrict(Account.objects.all(), user)
        visible_contacts = restrict(Contact.objects.all(), user)
        if subject.parent_id and visible_accounts.filter(pk=subject.parent_id).exists():
            rows.append(Related(str(_("is a subsidiary of")), subject.parent))
        for child in visible_accounts.filter(parent=subject):
            rows.append(Related(str(_("is the parent of")), child))
        links = AccountContact.objects.filter(
            account=subject, contact__in=visible_contacts
        ).select_related("contact")
        for link in links:
            label = _("employs") if link.is_current else _("formerly employed")
            rows.append(Related(str(label), link.contact, link.role))
        outgoing = Relationship.objects.filter(
            from_account=subject, to_account__in=visible_accounts
        ).select_related("to_account")
        incoming = Relationship.objects.filter(
            to_account=subject, from_account__in=visible_accounts
        ).select_related("from_account")
        rows += [Related(str(labels[r.kind]), r.to_account, r.note, r) for r in outgoing]
        rows += [
            Related(str(INVERSE_RELATION[r.kind]), r.from_account, r.note, r) for r in incoming
        ]
        return rows
    visible_accounts = restrict(Account.objects.all(), user)
    visible_contacts = restrict(Contact.objects.all(), user)
    links = AccountContact.objects.filter(
        contact=subject, account__in=visible_accounts
    ).select_related("account")
    for link in links:
        label = _("works at") if link.is_current else _("formerly worked at")
        rows.append(Related(str(label), link.account, link.role))
    outgoing = Relationship.objects.filter(
        from_contact=subject, to_contact__in=visible_contacts
    ).select_related("to_contact")
    incoming = Relationship.objects.filter(
        to_contact=subject, from_contact__in=visible_contacts
    ).select_related("from_contact")
    rows += [Related(str(labels[r.kind]), r.to_contact, r.note, r) for r in outgoing]
    rows += [Related(str(INVERSE_RELATION[r.kind]), r.from_contact, r.note, r) for r in incoming]
    return rows


def get_relationship_for(user: Any, pk: Any) -> Relationship:
    """A relationship one of whose ends the user may change (either side may correct
    it); 404 otherwise."""
    relationship = (
        Relationship.objects.select_related(
            "from_contact", "to_contact", "from_account", "to_account"
        )
        .filter(pk=pk)
        .first()
    )
    if relationship is None:
        raise Http404
    ends = [
        relationship.from_contact or relationship.from_account,
        relationship.to_contact or relationship.to_account,
    ]
    if not any(end is not None and is_permitted(user, end, "change") for end in ends):
        raise Http404
    return relationship
