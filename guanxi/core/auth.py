"""Log in by e-mail, with a lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from guanxi.core.models import LoginAttempt, User


def recent_failures(email: str) -> int:
    since = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    return LoginAttempt.objects.filter(email=email.lower(), created_at__gte=since).count()


def is_locked_out(email: str) -> bool:
    return recent_failures(email) >= settings.LOGIN_FAILURE_LIMIT


def client_ip(request: HttpRequest | None) -> str | None:
    """The visitor's address. Behind ``TRUSTED_PROXY_HOPS`` reverse proxies it is the
    entry that many hops from the right of X-Forwarded-For (each proxy appends the
    address it saw; entries further left could be forged by the client)."""
    if request is None:
        return None
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class EmailBackend(ModelBackend):
    """Authenticates by case-insensitive e-mail; refuses a locked-out account.

    A locked account raises PermissionDenied so Django stops trying other backends
    and the login form reports the lock-out rather than a wrong password.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        if is_locked_out(email):
            raise PermissionDenied("locked out")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
        elif user.check_password(password) and self.user_can_authenticate(user):
            return user
        LoginAttempt.objects.create(email=email, ip_address=client_ip(request))
        return None

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
