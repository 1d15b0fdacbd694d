"""The routing-rule pages (administrators and service managers): the rules in order,
add, edit, move up and down, deactivate, each team's way of choosing agents, and a box
to try a sample message on the rules."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.decorators import require_action
from guanxi.core.models import Team, User
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.customers.models import CustomerTier
from guanxi.sales.selectors_quotes import product_choices
from guanxi.service.forms_routing import RoutingRuleForm, RoutingTestForm, TeamStrategyForm
from guanxi.service.models import Category, RoutingRule, Strategy, TeamRouting
from guanxi.service.object_types import ROUTING_RULE
from guanxi.service.services import routing as services


def _actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


def _teams() -> Any:
    return Team.objects.filter(deleted_at__isnull=True).only("pk", "name").order_by("name")


def _choices(request: HttpRequest) -> dict[str, Any]:
    return {
        "categories": Category.objects.filter(is_active=True).order_by("name"),
        "products": product_choices(request.user),
        "tiers": CustomerTier.objects.filter(is_active=True),
    }


def _team_rows() -> list[dict[str, Any]]:
    settings = {s.team_id: s for s in TeamRouting.objects.select_related("last_agent")}
    rows = []
    for team in _teams():
        setting = settings.get(team.pk)
        strategy = setting.strategy if setting is not None else Strategy.LEAST_LOADED
        rows.append(
            {
                "team": team,
                "strategy": strategy,
                "form": TeamStrategyForm(initial={"strategy": strategy}, prefix=f"team{team.pk}"),
                "last_agent": setting.last_agent if setting is not None else None,
            }
        )
    return rows


def _verdicts(request: HttpRequest, form: RoutingTestForm) -> list[dict[str, Any]] | None:
    """Every active rule tried on the sample: the first match routes, later matches
    would not be used, the others say which condition failed."""
    if not form.is_bound or not form.is_valid():
        return None
    data = form.cleaned_data
    facts = services.TicketFacts(
        subject=data["text"],
        body="",
        category=data["category"],
        product=data["product"],
        tier=data["tier"],
        language=data["language"],
    )
    rows, chosen = [], False
    for verdict in services.explain(facts):
        state = "no"
        if verdict.matched:
            state = "later" if chosen else "routes"
            chosen = True
        rows.append({"verdict": verdict, "state": state})
    return rows


@require_action(ROUTING_RULE, "change")
def routing_rule_list(request: HttpRequest) -> HttpResponse:
    """The rules in the order they are tried, the teams' strategies, and the test box."""
    test_form = RoutingTestForm(request.GET if "text" in request.GET else None, **_choices(request))
    verdicts = _verdicts(request, test_form)
    context = {
        "rules": RoutingRule.objects.select_related(
            "category", "product", "tier", "team", "set_category"
        ).order_by("position", "pk"),
        "team_rows": _team_rows(),
        "test_form": test_form,
        "verdicts": verdicts,
        "routed": next((row for row in verdicts or [] if row["state"] == "routes"), None),
    }
    return render(request, "service/routing_rule_list.html", context)


def _rule_form(request: HttpRequest, **kwargs: Any) -> RoutingRuleForm:
    return RoutingRuleForm(request.POST or None, teams=_teams(), **_choices(request), **kwargs)


@require_action(ROUTING_RULE, "add")
def routing_rule_create(request: HttpRequest) -> HttpResponse:
    form = _rule_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_rule(actor=_actor(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The routing rule was added at the end of the list."))
            return redirect("service:routing_rule_list")
    context = {
        "form": form,
        "title": _("New routing rule"),
        "cancel_url": reverse("service:routing_rule_list"),
    }
    return render(request, "web/form_page.html", context)


@require_action(ROUTING_RULE, "change")
def routing_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk)
    initial = {
        "name": rule.name,
        "keywords": rule.keywords,
        "category": rule.category_id,
        "product": rule.product_id,
        "product_category": rule.product_category,
        "tier": rule.tier_id,
        "language": rule.language,
        "team": rule.team_id,
        "strategy": rule.strategy,
        "set_priority": rule.set_priority,
        "set_category": rule.set_category_id,
        "is_active": rule.is_active,
    }
    form = _rule_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_rule(actor=_actor(request), rule=rule, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The routing rule was saved."))
            return redirect("service:routing_rule_list")
    context = {
        "form": form,
        "title": _("Edit routing rule “%(name)s”") % {"name": rule.name},
        "cancel_url": reverse("service:routing_rule_list"),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(ROUTING_RULE, "change")
def routing_rule_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk)
    try:
        services.move_rule(actor=_actor(request), rule=rule, direction=direction)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("service:routing_rule_list")


@require_POST
@require_action(ROUTING_RULE, "change")
def routing_rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate an active rule (it is skipped from then on), or reactivate it."""
    rule = get_object_or_404(RoutingRule, pk=pk)
    try:
        services.update_rule(actor=_actor(request), rule=rule, is_active=not rule.is_active)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        done = (
            _("The rule “%(name)s” is used again.")
            if rule.is_active
            else _("The rule “%(name)s” is no longer used.")
        )
        messages.success(request, done % {"name": rule.name})
    return redirect("service:routing_rule_list")


@require_POST
@require_action(ROUTING_RULE, "change")
def routing_team_strategy(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk, deleted_at__isnull=True)
    form = TeamStrategyForm(request.POST, prefix=f"team{team.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose how the agent is chosen."))
        return redirect("service:routing_rule_list")
    services.set_team_strategy(
        actor=_actor(request), team=team, strategy=form.cleaned_data["strategy"]
    )
    messages.success(request, _("Team %(team)s: saved.") % {"team": team.name})
    return redirect("service:routing_rule_list")
