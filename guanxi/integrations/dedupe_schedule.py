"""Scans of both kinds of record: the nightly duplicate scan (contacts and accounts
changed since the last run are scored again, so the suggested pairs stay current
without rescoring everything), the full scan a user asks for ("Scan now", run in the
background) and the preview of other matching rules."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can, require, scope_for
from guanxi.core.choices import Scope
from guanxi.core.models import User
from guanxi.core.services.notifications import notify
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.integrations import dedupe, dedupe_accounts
from guanxi.integrations.dedupe import scan_contacts
from guanxi.integrations.dedupe_accounts import scan_accounts
from guanxi.integrations.match_rules import engine_rules
from guanxi.integrations.models_account_dedupe import ScanMark
from guanxi.integrations.models_dedupe import LOST_AFTER, DuplicateScan, ScanStatus
from guanxi.integrations.pair_store import RulesPreview

logger = logging.getLogger(__name__)

# Changes saved while the previous scan was running are caught by the next one.
OVERLAP = timedelta(minutes=5)
SCANS: dict[str, Callable[..., int]] = {"contacts": scan_contacts, "accounts": scan_accounts}
PREVIEWS: dict[str, Callable[[Any], RulesPreview]] = {
    "contacts": dedupe.preview_rules,
    "accounts": dedupe_accounts.preview_rules,
}


def request_scan(*, actor: User) -> DuplicateScan:
    """Ask for a full scan (accounts too when ``actor`` may change them), run by a
    background task. While one is under way asking again returns it (and widens it to
    the accounts while it still waits); one lost (``LOST_AFTER``) is closed first."""
    require(actor, CONTACT, "change")
    accounts = can(actor, ACCOUNT, "change")
    DuplicateScan.objects.filter(active=True, requested_at__lt=timezone.now() - LOST_AFTER).update(
        active=None, status=ScanStatus.FAILED, finished_at=timezone.now(), error=LOST_ERROR
    )
    try:
        with transaction.atomic():
            scan = DuplicateScan.objects.create(requested_by=actor, accounts=accounts)
    except IntegrityError:  # one is under way: at most one at a time
        found = DuplicateScan.objects.filter(active=True).first()
        if found is None:  # it finished meanwhile: this one starts now
            return request_scan(actor=actor)
        scan = found
        if accounts and not scan.accounts:
            DuplicateScan.objects.filter(pk=scan.pk, status=ScanStatus.QUEUED).update(accounts=True)
            scan.refresh_from_db()
        return scan
    transaction.on_commit(lambda: _enqueue(scan.pk))
    return scan


LOST_ERROR = "The scan did not finish: its worker stopped."


def _enqueue(scan_id: int) -> None:
    from guanxi.integrations.tasks import scan_on_request

    scan_on_request.enqueue(scan_id)


def run_requested_scan(scan_id: int) -> DuplicateScan:
    """Run a requested scan once (a task run again finds it started and leaves it), then
    tell the person who asked that it is done."""
    claimed = DuplicateScan.objects.filter(pk=scan_id, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING, started_at=timezone.now()
    )
    scan = DuplicateScan.objects.select_related("requested_by").get(pk=scan_id)
    if not claimed:
        return scan
    try:
        kinds = ["contacts", "accounts"] if scan.accounts else ["contacts"]
        found = scheduled_scan(full=True, kinds=kinds)
    except Exception as error:
        logger.exception("duplicate scan %s failed", scan_id)
        if not connection.in_atomic_block:  # the error may have been the connection
            close_old_connections()  # itself: the next query opens a new one
        scan.status, scan.error = ScanStatus.FAILED, str(error)[:1000]
    else:
        scan.status = ScanStatus.DONE
        scan.open_pairs = found["contacts"]
        scan.open_account_pairs = found.get("accounts")
    scan.finished_at, scan.active = timezone.now(), None
    fields = ["status", "error", "open_pairs", "open_account_pairs", "finished_at", "active"]
    scan.save(update_fields=fields)
    if scan.requested_by is not None:
        notify(
            recipients=[scan.requested_by],
            kind="duplicates.scanned",
            title=lambda: _scan_title(scan),
            url=reverse("integrations:duplicate_list"),
            obj=scan,
        )
    return scan


def _scan_title(scan: DuplicateScan) -> str:
    if scan.status == ScanStatus.FAILED:
        return _("The duplicate scan failed.")
    return _("The duplicate scan is done: the duplicates page shows what it found.")


def scan_seen_by(user: Any, scan: DuplicateScan) -> dict[str, Any]:
    """A scan as ``user`` may see it: the counts of the whole base and the error only
    for someone who sees every contact (the accounts' count: and may see accounts)."""
    whole = scope_for(user, CONTACT, "view") == Scope.ALL
    accounts = whole and can(user, ACCOUNT, "view")
    return {
        "id": scan.pk,
        "status": scan.status,
        "requested_at": scan.requested_at,
        "started_at": scan.started_at,
        "finished_at": scan.finished_at,
        "accounts": scan.accounts,
        "open_pairs": scan.open_pairs if whole else None,
        "open_account_pairs": scan.open_account_pairs if accounts else None,
        "error": scan.error if whole else "",
    }


def latest_scan() -> DuplicateScan | None:
    """The scan asked for last, for the duplicates page."""
    return DuplicateScan.objects.select_related("requested_by").first()


def scheduled_scan(
    *, now: datetime | None = None, full: bool = False, kinds: list[str] | None = None
) -> dict[str, int]:
    """Refresh the pairs of each kind (of ``kinds``, all by default): incrementally from
    its last scan (the first run, or ``full``, scans everything). Returns the open pairs
    per kind."""
    result = {}
    for kind, scan in SCANS.items():
        if kinds is not None and kind not in kinds:
            continue
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
