"""The escalation-rule pages (administrators and service managers): the rules in order,
add and edit (with a preview of the tickets the rule would escalate now), move up and
down, pause or use again, delete."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.decorators import require_action
from guanxi.core.models import Team, User
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.customers.models import CustomerTier
from guanxi.service.choices import Priority, TicketStatus
from guanxi.service.forms_escalation import EscalationRuleForm
from guanxi.service.models import Category, EscalationRule
from guanxi.service.selectors import tickets_visible_to
from guanxi.service.services import escalation_rules as services
from guanxi.service.services.escalation_rules import ESCALATION_RULE, PREVIEW_LIMIT
from guanxi.service.views.tickets import assignable_users

RELATED = ("category", "tier", "team", "to_user", "to_team")


def _actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


def _form(request: HttpRequest, **kwargs: Any) -> EscalationRuleForm:
    return EscalationRuleForm(
        request.POST or None,
        categories=Category.objects.filter(is_active=True).order_by("name"),
        tiers=CustomerTier.objects.filter(is_active=True),
        teams=Team.objects.filter(deleted_at__isnull=True).only("pk", "name").order_by("name"),
        users=assignable_users(),
        **kwargs,
    )


def _preview(
    request: HttpRequest, form: EscalationRuleForm, rule: EscalationRule | None
) -> list[services.Match] | None:
    """The tickets the form's rule would escalate now (among those the user may see);
    None when the form has errors (shown on the form)."""
    try:
        draft = services.build_rule(actor=_actor(request), rule=rule, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    within = tickets_visible_to(request.user)
    return services.matching_tickets(draft, within=within, limit=PREVIEW_LIMIT)


def _page(
    request: HttpRequest, form: EscalationRuleForm, title: str, preview: Any = None
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "preview": preview,
        "preview_limit": PREVIEW_LIMIT,
        "cancel_url": reverse("service:escalation_rule_list"),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "service/escalation_rule_form.html", context, status=status)


def describe(rule: EscalationRule) -> list[str]:
    """The rule's conditions in words, one line each."""
    priorities = dict(Priority.choices)
    statuses = dict(TicketStatus.choices)
    lines = []
    if rule.priorities:
        names = "、".join(str(priorities.get(p, p)) for p in rule.priorities)
        lines.append(_("priority is one of: %(names)s") % {"names": names})
    if rule.statuses:
        names = "、".join(str(statuses.get(s, s)) for s in rule.statuses)
        lines.append(_("status is one of: %(names)s") % {"names": names})
    if rule.category is not None:
        lines.append(_("category is %(name)s") % {"name": rule.category})
    if rule.tier is not None:
        lines.append(_("customer tier is %(name)s") % {"name": rule.tier})
    if rule.team is not None:
        lines.append(_("team is %(name)s") % {"name": rule.team})
    if rule.keywords:
        lines.append(_("contains any of: %(words)s") % {"words": rule.keywords})
    if rule.no_reply_hours is not None:
        lines.append(
            _("the customer has waited %(hours)s business hours for a reply")
            % {"hours": rule.no_reply_hours}
        )
    if rule.open_hours is not None:
        lines.append(_("open for %(hours)s business hours") % {"hours": rule.open_hours})
    if rule.first_response_due_minutes is not None:
        lines.append(
            _("first response due within %(minutes)s minutes")
            % {"minutes": rule.first_response_due_minutes}
        )
    return lines


@require_action(ESCALATION_RULE, "change")
def escalation_rule_list(request: HttpRequest) -> HttpResponse:
    """The rules in the order they are tried, with how many tickets each escalated."""
    rules = list(
        EscalationRule.objects.select_related(*RELATED)
        .annotate(escalated=Count("escalations"))
        .order_by("position", "pk")
    )
    rows = [{"rule": rule, "conditions": describe(rule)} for rule in rules]
    return render(request, "service/escalation_rule_list.html", {"rows": rows})


@require_action(ESCALATION_RULE, "add")
def escalation_rule_create(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    title = _("New escalation rule")
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            return _page(request, form, title, _preview(request, form, None))
        try:
            services.create_rule(actor=_actor(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The escalation rule was added at the end of the list."))
            return redirect("service:escalation_rule_list")
    return _page(request, form, title)


@require_action(ESCALATION_RULE, "change")
def escalation_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(EscalationRule.objects.select_related(*RELATED), pk=pk)
    initial = {
        "name": rule.name,
        "priorities": rule.priorities,
        "statuses": rule.statuses,
        "category": rule.category_id,
        "tier": rule.tier_id,
        "team": rule.team_id,
        "keywords": rule.keywords,
        "no_reply_hours": rule.no_reply_hours,
        "open_hours": rule.open_hours,
        "first_response_due_minutes": rule.first_response_due_minutes,
        "to_user": rule.to_user_id,
        "to_team": rule.to_team_id,
        "reason": rule.reason,
        "is_active": rule.is_active,
    }
    form = _form(request, initial=initial)
    title = _("Edit escalation rule “%(name)s”") % {"name": rule.name}
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            return _page(request, form, title, _preview(request, form, rule))
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_rule(actor=_actor(request), rule=rule, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The escalation rule was saved."))
            return redirect("service:escalation_rule_list")
    return _page(request, form, title)


@require_POST
@require_action(ESCALATION_RULE, "change")
def escalation_rule_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    rule = get_object_or_404(EscalationRule, pk=pk)
    try:
        services.move_rule(actor=_actor(request), rule=rule, direction=direction)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("service:escalation_rule_list")


@require_POST
@require_action(ESCALATION_RULE, "change")
def escalation_rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause an active rule (the job skips it), or use it again."""
    rule = get_object_or_404(EscalationRule, pk=pk)
    try:
        services.update_rule(actor=_actor(request), rule=rule, is_active=not rule.is_active)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        done = (
            _("The escalation rule “%(name)s” is used again.")
            if rule.is_active
            else _("The escalation rule “%(name)s” is paused.")
        )
        messages.success(request, done % {"name": rule.name})
    return redirect("service:escalation_rule_list")


@require_POST
@require_action(ESCALATION_RULE, "delete")
def escalation_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(EscalationRule, pk=pk)
    name = rule.name
    services.delete_rule(actor=_actor(request), rule=rule)
    messages.success(request, _("The escalation rule “%(name)s” was deleted.") % {"name": name})
    return redirect("service:escalation_rule_list")
