"""Load demo tickets, categories and SLA policies for the demo customers (``seed_demo``),
then the knowledge base, field service (points, technicians, visits), surveys, routing
rules (for the tickets opened afterwards) and service contracts."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.service.demo import load_service, reset_service
from guanxi.service.demo_field import load_field_service, reset_field_service
from guanxi.service.demo_knowledge import load_knowledge, reset_knowledge
from guanxi.service.demo_routing import load_routing, reset_routing
from guanxi.service.demo_surveys import load_surveys
from guanxi.service.models import Ticket


class Command(BaseCommand):
    help = (
        "Load demo tickets (with conversations and SLA clocks), categories, SLA policies, "
        "knowledge-base articles, service points with visits, survey answers, routing "
        "rules and service contracts."
    )

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
            reset_routing()
            reset_field_service()
            reset_knowledge()
            reset_service()
            self.stdout.write(
                "Deleted every ticket, the demo categories, policies, rules and contracts."
            )
            return
        if options["if_empty"] and Ticket.all_objects.exists():
            self.stdout.write("Tickets exist already: no demo service data loaded.")
            return
        counts = load_service(tickets=options["tickets"], seed=options["seed"])
        articles = load_knowledge()
        field = load_field_service(seed=options["seed"])
        surveys = load_surveys(seed=options["seed"])
        # After the demo tickets: the rules route the tickets opened from now on.
        routing = load_routing()
        loaded = {**counts, **articles, **field, **surveys, **routing}
        summary = ", ".join(f"{number} {name}" for name, number in loaded.items())
        self.stdout.write(f"Demo service data loaded: {summary}.")
