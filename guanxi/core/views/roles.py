"""Roles (read-only: built-in roles follow the code) and the audit log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.access import get_for_or_404
from guanxi.core.choices import Action, AuditEvent, Origin
from guanxi.core.decorators import require_action
from guanxi.core.permissions import object_types
from guanxi.core.selectors import audit_visible_to, roles_visible_to, search_audit
from guanxi.lib.listing import list_page


@require_action("core.role", "view")
def role_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/role_list.html", {"roles": roles_visible_to(request.user)})


@require_action("core.role", "view")
def role_detail(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_for_or_404(roles_visible_to(request.user), request.user, pk)
    grants = {(g.object_type, g.action): g.get_scope_display() for g in role.grants.all()}
    rows = [
        {
            "label": spec.label,
            "key": spec.key,
            "cells": [grants.get((spec.key, a.value), "") for a in Action],
        }
        for spec in object_types()
    ]
    context = {"role": role, "actions": Action.choices, "rows": rows}
    return render(request, "core/role_detail.html", context)


@require_action("core.auditentry", "view")
def audit_list(request: HttpRequest) -> HttpResponse:
    queryset = search_audit(audit_visible_to(request.user), request.GET.get("q", ""))
    event = request.GET.get("event", "")
    if event in AuditEvent.values:
        queryset = queryset.filter(event=event)
    origin = request.GET.get("origin", "")
    if origin in Origin.values:
        queryset = queryset.filter(origin=origin)
    context = list_page(request, queryset, sort_fields=("created_at",), default_sort="-created_at")
    context.update(events=AuditEvent.choices, origins=Origin.choices, event=event, origin=origin)
    return render(request, "core/audit_list.html", context)
