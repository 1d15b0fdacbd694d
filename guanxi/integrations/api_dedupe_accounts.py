"""API endpoints for duplicate accounts: the pairs, dismissing one, merge and undo
(mounted on the duplicates router; ``POST /duplicates/scan`` scans accounts too)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from guanxi.core.access import require
from guanxi.customers.selectors import get_account_for
from guanxi.integrations import dedupe_accounts
from guanxi.integrations.api.calls import caller
from guanxi.integrations.merge_accounts import merge_accounts, undo_account_merge
from guanxi.integrations.models_account_dedupe import AccountMerge

router = Router(tags=["duplicates"])
ACCOUNT = "customers.account"


class AccountPairSchema(Schema):
    id: int
    first_id: int
    second_id: int
    score: float
    reasons: list[str]
    status: str


class AccountMergeIn(Schema):
    survivor_id: int
    other_id: int
    choices: dict[str, str] = Field(
        default_factory=dict,
        description="field group (name, industry, size, website, tier, region, parent, owner, "
        'team, description) -> "survivor" or "other"',
    )


class AccountMergeSchema(Schema):
    id: int
    survivor_id: int
    other_id: int
    moved: int
    dropped: int
    undone: bool


def _merge_out(merge: AccountMerge) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "survivor_id": merge.survivor_id,
        "other_id": merge.other_id,
        "moved": len(merge.snapshot.get("moved", [])),
        "dropped": len(merge.snapshot.get("dropped", [])),
        "undone": merge.undone_at is not None,
    }


@router.get(
    "/duplicates/accounts", response=list[AccountPairSchema], summary="Possible duplicate accounts"
)
def list_account_pairs(
    request: HttpRequest,
    status: str = "open",
    offset: int = Query(0, ge=0, description="Pairs to skip (best first)"),
    limit: int = Query(200, ge=1, le=500, description="Pairs to return"),
) -> Any:
    require(request.user, ACCOUNT, "view")
    pairs = dedupe_accounts.pairs_visible_to(caller(request)).filter(status=status)
    return list(pairs[offset : offset + limit])


@router.post(
    "/duplicates/accounts/{pair_id}/dismiss",
    response=AccountPairSchema,
    summary="Mark a pair of accounts as two companies",
)
def dismiss_account_pair(request: HttpRequest, pair_id: int) -> Any:
    pair = dedupe_accounts.get_pair_for(caller(request), pair_id)
    get_account_for(request.user, pair.first_id, "change")
    get_account_for(request.user, pair.second_id, "change")
    return dedupe_accounts.dismiss_pair(actor=caller(request), pair=pair)


@router.post("/accounts/merge", response={201: AccountMergeSchema}, summary="Merge two accounts")
def merge(request: HttpRequest, payload: AccountMergeIn) -> Any:
    survivor = get_account_for(request.user, payload.survivor_id, "change")
    other = get_account_for(request.user, payload.other_id, "change")
    done = merge_accounts(
        actor=caller(request), survivor=survivor, other=other, choices=payload.choices
    )
    return Status(201, _merge_out(done))


@router.post(
    "/account-merges/{merge_id}/undo", response=AccountMergeSchema, summary="Undo an account merge"
)
def undo(request: HttpRequest, merge_id: int) -> Any:
    done = dedupe_accounts.get_merge_for(caller(request), merge_id)
    undo_account_merge(actor=caller(request), merge=done)
    done.refresh_from_db()
    return _merge_out(done)
