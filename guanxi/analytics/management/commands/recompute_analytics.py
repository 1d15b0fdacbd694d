"""``manage.py recompute_analytics``: rescore customers now (full by default)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guanxi.analytics.services.recompute import (
    recompute_accounts,
    recompute_all,
    recompute_changed,
)


class Command(BaseCommand):
    help = "Recompute RFM scores, segments and lifetime values (all customers by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--changed", action="store_true", help="only changed customers")
        parser.add_argument("--accounts", default="", help="comma-separated account ids")
        parser.add_argument(
            "--no-refit", action="store_true", help="full run with the latest fitted models"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done}/{total}")

        if options["accounts"]:
            ids = [int(v) for v in options["accounts"].split(",") if v.strip()]
            result = recompute_accounts(ids)
        elif options["changed"]:
            result = recompute_changed()
        else:
            result = recompute_all(progress=progress, refit=not options["no_refit"])
        self.stdout.write(
            f"{len(result.account_ids)} customers scored, {result.removed} rows removed."
        )
        if result.run is not None and result.run.note:
            self.stdout.write(result.run.note)
