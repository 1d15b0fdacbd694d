"""This area's rows in the permission matrix (pages and API operations).

Factories make leads owned by the acting user, so own-scope roles (sales reps) are
allowed on them; who sees other people's leads is tested in ``test_leads_permissions``.
"""

from __future__ import annotations

from typing import Any

from guanxi.core.tests import matrix_rows_forms as forms_rows
from guanxi.sales.models import AssignmentRule, Lead, ScoringRule
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_team, make_user

ADDERS = frozenset({"administrator", "sales_manager", "sales_rep", "marketer"})
CHANGERS = frozenset({"administrator", "sales_manager", "sales_rep"})
LOGGERS = EVERYONE - {"analyst"}  # may add activities, and see leads
SETUP = frozenset({"administrator", "sales_manager"})


def own_lead(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    return {"pk": make_lead(owner=owner, company="Matrix 科技有限公司").pk}


def _lead_id(actor: Any) -> dict[str, Any]:
    return {"lead_id": own_lead(actor)["pk"]}


def some_assignment_rule(actor: Any) -> dict[str, Any]:
    n = AssignmentRule.objects.count() + 1
    rule = AssignmentRule.objects.create(name=f"Rule {n}", user=make_user(), position=n)
    return {"pk": rule.pk}


def some_scoring_rule(actor: Any) -> dict[str, Any]:
    rule = ScoringRule.objects.create(name="Fit", field="industry", value="retail", points=5)
    return {"pk": rule.pk}


def _team_rule(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    team = make_team(members=[make_user()])
    return {}, {"name": "Round robin", "method": "round_robin", "team_id": team.pk}


LEAD_FORM = {"family_name": "王", "given_name": "芳", "source": "trade_show", "country": "CN"}
CONVERT = {
    "account": "new",
    "contact": "new",
    "create_deal": "on",
    "deal_name": "D",
    "amount": "10",
}
SCORING_FORM = {"name": "Maker", "field": "industry", "value": "manufacturing", "points": "20"}

PAGES: dict[str, Case] = {
    "sales:lead_list": Case("GET", EVERYONE),
    "sales:lead_create": Case("POST", ADDERS, data=LEAD_FORM),
    "sales:lead_quality": Case("GET", EVERYONE),
    "sales:lead_model_train": Case("POST", SETUP),
    "sales:lead_detail": Case("GET", EVERYONE, kwargs=own_lead),
    "sales:lead_edit": Case("POST", CHANGERS, kwargs=own_lead, data=LEAD_FORM),
    "sales:lead_delete": Case("POST", CHANGERS, kwargs=own_lead),
    "sales:lead_qualify": Case("POST", CHANGERS, kwargs=own_lead),
    "sales:lead_disqualify": Case("POST", CHANGERS, kwargs=own_lead, data={"reason": "spam"}),
    "sales:lead_log_activity": Case(
        "POST", LOGGERS, kwargs=own_lead, data={"kind": "call", "subject": "Called"}
    ),
    "sales:lead_convert": Case("POST", CHANGERS, kwargs=own_lead, data=CONVERT),
    "sales:assignment_rule_list": Case("POST", SETUP, data={"name": "R", "method": "user"}),
    "sales:assignment_rule_edit": Case(
        "POST", SETUP, kwargs=some_assignment_rule, data={"name": "R2", "method": "user"}
    ),
    "sales:assignment_rule_delete": Case("POST", SETUP, kwargs=some_assignment_rule),
    "sales:assignment_rule_move": Case(
        "POST", SETUP, kwargs=some_assignment_rule, data={"direction": "up"}
    ),
    "sales:scoring_rule_list": Case("POST", SETUP, data=SCORING_FORM),
    "sales:scoring_rule_edit": Case("POST", SETUP, kwargs=some_scoring_rule, data=SCORING_FORM),
    "sales:scoring_rule_delete": Case("POST", SETUP, kwargs=some_scoring_rule),
    "sales:scoring_rescore": Case("POST", SETUP),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/leads"): Case("GET", EVERYONE),
    ("POST", "/api/v1/leads"): Case("POST", ADDERS, data={"family_name": "李", "company": "X"}),
    ("GET", "/api/v1/leads/quality"): Case("GET", EVERYONE),
    ("GET", "/api/v1/leads/{lead_id}"): Case("GET", EVERYONE, kwargs=_lead_id),
    ("PATCH", "/api/v1/leads/{lead_id}"): Case(
        "PATCH", CHANGERS, kwargs=_lead_id, data={"title": "CFO"}
    ),
    ("DELETE", "/api/v1/leads/{lead_id}"): Case("DELETE", CHANGERS, kwargs=_lead_id),
    ("POST", "/api/v1/leads/{lead_id}/qualify"): Case("POST", CHANGERS, kwargs=_lead_id),
    ("POST", "/api/v1/leads/{lead_id}/disqualify"): Case(
        "POST", CHANGERS, kwargs=_lead_id, data={"reason": "no_budget"}
    ),
    ("POST", "/api/v1/leads/{lead_id}/activities"): Case(
        "POST", LOGGERS, kwargs=_lead_id, data={"kind": "call", "subject": "Called"}
    ),
    ("GET", "/api/v1/leads/{lead_id}/duplicates"): Case("GET", CHANGERS, kwargs=_lead_id),
    ("POST", "/api/v1/leads/{lead_id}/convert"): Case(
        "POST", CHANGERS, kwargs=_lead_id, data={"amount": "10"}
    ),
    ("GET", "/api/v1/lead-assignment-rules"): Case("GET", EVERYONE),
    ("POST", "/api/v1/lead-assignment-rules"): Case("POST", SETUP, setup=_team_rule),
    ("PATCH", "/api/v1/lead-assignment-rules/{rule_id}"): Case(
        "PATCH",
        SETUP,
        kwargs=lambda a: {"rule_id": some_assignment_rule(a)["pk"]},
        data={"name": "Renamed"},
    ),
    ("DELETE", "/api/v1/lead-assignment-rules/{rule_id}"): Case(
        "DELETE", SETUP, kwargs=lambda a: {"rule_id": some_assignment_rule(a)["pk"]}
    ),
    ("GET", "/api/v1/lead-scoring-rules"): Case("GET", EVERYONE),
    ("POST", "/api/v1/lead-scoring-rules"): Case(
        "POST", SETUP, data={"name": "Maker", "field": "industry", "value": "x", "points": 5}
    ),
    ("POST", "/api/v1/lead-scoring-rules/rescore"): Case("POST", SETUP),
    ("PATCH", "/api/v1/lead-scoring-rules/{rule_id}"): Case(
        "PATCH",
        SETUP,
        kwargs=lambda a: {"rule_id": some_scoring_rule(a)["pk"]},
        data={"points": 7},
    ),
    ("DELETE", "/api/v1/lead-scoring-rules/{rule_id}"): Case(
        "DELETE", SETUP, kwargs=lambda a: {"rule_id": some_scoring_rule(a)["pk"]}
    ),
}

# The web-to-lead form pages live in core; until ``matrix_rows_forms`` is wired into the
# matrix's MODULES, its rows ride along here (updating twice later is harmless).
PAGES.update(forms_rows.PAGES)
OPERATIONS.update(forms_rows.OPERATIONS)


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        *forms_rows.state(),
        sorted(
            Lead.all_objects.values_list(
                "pk", "status", "title", "owner_id", "team_id", "score", "deleted_at"
            )
        ),
        Lead.activities.through.objects.count(),
        Lead.tags.through.objects.count(),
        sorted(
            AssignmentRule.objects.values_list(
                "pk", "name", "position", "method", "user_id", "team_id", "last_assigned_id"
            )
        ),
        sorted(ScoringRule.objects.values_list("pk", "name", "field", "value", "points")),
    )
