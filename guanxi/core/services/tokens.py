"""Personal API tokens: created with the key shown once, looked up by hash, revoked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import ApiToken, User
from guanxi.core.services.audit import record_audit

TOKEN_PREFIX = "gx_"  # noqa: S105 - a public marker, not a secret


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, actor: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``actor``; returns it with the plain key (never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=key[:10], key_hash=hash_key(key), expires_at=expires_at
    )
    record_audit(
        actor=actor, event=AuditEvent.CREATE, obj=token, changes={"name": [None, token.name]}
    )
    return token, key


def tokens_for_key(key: str) -> QuerySet[ApiToken] | None:
    """The token row a presented key can match (with its user), or None when the key
    cannot be one of ours."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(key))


def accept_token(token: ApiToken | None) -> User | None:
    """The token's user when the token is usable and the user active, else None; records
    the token's last use (at most once a minute)."""
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def authenticate_token(key: str) -> User | None:
    """The active user a usable token belongs to, or None; records its last use."""
    rows = tokens_for_key(key)
    return accept_token(rows.first() if rows is not None else None)


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(
            actor=actor,
            event=AuditEvent.DELETE,
            obj=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )
    return token


def revoke_all_tokens(*, actor: Any, user: User) -> int:
    """Revoke every live token of ``user``; returns how many were revoked."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
