"""API endpoints for users, teams, roles, the audit log and one's own tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import can, get_for_or_404, require, restrict
from guanxi.core.models import CustomField, Role, Team, User
from guanxi.core.schemas import (
    AuditPage,
    CustomFieldIn,
    CustomFieldPatchIn,
    CustomFieldSchema,
    MarkReadIn,
    MarkReadOut,
    NotificationPage,
    RoleSchema,
    SavedViewIn,
    SavedViewSchema,
    SearchResult,
    TagIn,
    TagPatchIn,
    TagSchema,
    TeamIn,
    TeamPage,
    TeamPatchIn,
    TeamSchema,
    TokenCreated,
    TokenIn,
    TokenSchema,
    UserInviteIn,
    UserPage,
    UserPatchIn,
    UserSchema,
)
from guanxi.core.search import search, searchables
from guanxi.core.selectors import (
    audit_visible_to,
    get_own_view,
    notifications_of,
    roles_visible_to,
    saved_views_for,
    search_audit,
    tags_visible_to,
    teams_visible_to,
    tokens_of,
    unread_count,
    users_visible_to,
)
from guanxi.core.services import custom_fields as custom_field_services
from guanxi.core.services import notifications as notification_services
from guanxi.core.services import saved_views as saved_view_services
from guanxi.core.services import tags as tag_services
from guanxi.core.services import teams as team_services
from guanxi.core.services import tokens as token_services
from guanxi.core.services import users as user_services
from guanxi.integrations.api.pagination import MAX_LIMIT, keyset_page

router = Router(tags=["platform"])


def _roles_from_codes(codes: list[str]) -> list[Role]:
    roles = list(Role.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {r.code for r in roles})
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown roles: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    return roles


def _users_from_ids(ids: list[int], field: str) -> list[User]:
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise ValidationError({field: _("Some of these users do not exist or are inactive.")})
    return users


@router.get(
    "/search",
    response=list[SearchResult],
    summary="Search every kind of record you may see (names, pinyin, phones, emails …)",
)
def search_records(
    request: HttpRequest,
    q: str,
    type: list[str] | None = Query(None),  # noqa: B008 - how Ninja declares a list parameter
    limit: int = 20,
) -> Any:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            {"limit": _("Limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT}}
        )
    known = {spec.key for spec in searchables()}
    unknown = sorted(set(type or []) - known)
    if unknown:
        raise ValidationError(
            {"type": _("Unknown types: %(types)s") % {"types": ", ".join(unknown)}}
        )
    return search(request.user, q, types=type or None, limit=limit)


@router.get("/tags", response=list[TagSchema], summary="Every tag, by name")
def list_tags(request: HttpRequest) -> Any:
    require(request.user, "core.tag", "view")
    return list(tags_visible_to(request.user))


@router.post("/tags", response={201: TagSchema}, summary="Create a tag")
def create_tag(request: HttpRequest, payload: TagIn) -> Any:
    require(request.user, "core.tag", "add")
    return Status(201, tag_services.create_tag(actor=request.user, **payload.dict()))


@router.patch("/tags/{tag_id}", response=TagSchema, summary="Rename or recolour a tag")
def patch_tag(request: HttpRequest, tag_id: int, payload: TagPatchIn) -> Any:
    require(request.user, "core.tag", "change")
    tag = get_for_or_404(tags_visible_to(request.user), request.user, tag_id, "change")
    return tag_services.update_tag(actor=request.user, tag=tag, **payload.dict(exclude_unset=True))


@router.delete("/tags/{tag_id}", response={204: None}, summary="Delete a tag from every record")
def delete_tag(request: HttpRequest, tag_id: int) -> Any:
    require(request.user, "core.tag", "delete")
    tag = get_for_or_404(tags_visible_to(request.user), request.user, tag_id, "delete")
    tag_services.delete_tag(actor=request.user, tag=tag)
    return Status(204, None)


@router.get("/custom-fields", response=list[CustomFieldSchema], summary="Custom field definitions")
def list_custom_fields(request: HttpRequest, object_type: str | None = None) -> Any:
    require(request.user, "core.customfield", "view")
    queryset = restrict(CustomField.objects.all(), request.user)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    return list(queryset)


@router.post("/custom-fields", response={201: CustomFieldSchema}, summary="Add a custom field")
def create_custom_field(request: HttpRequest, payload: CustomFieldIn) -> Any:
    require(request.user, "core.customfield", "add")
    field = custom_field_services.create_custom_field(actor=request.user, **payload.dict())
    return Status(201, field)


@router.patch(
    "/custom-fields/{field_id}", response=CustomFieldSchema, summary="Change a custom field"
)
def patch_custom_field(request: HttpRequest, field_id: int, payload: CustomFieldPatchIn) -> Any:
    require(request.user, "core.customfield", "change")
    field = get_for_or_404(CustomField.objects.all(), request.user, field_id, "change")
    return custom_field_services.update_custom_field(
        actor=request.user, field=field, **payload.dict(exclude_unset=True)
    )


@router.delete("/custom-fields/{field_id}", response={204: None}, summary="Remove a custom field")
def delete_custom_field(request: HttpRequest, field_id: int) -> Any:
    require(request.user, "core.customfield", "delete")
    field = get_for_or_404(CustomField.objects.all(), request.user, field_id, "delete")
    custom_field_services.delete_custom_field(actor=request.user, field=field)
    return Status(204, None)


@router.get(
    "/saved-views",
    response=list[SavedViewSchema],
    summary="Your saved views of a list, and those shared with your teams",
)
def list_saved_views(request: HttpRequest, object_type: str) -> Any:
    return list(saved_views_for(request.user, object_type))


@router.post(
    "/saved-views",
    response={201: SavedViewSchema},
    summary="Save a view (overwrites your view of the same name)",
)
def create_saved_view(request: HttpRequest, payload: SavedViewIn) -> Any:
    if not can(request.user, payload.object_type, "view"):
        raise PermissionDenied
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationError({"team_id": _("This team does not exist.")})
    view = saved_view_services.save_view(
        actor=request.user,
        object_type=payload.object_type,
        name=payload.name,
        query=payload.query,
        columns=payload.columns,
        team=team,
    )
    return Status(201, view)


@router.delete(
    "/saved-views/{view_id}", response={204: None}, summary="Delete one of your saved views"
)
def delete_saved_view(request: HttpRequest, view_id: int) -> Any:
    view = get_own_view(request.user, view_id)
    saved_view_services.delete_view(actor=request.user, view=view)
    return Status(204, None)


@router.get("/me", response=UserSchema, summary="The authenticated user")
def me(request: HttpRequest) -> Any:
    return User.objects.prefetch_related("roles", "teams").get(pk=request.user.pk)


@router.get("/users", response=UserPage, summary="List users")
def list_users(
    request: HttpRequest,
    q: str = "",
    is_active: bool | None = None,
    sort: str = "id",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    require(request.user, "core.user", "view")
    queryset = users_visible_to(request.user)
    if q:
        queryset = queryset.filter(email__icontains=q) | queryset.filter(full_name__icontains=q)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    items, next_cursor = keyset_page(
        queryset,
        cursor=cursor,
        limit=limit,
        sort=sort.replace("id", "pk"),
        allowed=("pk", "email", "full_name", "date_joined"),
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/users/{user_id}", response=UserSchema, summary="One user")
def get_user(request: HttpRequest, user_id: int) -> Any:
    require(request.user, "core.user", "view")
    return get_for_or_404(users_visible_to(request.user), request.user, user_id)


@router.post(
    "/users", response={201: UserSchema}, summary="Invite a user (emails a set-password link)"
)
def invite(request: HttpRequest, payload: UserInviteIn) -> Any:
    require(request.user, "core.user", "add")
    data = payload.dict()
    roles = _roles_from_codes(data.pop("roles"))
    user = user_services.invite_user(
        actor=request.user, roles=roles, base_url=request.build_absolute_uri("/"), **data
    )
    return Status(201, users_visible_to(request.user).get(pk=user.pk))


@router.patch("/users/{user_id}", response=UserSchema, summary="Change a user")
def patch_user(request: HttpRequest, user_id: int, payload: UserPatchIn) -> Any:
    require(request.user, "core.user", "change")
    user = get_for_or_404(users_visible_to(request.user), request.user, user_id, "change")
    data = payload.dict(exclude_unset=True)
    codes = data.pop("roles", None)
    roles = _roles_from_codes(codes) if codes is not None else None
    user_services.update_user(actor=request.user, user=user, roles=roles, **data)
    return users_visible_to(request.user).get(pk=user.pk)


@router.post("/users/{user_id}/deactivate", response=UserSchema, summary="Deactivate a leaver")
def deactivate(request: HttpRequest, user_id: int) -> Any:
    require(request.user, "core.user", "change")
    user = get_for_or_404(users_visible_to(request.user), request.user, user_id, "change")
    user_services.deactivate_user(actor=request.user, user=user)
    return users_visible_to(request.user).get(pk=user.pk)


@router.post("/users/{user_id}/reactivate", response=UserSchema, summary="Reactivate a user")
def reactivate(request: HttpRequest, user_id: int) -> Any:
    require(request.user, "core.user", "change")
    user = get_for_or_404(users_visible_to(request.user), request.user, user_id, "change")
    user_services.reactivate_user(actor=request.user, user=user)
    return users_visible_to(request.user).get(pk=user.pk)


@router.get("/teams", response=TeamPage, summary="List teams")
def list_teams(
    request: HttpRequest, sort: str = "name", cursor: str | None = None, limit: int = 50
) -> Any:
    require(request.user, "core.team", "view")
    items, next_cursor = keyset_page(
        teams_visible_to(request.user),
        cursor=cursor,
        limit=limit,
        sort=sort,
        allowed=("pk", "name"),
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/teams/{team_id}", response=TeamSchema, summary="One team")
def get_team(request: HttpRequest, team_id: int) -> Any:
    require(request.user, "core.team", "view")
    return get_for_or_404(teams_visible_to(request.user), request.user, team_id)


@router.post("/teams", response={201: TeamSchema}, summary="Create a team")
def create_team(request: HttpRequest, payload: TeamIn) -> Any:
    require(request.user, "core.team", "add")
    team = team_services.create_team(
        actor=request.user,
        name=payload.name,
        description=payload.description,
        members=_users_from_ids(payload.members, "members"),
        managers=_users_from_ids(payload.managers, "managers"),
    )
    return Status(201, teams_visible_to(request.user).get(pk=team.pk))


@router.patch("/teams/{team_id}", response=TeamSchema, summary="Change a team")
def patch_team(request: HttpRequest, team_id: int, payload: TeamPatchIn) -> Any:
    require(request.user, "core.team", "change")
    team = get_for_or_404(teams_visible_to(request.user), request.user, team_id, "change")
    data = payload.dict(exclude_unset=True)
    for field in ("members", "managers"):
        if data.get(field) is not None:
            data[field] = _users_from_ids(data[field], field)
    team_services.update_team(actor=request.user, team=team, **data)
    return teams_visible_to(request.user).get(pk=team.pk)


@router.delete("/teams/{team_id}", response={204: None}, summary="Delete a team")
def delete_team(request: HttpRequest, team_id: int) -> Any:
    require(request.user, "core.team", "delete")
    team = get_for_or_404(teams_visible_to(request.user), request.user, team_id, "delete")
    team_services.delete_team(actor=request.user, team=team)
    return Status(204, None)


@router.get("/roles", response=list[RoleSchema], summary="List roles with their grants")
def list_roles(request: HttpRequest) -> Any:
    require(request.user, "core.role", "view")
    return list(roles_visible_to(request.user))


@router.get("/roles/{role_id}", response=RoleSchema, summary="One role")
def get_role(request: HttpRequest, role_id: int) -> Any:
    require(request.user, "core.role", "view")
    return get_for_or_404(roles_visible_to(request.user), request.user, role_id)


@router.get("/audit", response=AuditPage, summary="Search the audit log (administrators)")
def list_audit(
    request: HttpRequest,
    q: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    require(request.user, "core.auditentry", "view")
    queryset = search_audit(audit_visible_to(request.user), q)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort="-pk", allowed=("pk",)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/tokens", response=list[TokenSchema], summary="Your API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return list(tokens_of(request.user))


@router.post(
    "/tokens", response={201: TokenCreated}, summary="Create an API token (key shown once)"
)
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    token, key = token_services.create_token(
        actor=request.user, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**TokenSchema.from_orm(token).dict(), "key": key})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of your tokens")
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    token = tokens_of(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    token_services.revoke_token(actor=request.user, token=token)
    return Status(204, None)


@router.get("/notifications", response=NotificationPage, summary="Your inbox, newest first")
def list_notifications(
    request: HttpRequest, unread_only: bool = False, cursor: str | None = None, limit: int = 50
) -> Any:
    queryset = notifications_of(request.user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort="-pk", allowed=("pk",)
    )
    unread = unread_count(request.user)
    return {"items": items, "next_cursor": next_cursor, "unread": unread}


@router.post("/notifications/read", response=MarkReadOut, summary="Mark notifications read")
def read_notifications(request: HttpRequest, payload: MarkReadIn) -> Any:
    marked = notification_services.mark_read(user=request.user, notification_ids=payload.ids)
    return {"marked": marked, "unread": unread_count(request.user)}
