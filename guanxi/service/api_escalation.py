"""The API of escalation rules."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Escalation rules"])
