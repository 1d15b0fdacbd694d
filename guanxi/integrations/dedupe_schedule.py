"""The nightly duplicate scan: contacts and accounts changed since the last run are
scored again, so the suggested pairs stay current without rescoring everything."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from guanxi.integrations.dedupe import scan_contacts
from guanxi.integrations.dedupe_accounts import scan_accounts
from guanxi.integrations.models_account_dedupe import ScanMark

# Changes saved while the previous scan was running are caught by the next one.
OVERLAP = timedelta(minutes=5)
SCANS = {"contacts": scan_contacts, "accounts": scan_accounts}


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
