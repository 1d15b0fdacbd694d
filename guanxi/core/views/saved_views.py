"""Saved views: the bar above a list to reopen or save its filters, sort and columns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can
from guanxi.core.models import Team
from guanxi.core.selectors import get_own_view, saved_views_for
from guanxi.core.services.saved_views import clean_query, delete_view, save_view
from guanxi.core.views.errors import flash_errors
from guanxi.core.views.redirects import redirect_back


def saved_views_panel(request: HttpRequest, object_type: str) -> dict[str, Any]:
    """Context for ``core/_saved_views.html`` on a list page."""
    current = clean_query(request.GET.urlencode())
    views = list(saved_views_for(request.user, object_type))
    return {
        "saved_views": views,
        "current_view": next((v for v in views if v.query == current), None),
        "view_object_type": object_type,
        "view_query": current,
        "view_teams": request.user.teams.all(),
    }


@require_POST
@login_required
def saved_view_save(request: HttpRequest) -> HttpResponse:
    object_type = request.POST.get("object_type", "")
    if not can(request.user, object_type, "view"):
        return HttpResponse(status=403)
    team_id = request.POST.get("team", "")
    team = Team.objects.filter(pk=team_id).first() if team_id.isdigit() else None
    try:
        view = save_view(
            actor=request.user,
            object_type=object_type,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
            columns=request.POST.getlist("columns"),
            team=team,
        )
    except ValidationError as error:
        flash_errors(request, error)
        return redirect_back(request, reverse("web:home"))
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return redirect_back(request, reverse("web:home"))


@require_POST
@login_required
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = get_own_view(request.user, pk)
    delete_view(actor=request.user, view=view)
    messages.success(request, _("The view was deleted."))
    return redirect_back(request, reverse("web:home"))
