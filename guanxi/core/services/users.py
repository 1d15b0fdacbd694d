"""User lifecycle: invite, edit, roles, deactivate and reactivate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from guanxi.core.access import forget_grants
from guanxi.core.choices import AuditEvent
from guanxi.core.models import Role, User
from guanxi.core.services.audit import diff, record_audit, snapshot
from guanxi.core.services.search import index_record
from guanxi.core.services.tokens import revoke_all_tokens

PROFILE_FIELDS = ("full_name", "language", "time_zone", "email_digest")
ADMIN_FIELDS = (*PROFILE_FIELDS, "email", "is_superuser")


def _roles_snapshot(user: User) -> list[str]:
    return sorted(user.roles.values_list("code", flat=True))


def _clean_email(email: str) -> str:
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    return email


def _check_may_grant_admin(actor: User, wanted: bool) -> None:
    if wanted and not actor.is_superuser:
        raise ValidationError(
            {"is_superuser": _("Only an administrator can grant administrator rights.")}
        )


def set_password_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("web:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@transaction.atomic
def invite_user(
    *,
    actor: User,
    email: str,
    full_name: str,
    roles: Iterable[Role] = (),
    language: str = "en",
    is_superuser: bool = False,
    base_url: str,
) -> User:
    """Create an account without a password and e-mail a link to set one."""
    email = _clean_email(email)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose English or Simplified Chinese.")})
    _check_may_grant_admin(actor, is_superuser)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this email already exists.")})
    user = User.objects.create_user(
        email=email, full_name=full_name, language=language, is_superuser=is_superuser
    )
    user.roles.set(list(roles))
    index_record(user)
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=user,
        changes=diff({}, {**snapshot(user, ADMIN_FIELDS), "roles": _roles_snapshot(user)}),
    )
    link = set_password_link(user, base_url)
    transaction.on_commit(lambda: _send_invitation(user, actor, link))
    return user


def _send_invitation(user: User, actor: User, link: str) -> None:
    with translation.override(user.language):
        context = {"user": user, "inviter": actor, "link": link}
        subject = _("You are invited to Guanxi")
        body = render_to_string("core/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def update_user(
    *, actor: User, user: User, roles: Iterable[Role] | None = None, **fields: Any
) -> User:
    """Change a user's details (and roles, when given); audited field by field."""
    allowed = ADMIN_FIELDS if (actor.is_superuser or actor.pk != user.pk) else PROFILE_FIELDS
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if "email" in fields:
        fields["email"] = _clean_email(fields["email"])
        if User.objects.filter(email__iexact=fields["email"]).exclude(pk=user.pk).exists():
            raise ValidationError({"email": _("A user with this email already exists.")})
    if "is_superuser" in fields:
        _check_may_grant_admin(actor, True)
    if fields.get("is_superuser") is False and user.pk == actor.pk:
        raise ValidationError(
            {"is_superuser": _("You cannot remove your own administrator rights.")}
        )
    before = {**snapshot(user, ADMIN_FIELDS), "roles": _roles_snapshot(user)}
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    if roles is not None:
        user.roles.set(list(roles))
        forget_grants(user)
    after = {**snapshot(user, ADMIN_FIELDS), "roles": _roles_snapshot(user)}
    changes = diff(before, after)
    if changes:
        index_record(user)
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=user, changes=changes)
    return user


@transaction.atomic
def deactivate_user(*, actor: User, user: User) -> User:
    """Block a leaver's login and revoke their API tokens; their records stay theirs."""
    if user.pk == actor.pk:
        raise ValidationError({"user": _("You cannot deactivate yourself.")})
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = revoke_all_tokens(actor=actor, user=user)
    record_audit(
        actor=actor,
        event=AuditEvent.DEACTIVATE,
        obj=user,
        changes={"is_active": [True, False], "tokens_revoked": [0, revoked]},
    )
    return user


@transaction.atomic
def reactivate_user(*, actor: User, user: User) -> User:
    """Let a deactivated user log in again (their old tokens stay revoked)."""
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_audit(
        actor=actor, event=AuditEvent.REACTIVATE, obj=user, changes={"is_active": [False, True]}
    )
    return user
