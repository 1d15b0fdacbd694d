"""Teams: list, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, get_for_or_404
from guanxi.core.decorators import require_action
from guanxi.core.forms import TeamForm
from guanxi.core.selectors import audit_for_object, teams_visible_to
from guanxi.core.services.teams import create_team, delete_team, update_team
from guanxi.core.views.attachments import attachment_panel
from guanxi.core.views.errors import add_service_errors
from guanxi.lib.listing import list_page

TEAM = "core.team"


@require_action(TEAM, "view")
def team_list(request: HttpRequest) -> HttpResponse:
    context = list_page(
        request,
        teams_visible_to(request.user),
        search_fields=("name", "description"),
        sort_fields=("name", "created_at"),
        default_sort="name",
    )
    context["can_add"] = can(request.user, TEAM, "add")
    return render(request, "core/team_list.html", context)


@require_action(TEAM, "view")
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_for_or_404(teams_visible_to(request.user), request.user, pk)
    context = {
        "team": team,
        "can_change": can(request.user, TEAM, "change"),
        "can_delete": can(request.user, TEAM, "delete"),
        "history": audit_for_object(request.user, TEAM, team.pk)[:50],
        **attachment_panel(request.user, team),
    }
    return render(request, "core/team_detail.html", context)


@require_action(TEAM, "add")
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = create_team(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The team was created."))
            return redirect("core:team_detail", pk=team.pk)
    context = {"form": form, "title": _("New team"), "cancel_url": reverse("core:team_list")}
    return render(request, "web/form_page.html", context)


@require_action(TEAM, "change")
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_for_or_404(teams_visible_to(request.user), request.user, pk, "change")
    form = TeamForm(request.POST or None, initial=TeamForm.initial_for(team))
    if request.method == "POST" and form.is_valid():
        try:
            update_team(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("core:team_detail", pk=team.pk)
    context = {
        "form": form,
        "title": _("Edit team"),
        "cancel_url": reverse("core:team_detail", args=[team.pk]),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(TEAM, "delete")
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_for_or_404(teams_visible_to(request.user), request.user, pk, "delete")
    delete_team(actor=request.user, team=team)
    messages.success(request, _("The team was deleted."))
    return redirect("core:team_list")
