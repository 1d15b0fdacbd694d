"""The platform's own object types and what each built-in role may do with them."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import Action, Scope
from guanxi.core.permissions import BUILTIN_ROLES, ObjectType, everything, read_only, register
from guanxi.core.search import Document, Searchable, register_searchable
from guanxi.core.trash import TrashRule, register_trashable
from guanxi.lib.names import compact, initials_of, pinyin_of

EVERYONE_READS = {code: read_only() for code in BUILTIN_ROLES}


def register_all() -> None:
    register(
        ObjectType(
            key="core.user",
            label=_("Users"),
            builtin_grants={**EVERYONE_READS, "administrator": everything()},
        )
    )
    register(
        ObjectType(
            key="core.team",
            label=_("Teams"),
            builtin_grants={**EVERYONE_READS, "administrator": everything()},
        )
    )
    register(
        ObjectType(
            key="core.role",
            label=_("Roles"),
            attachable=False,
            builtin_grants={**EVERYONE_READS, "administrator": everything()},
        )
    )
    register(
        ObjectType(
            key="core.tag",
            label=_("Tags"),
            attachable=False,
            builtin_grants={
                **EVERYONE_READS,
                # Anyone who labels records may coin a new label; renaming and deleting
                # one changes everybody's records, so that is for administrators.
                **{
                    code: {Action.VIEW: Scope.ALL, Action.ADD: Scope.ALL}
                    for code in BUILTIN_ROLES
                    if code not in ("administrator", "analyst")
                },
                "administrator": everything(),
            },
        )
    )
    register(
        ObjectType(
            key="core.customfield",
            label=_("Custom fields"),
            attachable=False,
            builtin_grants={**EVERYONE_READS, "administrator": everything()},
        )
    )
    register(
        ObjectType(
            key="core.auditentry",
            label=_("Audit log"),
            attachable=False,
            builtin_grants={
                "administrator": {Action.VIEW: Scope.ALL, Action.EXPORT: Scope.ALL},
            },
        )
    )
    register_trashable(
        TrashRule(
            key="core.team",
            related=_(
                "Members keep their accounts and records. While the team is in the trash its "
                "managers get no team access through it; restoring it brings its members back."
            ),
        )
    )
    register_trashable(
        TrashRule(
            key="core.attachment",
            related=_("Only the file itself; the record it is attached to is unchanged."),
            owner_field="uploaded_by",
            on_purge=_remove_file,
        )
    )


def name_terms(name: str) -> list[str]:
    """How people type a (Chinese) name: as written, in pinyin, joined, and by initials."""
    return [name, pinyin_of(name), compact(name), initials_of(name)]


def _user_document(user: Any) -> Document:
    return Document(
        title=user.full_name or user.email,
        subtitle=user.email,
        terms=[*name_terms(user.full_name), user.email.split("@")[-1]],
    )


def _team_document(team: Any) -> Document:
    return Document(title=team.name, subtitle=team.description[:100], terms=name_terms(team.name))


def register_search() -> None:
    register_searchable(
        Searchable(
            key="core.user",
            label=_("Users"),
            document=_user_document,
            url=lambda pk: reverse("core:user_detail", args=[pk]),
        )
    )
    register_searchable(
        Searchable(
            key="core.team",
            label=_("Teams"),
            document=_team_document,
            url=lambda pk: reverse("core:team_detail", args=[pk]),
        )
    )


def _remove_file(attachment: object) -> None:
    from guanxi.core.services.attachments import remove_file

    remove_file(attachment)  # type: ignore[arg-type]
