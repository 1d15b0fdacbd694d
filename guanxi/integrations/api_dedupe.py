"""API endpoints for duplicate contacts: the found pairs, a scan, merges and undo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from guanxi.core.access import require
from guanxi.customers.selectors import get_contact_for
from guanxi.integrations import dedupe
from guanxi.integrations.api.calls import caller
from guanxi.integrations.api_dedupe_accounts import router as accounts_router
from guanxi.integrations.dedupe_schedule import request_scan, scan_seen_by
from guanxi.integrations.merge import merge_contacts, undo_merge
from guanxi.integrations.models_dedupe import DuplicateScan, Merge

router = Router(tags=["duplicates"])
router.add_router("", accounts_router)
CONTACT = "customers.contact"


class PairSchema(Schema):
    id: int
    first_id: int
    second_id: int
    score: float
    reasons: list[str]
    status: str


class ScanSchema(Schema):
    id: int
    status: str = Field(description="queued, running, done or failed")
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    accounts: bool = Field(description="Accounts are scanned too (you may change them)")
    open_pairs: int | None = Field(
        description="Possible duplicate contacts in the whole base, once done (shown to "
        "those who see every contact; their own are at GET /duplicates)"
    )
    open_account_pairs: int | None = Field(
        description="Possible duplicate accounts in the whole base, once done, when accounts "
        "were scanned (shown to those who see every contact and may see accounts)"
    )
    error: str = Field(description="Why it failed (shown to those who see every contact)")


class MatchSchema(Schema):
    contact_id: int
    name: str
    score: float
    reasons: list[str]


class MergeIn(Schema):
    survivor_id: int
    other_id: int
    choices: dict[str, str] = Field(
        default_factory=dict, description='field group -> "survivor" or "other"'
    )


class MergeSchema(Schema):
    id: int
    survivor_id: int
    other_id: int
    moved: int
    dropped: int
    undone: bool


def _merge_out(merge: Merge) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "survivor_id": merge.survivor_id,
        "other_id": merge.other_id,
        "moved": len(merge.snapshot.get("moved", [])),
        "dropped": len(merge.snapshot.get("dropped", [])),
        "undone": merge.undone_at is not None,
    }


@router.get("/duplicates", response=list[PairSchema], summary="Possible duplicate contacts")
def list_duplicates(
    request: HttpRequest,
    status: str = "open",
    offset: int = Query(0, ge=0, description="Pairs to skip (best first)"),
    limit: int = Query(200, ge=1, le=500, description="Pairs to return"),
) -> Any:
    require(request.user, CONTACT, "view")
    pairs = dedupe.pairs_visible_to(caller(request)).filter(status=status)
    return list(pairs[offset : offset + limit])


@router.post(
    "/duplicates/scan",
    response={202: ScanSchema},
    summary="Look for duplicate contacts now",
    description="Starts a full scan in the background (or returns the one waiting or "
    "running) and answers at once; ask `GET /duplicates/scans/{scan_id}` for its progress "
    "and result.",
)
def scan_duplicates(request: HttpRequest) -> Any:
    return Status(202, scan_seen_by(request.user, request_scan(actor=caller(request))))


@router.get("/duplicates/scans/{scan_id}", response=ScanSchema, summary="A scan's progress")
def scan_progress(request: HttpRequest, scan_id: int) -> Any:
    require(request.user, CONTACT, "view")
    return scan_seen_by(request.user, get_object_or_404(DuplicateScan, pk=scan_id))


@router.post(
    "/duplicates/{pair_id}/dismiss", response=PairSchema, summary="Mark a pair as two people"
)
def dismiss_duplicate(request: HttpRequest, pair_id: int) -> Any:
    pair = dedupe.get_pair_for(caller(request), pair_id)
    get_contact_for(request.user, pair.first_id, "change")
    get_contact_for(request.user, pair.second_id, "change")
    return dedupe.dismiss_pair(actor=caller(request), pair=pair)


@router.get(
    "/contacts/duplicates-of",
    response=list[MatchSchema],
    summary="Contacts that look like the given email, phone or name",
)
def duplicates_of(request: HttpRequest, email: str = "", phone: str = "", name: str = "") -> Any:
    require(request.user, CONTACT, "view")
    found = dedupe.duplicates_of(caller(request), email=email, phone=phone, name=name)
    return [
        {"contact_id": f.contact.pk, "name": str(f.contact), "score": f.score, "reasons": f.reasons}
        for f in found
    ]


@router.post("/contacts/merge", response={201: MergeSchema}, summary="Merge two contacts")
def merge(request: HttpRequest, payload: MergeIn) -> Any:
    survivor = get_contact_for(request.user, payload.survivor_id, "change")
    other = get_contact_for(request.user, payload.other_id, "change")
    done = merge_contacts(
        actor=caller(request), survivor=survivor, other=other, choices=payload.choices
    )
    return Status(201, _merge_out(done))


@router.post("/merges/{merge_id}/undo", response=MergeSchema, summary="Undo a merge")
def undo(request: HttpRequest, merge_id: int) -> Any:
    done = dedupe.get_merge_for(caller(request), merge_id)
    undo_merge(actor=caller(request), merge=done)
    done.refresh_from_db()
    return _merge_out(done)
