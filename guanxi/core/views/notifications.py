"""The inbox: list, mark read, and the unread badge refreshed by htmx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from guanxi.core.selectors import notifications_of, unread_count
from guanxi.core.services.notifications import mark_read
from guanxi.lib.listing import list_page


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    queryset = notifications_of(request.user)
    show = request.GET.get("show", "unread")
    if show == "unread":
        queryset = queryset.filter(read_at__isnull=True)
    context = list_page(request, queryset)
    context["show"] = show
    return render(request, "core/inbox.html", context)


@login_required
def inbox_badge(request: HttpRequest) -> HttpResponse:
    return render(request, "core/_inbox_badge.html", {"unread": unread_count(request.user)})


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link (only to this site)."""
    notification = notifications_of(request.user).filter(pk=pk).first()
    if notification is None:
        return redirect("core:inbox")
    mark_read(user=request.user, notification_ids=[pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("core:inbox")


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(user=request.user)
    return redirect("core:inbox")
