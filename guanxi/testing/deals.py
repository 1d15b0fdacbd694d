"""Small factories for deals and pipelines, through the services like real code."""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.sales.models import Deal, Pipeline, Stage
from guanxi.sales.services.deals import create_deal
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

_counter = itertools.count(1)


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


def stage(code: str, pipeline: Pipeline | None = None) -> Stage:
    """A stage of the shipped pipeline by code (first_contact … won, lost)."""
    return Stage.objects.get(pipeline=pipeline or default_pipeline(), code=code)


def make_deal(**overrides: Any) -> Deal:
    """A deal owned by ``owner`` (a fresh user by default) on an account of the same owner
    (unless ``account`` is given), created by its owner unless ``actor`` says otherwise."""
    fields: dict[str, Any] = {"name": f"Deal {next(_counter)}", "amount": 10000}
    fields.update(overrides)
    owner = fields.pop("owner", None) or make_user(role="sales_rep")
    actor = fields.pop("actor", None) or owner
    if "account" not in fields:
        fields["account"] = make_account(owner=owner)
    return create_deal(actor=actor, owner=owner, **fields)
