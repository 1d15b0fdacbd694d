"""Recompute every search document (after an upgrade, an import or a restore from backup)."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.core.services.search import rebuild_index


class Command(BaseCommand):
    help = "Recompute the search documents of every searchable record."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("types", nargs="*", help="object types, e.g. customers.contact")

    def handle(self, *args: Any, **options: Any) -> None:
        written = rebuild_index(options["types"] or None)
        self.stdout.write(f"{written} search documents written.")
