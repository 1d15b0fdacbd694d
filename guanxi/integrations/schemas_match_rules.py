"""Request and response bodies of the matching-rules API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class MatchRulesIn(Schema):
    threshold: float | None = Field(
        default=None, description="Possible duplicate from this score (0.3–0.99)"
    )
    weights: dict[str, float] = Field(
        default_factory=dict, description="Weight per name (see `limits` of the GET)"
    )
    enabled: dict[str, bool] = Field(
        default_factory=dict, description="Evidence on (true) or off (false) per name"
    )


class MatchRulesValues(Schema):
    threshold: float
    weights: dict[str, float]
    enabled: dict[str, bool]


class MatchRulesOut(MatchRulesValues):
    kind: str
    version: int = Field(description="0 while the shipped defaults are in use")
    saved_at: datetime | None
    saved_by: str | None
    defaults: MatchRulesValues
    limits: dict[str, list[float]] = Field(
        description="[lowest, highest] allowed for the threshold and each weight"
    )


class RulesPreviewOut(Schema):
    records: int = Field(description="Records scanned")
    sample: bool = Field(description="Only the most recently changed records were scanned")
    scan_now: int = Field(description="Pairs the scan finds with the rules in use")
    scan_proposed: int = Field(description="Pairs the scan would find with the proposed rules")
    added: int
    removed: int
    stored_open: int = Field(description="Open pairs on the duplicates page")
    stored_now: int = Field(description="Of those, suggested by the rules in use")
    stored_proposed: int = Field(description="Of those, suggested by the proposed rules")
