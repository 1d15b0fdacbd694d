"""API endpoints for accounts, contacts, their consents and the customer tiers."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.renderers import JSONRenderer
from pydantic import Field

from guanxi.core.access import require
from guanxi.core.custom_fields import PREFIX
from guanxi.core.models import Team, User
from guanxi.customers import list_json
from guanxi.customers.duplicates import ACCOUNTS, possible_duplicates
from guanxi.customers.models import Account, Contact, CustomerTier
from guanxi.customers.object_types import ACCOUNT, CONTACT, TIER
from guanxi.customers.schemas import (
    AccountDetailSchema,
    AccountIn,
    AccountPage,
    AccountPatchIn,
    BulkIn,
    BulkOut,
    ConsentIn,
    ConsentSchema,
    ConsentsOut,
    ContactDetailSchema,
    ContactIn,
    ContactPage,
    ContactPatchIn,
    TierSchema,
    account_list_items,
    contact_list_items,
)
from guanxi.customers.selectors import (
    account_choices,
    account_list_children,
    account_list_rows,
    accounts_for_list,
    active_tiers,
    consents_of,
    contact_list_children,
    contact_list_rows,
    contacts_for_list,
    current_consents,
    filter_accounts,
    filter_contacts,
    get_account_for,
    get_contact_for,
    records_for_bulk,
    search_accounts,
    search_contacts,
)
from guanxi.customers.services import accounts as account_services
from guanxi.customers.services import contacts as contact_services
from guanxi.customers.services.bulk import bulk_change
from guanxi.integrations.api.duplicates import (
    CONFIRM_DESCRIPTION,
    DuplicateWarningSchema,
    ErrorItemSchema,
    duplicate_conflict,
)
from guanxi.integrations.api.errors import error_body
from guanxi.integrations.api.pagination import keyset_page, keyset_window, next_cursor_after

router = Router(tags=["customers"])

SORTS = ("pk", "name_pinyin", "created_at", "updated_at")
# What a bulk action needs on every record it touches.
RENDERER = JSONRenderer()  # the NinjaAPI's default renderer (integrations.api.assembly)
BULK_NEEDS = {"assign": "change", "tag": "change", "untag": "change", "delete": "delete"}


def _resolve(data: dict[str, Any], user: Any) -> dict[str, Any]:
    """Turn the ids and codes of a request body into records, naming any bad field."""
    errors: dict[str, str] = {}
    if "owner" in data:
        owner = User.objects.filter(pk=data["owner"]).first() if data["owner"] else None
        if owner is None:
            errors["owner"] = _("No such user.") if data["owner"] else _("Choose an owner.")
        data["owner"] = owner
    if "team" in data and data["team"] is not None:
        data["team"] = Team.objects.filter(pk=data["team"]).first()
        if data["team"] is None:
            errors["team"] = _("No such team.")
    if "tier" in data and data["tier"] is not None:
        data["tier"] = CustomerTier.objects.filter(code=data["tier"]).first()
        if data["tier"] is None:
            errors["tier"] = _("No such tier.")
    if "parent" in data and data["parent"] is not None:
        data["parent"] = account_choices(user).filter(pk=data["parent"]).first()
        if data["parent"] is None:
            errors["parent"] = _("No such account.")
    for index, row in enumerate(data.get("accounts") or []):
        row["account"] = account_choices(user).filter(pk=row["account"]).first()
        if row["account"] is None:
            errors[f"accounts.{index}.account"] = _("No such account.")
    if errors:
        raise ValidationError(errors)
    return data


def _custom_filters(request: HttpRequest) -> dict[str, str]:
    """``cf_<key>`` query parameters (custom fields come and go, so they are not declared)."""
    return {key: str(value) for key, value in request.GET.items() if key.startswith(PREFIX)}


def _bulk(request: HttpRequest, object_type: str, model: Any, payload: BulkIn) -> dict[str, int]:
    needed = BULK_NEEDS[payload.action]
    require(request.user, object_type, needed)
    if payload.action == "assign":
        require(request.user, object_type, "assign")
    owner = None
    if payload.action == "assign":
        owner = User.objects.filter(pk=payload.owner_id).first() if payload.owner_id else None
        if owner is None:
            raise ValidationError({"owner_id": _("No such user.")})
    records = records_for_bulk(request.user, model, payload.ids, needed)
    changed = bulk_change(
        actor=request.user,
        records=records,
        action=payload.action,
        owner=owner,
        tag=payload.tag or "",
    )
    return {"changed": changed}


def _page_response(request: HttpRequest, items: list[Any], next_cursor: str | None) -> Any:
    """A list page already in its schema's dumped form (``schemas.*_list_items``),
    rendered as the API renders any response (its default JSON renderer): the same bytes
    as going through the declared response schema, without validating every nested
    object again."""
    content = RENDERER.render(
        request, {"items": items, "next_cursor": next_cursor}, response_status=200
    )
    return HttpResponse(content, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}")


def _json_page(kind: str, queryset: Any, cursor: str | None, limit: int, sort: str) -> HttpResponse:
    """A list page written by the database (``list_json``): the items' JSON joined, in
    the layout the API's JSON renderer gives ``{"items": [...], "next_cursor": ...}``."""
    window, field, descending = keyset_window(
        queryset, cursor=cursor, limit=limit, sort=sort.replace("id", "pk"), allowed=SORTS
    )
    rows = list_json.page_items(kind, window, field, descending)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        pk, value, _item = rows[-1]
        next_cursor = next_cursor_after(value, pk)
    content = "".join(
        [
            '{"items": [',
            ", ".join(row[2] for row in rows),
            '], "next_cursor": ',
            json.dumps(next_cursor),
            "}",
        ]
    )
    return HttpResponse(
        content.encode(), content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}"
    )


