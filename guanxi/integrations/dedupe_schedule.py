"""Scans of both kinds of record: the nightly duplicate scan (contacts and accounts
changed since the last run are scored again, so the suggested pairs stay current
without rescoring everything) and the preview of other matching rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from guanxi.integrations import dedupe, dedupe_accounts
from guanxi.integrations.dedupe import scan_contacts
from guanxi.integrations.dedupe_accounts import scan_accounts
from guanxi.integrations.match_rules import engine_rules
from guanxi.integrations.models_account_dedupe import ScanMark
from guanxi.integrations.pair_store import RulesPreview

# Changes saved while the previous scan was running are caught by the next one.
OVERLAP = timedelta(minutes=5)
SCANS: dict[str, Callable[..., int]] = {"contacts": scan_contacts, "accounts": scan_accounts}
PREVIEWS: dict[str, Callable[[Any], RulesPreview]] = {
    "contacts": dedupe.preview_rules,
    "accounts": dedupe_accounts.preview_rules,
}


def scheduled_scan(*, now: datetime | None = None, full: bool = False) -> dict[str, int]:
    """Refresh the pairs of each kind: incrementally from its last scan (the first run,
    or ``full``, scans everything). Returns the open pairs per kind."""
    result = {}
    for kind, scan in SCANS.items():
        started = now or timezone.now()
        mark = ScanMark.objects.filter(kind=kind).first()
        since = None if full or mark is None else mark.scanned_at - OVERLAP
        result[kind] = scan(changed_since=since)
        ScanMark.objects.update_or_create(kind=kind, defaults={"scanned_at": started})
    return result


def preview_match_rules(kind: str, rules: dict[str, Any]) -> RulesPreview:
    """What the (validated) ``rules`` of a kind would suggest next to the rules in use;
    nothing is saved."""
    return PREVIEWS[kind](engine_rules(kind, rules))
