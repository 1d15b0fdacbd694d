"""Load demo leads and deals on top of the demo customers (``seed_demo``)."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.sales.demo import load_sales, reset_sales
from guanxi.sales.models import Deal, Lead


class Command(BaseCommand):
    help = "Load demo leads, deals (with stage history) and orders for the demo customers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--deals", type=int, default=600)
        parser.add_argument("--leads", type=int, default=300)
        parser.add_argument("--buyers", type=int, default=500, help="customers with repeat orders")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when there are deals or leads"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete every deal, lead, quote and order and stop (before `seed_demo --reset`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            reset_sales()
            self.stdout.write("Deleted every deal, lead, quote and order.")
            return
        if options["if_empty"] and (Deal.objects.exists() or Lead.objects.exists()):
            self.stdout.write("Deals or leads exist already: no demo sales data loaded.")
            return
        counts = load_sales(
            deals=options["deals"],
            leads=options["leads"],
            buyers=options["buyers"],
            seed=options["seed"],
        )
        self.stdout.write(
            f"Demo sales data loaded: {counts['deals']} deals, {counts['leads']} leads, "
            f"{counts.get('orders', 0)} orders, {counts.get('returns', 0)} returns."
        )