def _create_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """Fields left out of a create body take the service's defaults."""
    if data.get("owner") is None:
        data.pop("owner", None)
    if data.get("team") is None:
        data.pop("team", None)
    return data


@router.get("/tiers", response=list[TierSchema], summary="Customer tiers in use")
def list_tiers(request: HttpRequest) -> Any:
    require(request.user, TIER, "view")
    return list(active_tiers())


@router.get("/accounts", response=AccountPage, summary="List accounts")
def list_accounts(
    request: HttpRequest,
    q: str = "",
    owner_id: int | None = None,
    tier: str = "",
    province: str = "",
    industry: str = "",
    tag: list[str] = Query([], description="Repeat for records with all these tags"),  # noqa: B008
    sort: str = "name_pinyin",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """Custom fields filter as ``cf_<key>=value`` query parameters."""
    require(request.user, ACCOUNT, "view")
    queryset = filter_accounts(
        accounts_for_list(request.user),
        owner_id=owner_id,
        tier=tier,
        province=province,
        industry=industry,
        tags=tag,
        custom=_custom_filters(request),
    )
    queryset = search_accounts(queryset, q)
    if list_json.available():
        return _json_page("accounts", queryset, cursor, limit, sort)
    rows, next_cursor = keyset_page(
        account_list_rows(queryset),
        cursor=cursor,
        limit=limit,
        sort=sort.replace("id", "pk"),
        allowed=SORTS,
    )
    items = account_list_items(rows, account_list_children(rows))
    return _page_response(request, items, next_cursor)


@router.post(
    "/accounts/bulk",
    response=BulkOut,
    summary="Assign, tag, untag or trash many accounts at once (all or nothing)",
)
def bulk_accounts(request: HttpRequest, payload: BulkIn) -> Any:
    return _bulk(request, ACCOUNT, Account, payload)


@router.get("/accounts/{account_id}", response=AccountDetailSchema, summary="One account")
def get_account(request: HttpRequest, account_id: int) -> Any:
    require(request.user, ACCOUNT, "view")
    return get_account_for(request.user, account_id)


ACCOUNT_CONFIRM_DESCRIPTION = (
    "Create the account even when it looks like an existing one (otherwise such a request "
    "answers 409 with the candidates)."
)


class AccountCandidateSchema(Schema):
    account_id: int
    name: str
    url: str = Field(description="The account's page in the web interface")
    score: float = Field(description="0–1; 1 is certainly the same company")
    reasons: list[str]


class AccountDuplicateWarningSchema(Schema):
    errors: list[ErrorItemSchema]
    candidates: list[AccountCandidateSchema] = Field(
        description="Existing accounts, best match first"
    )


def _account_conflict(user: Any, fields: dict[str, Any]) -> Status | None:
    """``Status(409, …)`` when the account about to be created looks like one the user
    can see (by the matching rules in use); ``None`` when it does not."""
    found = possible_duplicates(user, fields, kind=ACCOUNTS)
    if not found:
        return None
    message = _(
        "This looks like an account that already exists. Send the request again with "
        "?confirm_duplicate=true to create it anyway."
    )
    candidates = [
        {
            "account_id": match.account.pk,
            "name": match.name,
            "url": match.url,
            "score": round(float(match.score), 4),
            "reasons": list(match.reasons),
        }
        for match in found
    ]
    return Status(409, {**error_body(message, code="possible_duplicate"), "candidates": candidates})


@router.post(
    "/accounts",
    response={201: AccountDetailSchema, 409: AccountDuplicateWarningSchema},
    summary="Create an account",
)
def create_account(
    request: HttpRequest,
    payload: AccountIn,
    confirm_duplicate: bool = Query(False, description=ACCOUNT_CONFIRM_DESCRIPTION),
) -> Any:
    """Answers **409 Conflict** with the existing accounts it looks like (same name
    without the legal form such as 有限公司 or Co., Ltd., a similar name, the same
    website domain: each with its score and reasons, by the matching rules in use) and
    creates nothing, unless ``confirm_duplicate=true``. Only accounts the caller may see
    are candidates."""
    require(request.user, ACCOUNT, "add")
    data = _resolve(_create_kwargs(payload.dict()), request.user)
    if not confirm_duplicate and (conflict := _account_conflict(request.user, data)):
        return conflict
    account = account_services.create_account(actor=request.user, **data)
    return Status(201, get_account_for(request.user, account.pk))


@router.patch("/accounts/{account_id}", response=AccountDetailSchema, summary="Change an account")
def patch_account(request: HttpRequest, account_id: int, payload: AccountPatchIn) -> Any:
    require(request.user, ACCOUNT, "change")
    account = get_account_for(request.user, account_id, "change")
    data = _resolve(payload.dict(exclude_unset=True), request.user)
    account_services.update_account(actor=request.user, account=account, **data)
    return get_account_for(request.user, account.pk)


@router.delete("/accounts/{account_id}", response={204: None}, summary="Move to the trash")
def delete_account(request: HttpRequest, account_id: int) -> Any:
    require(request.user, ACCOUNT, "delete")
    account = get_account_for(request.user, account_id, "delete")
    account_services.delete_account(actor=request.user, account=account)
    return Status(204, None)


@router.get("/contacts", response=ContactPage, summary="List contacts")
def list_contacts(
    request: HttpRequest,
    q: str = "",
    owner_id: int | None = None,
    tier: str = "",
    province: str = "",
    account_id: int | None = None,
    tag: list[str] = Query([], description="Repeat for records with all these tags"),  # noqa: B008
    sort: str = "name_pinyin",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """Custom fields filter as ``cf_<key>=value`` query parameters."""
    require(request.user, CONTACT, "view")
    queryset = filter_contacts(
        contacts_for_list(request.user),
        owner_id=owner_id,
        tier=tier,
        province=province,
        account_id=account_id,
        tags=tag,
        custom=_custom_filters(request),
    )
    queryset = search_contacts(queryset, q)
    if list_json.available():
        return _json_page("contacts", queryset, cursor, limit, sort)
    rows, next_cursor = keyset_page(
        contact_list_rows(queryset),
        cursor=cursor,
        limit=limit,
        sort=sort.replace("id", "pk"),
        allowed=SORTS,
    )
    items = contact_list_items(rows, contact_list_children(rows))
    return _page_response(request, items, next_cursor)


@router.post(
    "/contacts/bulk",
    response=BulkOut,
    summary="Assign, tag, untag or trash many contacts at once (all or nothing)",
)
def bulk_contacts(request: HttpRequest, payload: BulkIn) -> Any:
    return _bulk(request, CONTACT, Contact, payload)


@router.get("/contacts/{contact_id}", response=ContactDetailSchema, summary="One contact")
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    require(request.user, CONTACT, "view")
    return get_contact_for(request.user, contact_id)


@router.post(
    "/contacts",
    response={201: ContactDetailSchema, 409: DuplicateWarningSchema},
    summary="Create a contact with phones, emails, addresses and accounts",
)
def create_contact(
    request: HttpRequest,
    payload: ContactIn,
    confirm_duplicate: bool = Query(False, description=CONFIRM_DESCRIPTION),
) -> Any:
    """Answers 409 with the existing contacts it looks like (score and reasons) unless
    ``confirm_duplicate=true``."""
    require(request.user, CONTACT, "add")
    data = _resolve(_create_kwargs(payload.dict()), request.user)
    if not confirm_duplicate and (conflict := duplicate_conflict(request.user, data)):
        return conflict
    contact = contact_services.create_contact(actor=request.user, **data)
    return Status(201, get_contact_for(request.user, contact.pk))


@router.patch(
    "/contacts/{contact_id}",
    response=ContactDetailSchema,
    summary="Change a contact (lists given replace the whole list)",
)
def patch_contact(request: HttpRequest, contact_id: int, payload: ContactPatchIn) -> Any:
    require(request.user, CONTACT, "change")
    contact = get_contact_for(request.user, contact_id, "change")
    data = _resolve(payload.dict(exclude_unset=True), request.user)
    contact_services.update_contact(actor=request.user, contact=contact, **data)
    return get_contact_for(request.user, contact.pk)


@router.delete("/contacts/{contact_id}", response={204: None}, summary="Move to the trash")
def delete_contact(request: HttpRequest, contact_id: int) -> Any:
    require(request.user, CONTACT, "delete")
    contact = get_contact_for(request.user, contact_id, "delete")
    contact_services.delete_contact(actor=request.user, contact=contact)
    return Status(204, None)


@router.get("/contacts/{contact_id}/consents", response=ConsentsOut, summary="A contact's consents")
def list_consents(request: HttpRequest, contact_id: int) -> Any:
    require(request.user, CONTACT, "view")
    contact = get_contact_for(request.user, contact_id)
    current = [c for c in current_consents(contact).values() if c is not None]
    return {"current": current, "history": list(consents_of(contact))}


@router.post(
    "/contacts/{contact_id}/consents",
    response={201: ConsentSchema},
    summary="Record a consent decision for one channel",
)
def create_consent(request: HttpRequest, contact_id: int, payload: ConsentIn) -> Any:
    require(request.user, CONTACT, "change")
    contact = get_contact_for(request.user, contact_id, "change")
    consent = contact_services.record_consent(actor=request.user, contact=contact, **payload.dict())
    return Status(201, consent)
