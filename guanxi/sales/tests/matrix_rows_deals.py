"""The deals area's rows in the permission matrix (pages and API operations).

Factories create deals owned by the acting user, so own-scope roles (sales reps) are
allowed on them; who sees other people's deals is tested in
``test_deals_permissions.py``.
"""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.customers.models import Activity
from guanxi.sales.models import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.services.pipelines import create_pipeline
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

ADDERS = frozenset({"administrator", "sales_manager", "sales_rep"})
CHANGERS = ADDERS
DELETERS = ADDERS
MANAGERS = frozenset({"administrator", "sales_manager"})
LOGGERS = EVERYONE - {"analyst"}  # may see deals and log activities
_names = itertools.count(1)


def _owner(actor: Any) -> Any:
    return actor or make_user(role="sales_rep")


def own_deal(actor: Any) -> dict[str, Any]:
    return {"pk": make_deal(owner=_owner(actor)).pk}


def _deal_id(actor: Any) -> dict[str, Any]:
    return {"deal_id": own_deal(actor)["pk"]}


def new_pipeline(actor: Any) -> Pipeline:
    return create_pipeline(actor=make_user(), name=f"Matrix pipeline {next(_names)}")


def _pipeline_id(actor: Any) -> dict[str, Any]:
    return {"pipeline_id": new_pipeline(actor).pk}


def unused_stage(actor: Any) -> dict[str, Any]:
    """An open stage nobody used, in a pipeline with another open stage."""
    pipeline = create_pipeline(
        actor=make_user(),
        name=f"Matrix pipeline {next(_names)}",
        stages=[
            {"name": "A", "probability": 10, "kind": "open"},
            {"name": "B", "probability": 50, "kind": "open"},
            {"name": "Won", "probability": 100, "kind": "won"},
            {"name": "Lost", "probability": 0, "kind": "lost"},
        ],
    )
    return {"pk": pipeline.stages.get(name="B").pk}


def deal_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    account = make_account(owner=_owner(actor))
    return {}, {"name": "Matrix deal", "account": account.pk, "amount": "100", "currency": "CNY"}


def edit_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    deal = make_deal(owner=_owner(actor))
    data = {"name": "Renamed", "account": deal.account_id, "amount": "5", "currency": "CNY"}
    return {"pk": deal.pk}, data


def move_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"pk": own_deal(actor)["pk"]}, {"stage": stage("proposal").pk}


def pipeline_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    pipeline = new_pipeline(actor)
    data: dict[str, Any] = {
        "name": "Renamed",
        "position": "3",
        "is_active": "on",
        "stages-TOTAL_FORMS": "3",
        "stages-INITIAL_FORMS": "3",
    }
    for index, row in enumerate(pipeline.stages.all()):
        data.update(
            {
                f"stages-{index}-id": row.pk,
                f"stages-{index}-name": row.name,
                f"stages-{index}-probability": row.probability,
                f"stages-{index}-kind": row.kind,
            }
        )
    return {"pk": pipeline.pk}, data


def api_deal(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {"name": "API deal", "account_id": make_account(owner=_owner(actor)).pk}


def api_move(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return _deal_id(actor), {"stage_id": stage("proposal").pk}


ACTIVITY = {"kind": "call", "subject": "Called about the quote"}

PAGES: dict[str, Case] = {
    "sales:deal_list": Case("GET", EVERYONE),
    "sales:deal_board": Case("GET", EVERYONE),
    "sales:deal_create": Case("POST", ADDERS, setup=deal_form),
    "sales:deal_detail": Case("GET", EVERYONE, kwargs=own_deal),
    "sales:deal_edit": Case("POST", CHANGERS, setup=edit_form),
    "sales:deal_delete": Case("POST", DELETERS, kwargs=own_deal),
    "sales:deal_move": Case("POST", CHANGERS, setup=move_form),
    "sales:deal_timeline": Case("GET", EVERYONE, kwargs=own_deal),
    "sales:deal_log_activity": Case("POST", LOGGERS, kwargs=own_deal, data=ACTIVITY),
    "sales:pipeline_list": Case("POST", MANAGERS, data={"name": "New pipeline", "position": 2}),
    "sales:pipeline_detail": Case("POST", MANAGERS, setup=pipeline_form),
    "sales:stage_delete": Case("POST", MANAGERS, kwargs=unused_stage),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/deals"): Case("GET", EVERYONE),
    ("POST", "/api/v1/deals"): Case("POST", ADDERS, setup=api_deal),
    ("GET", "/api/v1/deals/board"): Case("GET", EVERYONE),
    ("GET", "/api/v1/deals/{deal_id}"): Case("GET", EVERYONE, kwargs=_deal_id),
    ("PATCH", "/api/v1/deals/{deal_id}"): Case(
        "PATCH", CHANGERS, kwargs=_deal_id, data={"next_step": "Send the quote"}
    ),
    ("DELETE", "/api/v1/deals/{deal_id}"): Case("DELETE", DELETERS, kwargs=_deal_id),
    ("POST", "/api/v1/deals/{deal_id}/move"): Case("POST", CHANGERS, setup=api_move),
    ("GET", "/api/v1/deals/{deal_id}/activities"): Case("GET", EVERYONE, kwargs=_deal_id),
    ("POST", "/api/v1/deals/{deal_id}/activities"): Case(
        "POST", LOGGERS, kwargs=_deal_id, data=ACTIVITY
    ),
    ("GET", "/api/v1/deals/{deal_id}/timeline"): Case("GET", EVERYONE, kwargs=_deal_id),
    ("GET", "/api/v1/pipelines"): Case("GET", EVERYONE),
    ("POST", "/api/v1/pipelines"): Case("POST", MANAGERS, data={"name": "API pipeline"}),
    ("PATCH", "/api/v1/pipelines/{pipeline_id}"): Case(
        "PATCH", MANAGERS, kwargs=_pipeline_id, data={"name": "Renamed by API"}
    ),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            Deal.all_objects.values_list(
                "pk", "name", "stage_id", "amount", "next_step", "owner_id", "deleted_at"
            )
        ),
        DealStageChange.objects.count(),
        sorted(Pipeline.objects.values_list("pk", "name", "position", "is_default", "is_active")),
        sorted(Stage.objects.values_list("pk", "name", "probability", "kind", "position")),
        Activity.all_objects.count(),
        Deal.activities.through.objects.count(),
    )
