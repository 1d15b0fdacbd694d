"""Load the demo customers: accounts, contacts and two years of activities."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError

from guanxi.core.management.commands.seed_demo_users import DEMO_USERS
from guanxi.core.models import User
from guanxi.customers.demo import DemoSize, has_customer_data, load_demo, reset_demo


class Command(BaseCommand):
    help = (
        "Load a deterministic, realistic demo data set of Chinese and Western customers "
        "(default: 2,000 accounts, 6,000 contacts, 30,000 activities). Creates the demo "
        "users first when they are missing. Refuses to run on a database that already has "
        "accounts or contacts unless --reset is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = DemoSize()
        parser.add_argument("--accounts", type=int, default=default.accounts)
        parser.add_argument("--contacts", type=int, default=default.contacts)
        parser.add_argument("--activities", type=int, default=default.activities)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply the three sizes by this factor"
        )
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same data")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first delete EVERY account, contact and activity (not only demo ones)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when there are accounts or contacts already",
        )
        parser.add_argument(
            "--no-search-index",
            action="store_true",
            help="skip rebuilding the search documents (benchmarks of the list API)",
        )
        parser.add_argument("--batch", type=int, default=2000, help="rows per INSERT batch")

    def handle(self, *args: Any, **options: Any) -> None:
        size = DemoSize(options["accounts"], options["contacts"], options["activities"])
        size = size.scaled(options["scale"]) if options["scale"] != 1 else size
        if min(size.accounts, size.contacts, size.activities) < 0:
            raise CommandError("Sizes cannot be negative.")
        if has_customer_data():
            if options["if_empty"] and not options["reset"]:
                self.stdout.write("Customer records exist already: no demo data loaded.")
                return
            if not options["reset"]:
                raise CommandError(
                    "This database already has accounts or contacts. To delete every "
                    "account, contact and activity and load the demo again, run "
                    "`manage.py seed_demo --reset`."
                )
            try:
                reset_demo()
            except ProtectedError:
                raise CommandError(
                    "Deals still refer to these accounts: run `manage.py seed_demo_sales "
                    "--reset` first, then `manage.py seed_demo --reset`."
                ) from None
            self.stdout.write("Deleted the previous accounts, contacts and activities.")
        if not User.objects.filter(email__in=[row[0] for row in DEMO_USERS]).exists():
            call_command("seed_demo_users", stdout=self.stdout)
        started = time.monotonic()
        counts = load_demo(
            seed=options["seed"],
            size=size,
            batch=options["batch"],
            index=not options["no_search_index"],
            log=lambda message: (
                self.stdout.write(f"  {message}") if options["verbosity"] > 1 else None
            ),
        )
        summary = ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f}s: {summary}.")
        )
