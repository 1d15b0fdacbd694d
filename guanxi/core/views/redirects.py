"""Going back where the user came from, never to another site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_url(request: HttpRequest, target: str) -> str | None:
    """``target`` if it stays on this site, else None."""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return None


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponse:
    """To the posted (or queried) ``next`` when it is on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return redirect(safe_url(request, target) or fallback)
