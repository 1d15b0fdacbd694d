"""API endpoints for activities, customer timelines and My day."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from guanxi.core.access import can, require
from guanxi.core.models import Team, User
from guanxi.customers.models import Activity
from guanxi.customers.object_types import ACTIVITY
from guanxi.customers.schemas_activities import (
    ActivityIn,
    ActivityPage,
    ActivityPatchIn,
    ActivitySchema,
    AgendaSchema,
    TimelinePage,
)
from guanxi.customers.selectors import (
    accounts_visible_to,
    activities_visible_to,
    agenda_of,
    contacts_visible_to,
    get_account_for,
    get_activity_for,
    get_contact_for,
)
from guanxi.customers.services import activities as services
from guanxi.customers.timeline import timeline_page
from guanxi.integrations.api.pagination import MAX_LIMIT, keyset_page

router = Router(tags=["activities"])


def _require(user: Any, action: str) -> None:
    require(user, ACTIVITY, action)


def _resolve(data: dict[str, Any], user: Any) -> dict[str, Any]:
    """Ids in the body to records, naming the field of any that is unknown or unseen."""
    errors: dict[str, list[str]] = {}
    if "account_ids" in data:
        ids = data.pop("account_ids")
        if ids is not None:
            found = list(accounts_visible_to(user).filter(pk__in=ids))
            if len(found) != len(set(ids)):
                errors["account_ids"] = [_("Some of these accounts do not exist.")]
            data["accounts"] = found
    if "contact_ids" in data:
        ids = data.pop("contact_ids")
        if ids is not None:
            found = list(contacts_visible_to(user).filter(pk__in=ids))
            if len(found) != len(set(ids)):
                errors["contact_ids"] = [_("Some of these contacts do not exist.")]
            data["contacts"] = found
    for field, model in (("assignee_id", User), ("owner_id", User), ("team_id", Team)):
        if field in data:
            pk = data.pop(field)
            record = model._default_manager.filter(pk=pk).first() if pk is not None else None
            if pk is not None and record is None:
                errors[field] = [_("This does not exist.")]
            data[field.removesuffix("_id")] = record
    if errors:
        raise ValidationError(errors)
    return data


def _fresh(activity: Activity) -> Activity:
    return Activity.objects.prefetch_related("accounts", "contacts").get(pk=activity.pk)


@router.get("/activities", response=ActivityPage, summary="Activities you may see")
def list_activities(
    request: HttpRequest,
    kind: str | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    assignee_id: int | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    sort: str = "-at",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    _require(request.user, "view")
    queryset = activities_visible_to(request.user).prefetch_related("accounts", "contacts")
    filters = {
        "kind": kind,
        "status": status,
        "owner_id": owner_id,
        "assignee_id": assignee_id,
        "accounts": account_id,
        "contacts": contact_id,
    }
    queryset = queryset.filter(**{k: v for k, v in filters.items() if v is not None})
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort=sort, allowed=("pk", "at", "created_at")
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("/activities", response={201: ActivitySchema}, summary="Log or plan an activity")
def create_activity(request: HttpRequest, payload: ActivityIn) -> Any:
    _require(request.user, "add")
    data = _resolve(payload.dict(), request.user)
    activity = services.log_activity(actor=request.user, **data)
    return Status(201, _fresh(activity))


@router.get("/activities/{activity_id}", response=ActivitySchema, summary="One activity")
def get_activity(request: HttpRequest, activity_id: int) -> Any:
    return _fresh(get_activity_for(request.user, activity_id))


@router.patch("/activities/{activity_id}", response=ActivitySchema, summary="Change an activity")
def patch_activity(request: HttpRequest, activity_id: int, payload: ActivityPatchIn) -> Any:
    activity = get_activity_for(request.user, activity_id, "change")
    changes = payload.dict(exclude_unset=True)
    if "owner_id" in changes and changes["owner_id"] is None:
        raise ValidationError({"owner_id": _("Every activity has an owner.")})
    data = _resolve(changes, request.user)
    services.update_activity(actor=request.user, activity=activity, **data)
    return _fresh(activity)


@router.post("/activities/{activity_id}/complete", response=ActivitySchema, summary="Mark it done")
def complete_activity(request: HttpRequest, activity_id: int) -> Any:
    activity = get_activity_for(request.user, activity_id, "change")
    services.complete_activity(actor=request.user, activity=activity)
    return _fresh(activity)


@router.post("/activities/{activity_id}/reopen", response=ActivitySchema, summary="Open again")
def reopen_activity(request: HttpRequest, activity_id: int) -> Any:
    activity = get_activity_for(request.user, activity_id, "change")
    services.reopen_activity(actor=request.user, activity=activity)
    return _fresh(activity)


@router.delete(
    "/activities/{activity_id}", response={204: None}, summary="Move an activity to the trash"
)
def delete_activity(request: HttpRequest, activity_id: int) -> Any:
    _require(request.user, "delete")
    activity = get_activity_for(request.user, activity_id, "delete")
    services.delete_activity(actor=request.user, activity=activity)
    return Status(204, None)


def _timeline(
    request: HttpRequest, subject: Any, cursor: str | None, kind: list[str] | None, limit: int
) -> Any:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            {"limit": _("Limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT}}
        )
    entries, next_cursor = timeline_page(
        request.user, subject, cursor=cursor, kinds=kind or None, limit=limit
    )
    items = [{**entry.__dict__, "kind_label": str(entry.kind_label)} for entry in entries]
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/accounts/{account_id}/timeline",
    response=TimelinePage,
    summary="Everything that happened with an account and its contacts, newest first",
)
def account_timeline(
    request: HttpRequest,
    account_id: int,
    cursor: str | None = None,
    kind: str | None = None,
    limit: int = 25,
) -> Any:
    if not can(request.user, "customers.account", "view"):
        raise PermissionDenied
    account = get_account_for(request.user, account_id)
    return _timeline(request, account, cursor, [kind] if kind else None, limit)


@router.get(
    "/contacts/{contact_id}/timeline",
    response=TimelinePage,
    summary="Everything that happened with a contact, newest first",
)
def contact_timeline(
    request: HttpRequest,
    contact_id: int,
    cursor: str | None = None,
    kind: str | None = None,
    limit: int = 25,
) -> Any:
    if not can(request.user, "customers.contact", "view"):
        raise PermissionDenied
    contact = get_contact_for(request.user, contact_id)
    return _timeline(request, contact, cursor, [kind] if kind else None, limit)


@router.get(
    "/my-day", response=AgendaSchema, summary="Your overdue and due tasks, today's meetings"
)
def my_day(request: HttpRequest) -> Any:
    tz = timezone.get_current_timezone()
    day = timezone.localtime(timezone.now(), tz).date()
    agenda = agenda_of(request.user, day, tz)
    return {"day": day.isoformat(), **agenda}
