"""Load demo tickets, categories and SLA policies for the demo customers (``seed_demo``)."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.service.demo import load_service, reset_service
from guanxi.service.models import Ticket


class Command(BaseCommand):
    help = "Load demo tickets (with conversations and SLA clocks), categories and SLA policies."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tickets", type=int, default=150)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when there are tickets"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete every ticket and the demo set-up"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            reset_service()
            self.stdout.write("Deleted every ticket and the demo categories and policies.")
            return
        if options["if_empty"] and Ticket.all_objects.exists():
            self.stdout.write("Tickets exist already: no demo service data loaded.")
            return
        counts = load_service(tickets=options["tickets"], seed=options["seed"])
        self.stdout.write(f"Demo service data loaded: {counts['tickets']} tickets.")
