"""API schemas for platform records."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class RoleRef(Schema):
    id: int
    code: str
    name: str = Field(validation_alias="display_name")


class TeamRef(Schema):
    id: int
    name: str


class UserSchema(Schema):
    id: int
    email: str
    full_name: str
    language: str
    time_zone: str
    is_active: bool
    is_superuser: bool
    last_login: datetime | None
    date_joined: datetime
    roles: list[RoleRef]
    teams: list[TeamRef]


class UserPage(Schema):
    items: list[UserSchema]
    next_cursor: str | None


class UserInviteIn(Schema):
    email: str = Field(max_length=254)
    full_name: str = Field(min_length=1, max_length=150)
    language: str = "en"
    roles: list[str] = Field(default_factory=list, description="Role codes")
    is_superuser: bool = False


class UserPatchIn(Schema):
    email: str | None = Field(default=None, max_length=254)
    full_name: str | None = Field(default=None, min_length=1, max_length=150)
    language: str | None = None
    time_zone: str | None = None
    is_superuser: bool | None = None
    roles: list[str] | None = Field(default=None, description="Role codes")


class MemberSchema(Schema):
    user_id: int
    email: str = Field(validation_alias="user.email")
    is_manager: bool


class TeamSchema(Schema):
    id: int
    name: str
    description: str
    members: list[MemberSchema] = Field(validation_alias="memberships")


class TeamPage(Schema):
    items: list[TeamSchema]
    next_cursor: str | None


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    members: list[int] = Field(default_factory=list, description="User ids")
    managers: list[int] = Field(default_factory=list, description="User ids (also members)")


class TeamPatchIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = None
    members: list[int] | None = None
    managers: list[int] | None = None


class GrantSchema(Schema):
    object_type: str
    action: str
    scope: str


class RoleSchema(Schema):
    id: int
    code: str
    name: str = Field(validation_alias="display_name")
    description: str
    is_builtin: bool
    grants: list[GrantSchema]


class AuditSchema(Schema):
    id: int
    created_at: datetime
    actor_id: int | None
    origin: str
    event: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    ip_address: str | None
    request_id: str


class AuditPage(Schema):
    items: list[AuditSchema]
    next_cursor: str | None


class TokenSchema(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_at: datetime | None = None


class TokenCreated(TokenSchema):
    key: str = Field(description="The secret; shown only in this response")


class NotificationSchema(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    object_type: str
    object_id: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationSchema]
    next_cursor: str | None
    unread: int


class MarkReadIn(Schema):
    ids: list[int] | None = Field(default=None, description="Omit to mark all read")


class MarkReadOut(Schema):
    marked: int
    unread: int


class TrashItemSchema(Schema):
    id: int
    object_type: str
    object_id: str
    object_repr: str
    owner_id: int | None
    deleted_by_id: int | None
    deleted_at: datetime
    purge_after: datetime


class TrashPage(Schema):
    items: list[TrashItemSchema]
    next_cursor: str | None


class RestoredSchema(Schema):
    object_type: str
    object_id: str


class AttachmentSchema(Schema):
    id: int
    object_type: str
    object_id: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int | None
    created_at: datetime


class AttachmentPage(Schema):
    items: list[AttachmentSchema]
    next_cursor: str | None


class SearchResult(Schema):
    object_type: str
    object_id: int
    type_label: str
    title: str
    subtitle: str
    url: str
    rank: int = Field(description="0 = the title is the query; higher is a weaker match")


class TagSchema(Schema):
    id: int
    name: str
    color: str


class TagIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    color: str = Field(default="#e4e7eb", pattern=r"^#[0-9a-fA-F]{6}$")


class TagPatchIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=50)
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class CustomFieldSchema(Schema):
    id: int
    object_type: str
    key: str
    label: str
    label_zh: str
    field_type: str
    choices: list[str]
    required: bool
    help_text: str
    position: int
    is_active: bool


class CustomFieldIn(Schema):
    object_type: str = Field(description="e.g. customers.contact")
    label: str = Field(min_length=1, max_length=100)
    field_type: str = Field(
        description="text, number, money, date, choice, multi_choice, boolean or user"
    )
    key: str = Field(default="", max_length=50)
    label_zh: str = Field(default="", max_length=100)
    choices: list[str] = Field(default_factory=list)
    required: bool = False
    help_text: str = Field(default="", max_length=200)
    position: int | None = Field(default=None, ge=0)


class CustomFieldPatchIn(Schema):
    label: str | None = Field(default=None, min_length=1, max_length=100)
    label_zh: str | None = Field(default=None, max_length=100)
    choices: list[str] | None = None
    required: bool | None = None
    help_text: str | None = Field(default=None, max_length=200)
    position: int | None = Field(default=None, ge=0)
    is_active: bool | None = None


class SavedViewSchema(Schema):
    id: int
    object_type: str
    name: str
    query: str = Field(description="the list's query string (filters and sort)")
    columns: list[str]
    owner_id: int
    team_id: int | None


class SavedViewIn(Schema):
    object_type: str
    name: str = Field(min_length=1, max_length=100)
    query: str = ""
    columns: list[str] = Field(default_factory=list)
    team_id: int | None = Field(default=None, description="share with this team")
