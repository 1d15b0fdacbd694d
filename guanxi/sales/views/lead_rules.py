"""Setting up how leads are routed and scored (administrators and sales managers), and
the lead quality report per source (story 12)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors
from guanxi.sales.forms_leads import AssignmentRuleForm, ScoringRuleForm
from guanxi.sales.lead_fields import RULE_FIELDS, SCORING_FIELDS
from guanxi.sales.models import AssignmentRule, LeadScoreModel, ScoringRule
from guanxi.sales.object_types import ASSIGNMENT_RULE, LEAD, SCORING_RULE
from guanxi.sales.selectors_leads import assignment_rules, lead_quality_by_source, scoring_rules
from guanxi.sales.services import assignment, scoring
from guanxi.sales.services.prediction import train_lead_model


def _require(request: HttpRequest, object_type: str, action: str) -> None:
    if not can(request.user, object_type, action):
        raise PermissionDenied


@require_action(ASSIGNMENT_RULE, "view")
def assignment_rule_list(request: HttpRequest) -> HttpResponse:
    form = AssignmentRuleForm(request.POST or None)
    if request.method == "POST":
        _require(request, ASSIGNMENT_RULE, "add")
        if form.is_valid():
            try:
                assignment.create_assignment_rule(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The rule was added."))
                return redirect("sales:assignment_rule_list")
    context = {
        "rules": assignment_rules(),
        "form": form,
        "fields": RULE_FIELDS,
        "can_change": can(request.user, ASSIGNMENT_RULE, "change"),
        "can_add": can(request.user, ASSIGNMENT_RULE, "add"),
    }
    return render(request, "sales/assignment_rule_list.html", context)


@require_action(ASSIGNMENT_RULE, "change")
def assignment_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(AssignmentRule, pk=pk)
    initial = {
        "name": rule.name,
        "field": rule.field,
        "value": rule.value,
        "method": rule.method,
        "user": rule.user_id,
        "team": rule.team_id,
        "is_active": rule.is_active,
    }
    form = AssignmentRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment.update_assignment_rule(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("sales:assignment_rule_list")
    context = {
        "form": form,
        "title": _("Edit rule “%(name)s”") % {"name": rule.name},
        "cancel_url": reverse("sales:assignment_rule_list"),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(ASSIGNMENT_RULE, "delete")
def assignment_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(AssignmentRule, pk=pk)
    assignment.delete_assignment_rule(actor=request.user, rule=rule)
    messages.success(request, _("The rule was removed."))
    return redirect("sales:assignment_rule_list")


@require_POST
@require_action(ASSIGNMENT_RULE, "change")
def assignment_rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a rule one place up (``direction=up``) or down."""
    rule = get_object_or_404(AssignmentRule, pk=pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    assignment.move_assignment_rule(actor=request.user, rule=rule, offset=offset)
    return redirect("sales:assignment_rule_list")


@require_action(SCORING_RULE, "view")
def scoring_rule_list(request: HttpRequest) -> HttpResponse:
    form = ScoringRuleForm(request.POST or None)
    if request.method == "POST":
        _require(request, SCORING_RULE, "add")
        if form.is_valid():
            try:
                scoring.create_scoring_rule(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The rule was added. Rescore every lead to apply it now.")
                )
                return redirect("sales:scoring_rule_list")
    context = {
        "rules": scoring_rules(),
        "form": form,
        "fields": SCORING_FIELDS,
        "can_change": can(request.user, SCORING_RULE, "change"),
        "can_add": can(request.user, SCORING_RULE, "add"),
    }
    return render(request, "sales/scoring_rule_list.html", context)


@require_action(SCORING_RULE, "change")
def scoring_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ScoringRule, pk=pk)
    initial = {
        "name": rule.name,
        "field": rule.field,
        "value": rule.value,
        "points": rule.points,
        "is_active": rule.is_active,
    }
    form = ScoringRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scoring.update_scoring_rule(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("sales:scoring_rule_list")
    context = {
        "form": form,
        "title": _("Edit rule “%(name)s”") % {"name": rule.name},
        "cancel_url": reverse("sales:scoring_rule_list"),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(SCORING_RULE, "delete")
def scoring_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ScoringRule, pk=pk)
    scoring.delete_scoring_rule(actor=request.user, rule=rule)
    messages.success(request, _("The rule was removed."))
    return redirect("sales:scoring_rule_list")


@require_POST
@require_action(SCORING_RULE, "change")
def scoring_rescore(request: HttpRequest) -> HttpResponse:
    changed = scoring.rescore_all(actor=request.user)
    messages.success(request, _("Every lead was rescored (%(n)s changed).") % {"n": changed})
    return redirect("sales:scoring_rule_list")


@require_action(LEAD, "view")
def lead_quality(request: HttpRequest) -> HttpResponse:
    """Leads, average score and outcomes per source, over the leads the user sees, and
    how good the predictive score is (managers)."""
    context = {
        "rows": lead_quality_by_source(request.user),
        "model": LeadScoreModel.objects.order_by("-pk").first(),
        "can_train": can(request.user, SCORING_RULE, "change"),
    }
    return render(request, "sales/lead_quality.html", context)


@require_POST
@require_action(SCORING_RULE, "change")
def lead_model_train(request: HttpRequest) -> HttpResponse:
    version = train_lead_model(actor=request.user)
    if version is None:
        messages.error(
            request,
            _("Not enough closed leads yet: the model needs ten converted and ten disqualified."),
        )
    else:
        messages.success(
            request,
            _("Model v%(version)s learned from %(n)s leads; holdout AUC %(auc).2f.")
            % {"version": version.pk, "n": version.trained_on, "auc": version.auc},
        )
    return redirect("sales:lead_quality")
