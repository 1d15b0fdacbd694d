"""Enqueue periodic tasks when they are due; run next to ``db_worker``."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from guanxi.core.scheduling import enqueue_due, periodic_tasks


class Command(BaseCommand):
    help = "Enqueue registered periodic tasks once per interval (idempotent across schedulers)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        names = ", ".join(p.name for p in periodic_tasks())
        self.stdout.write(f"Scheduler: {len(periodic_tasks())} periodic tasks ({names})")
        while True:
            for name in enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if options["once"]:
                return
            time.sleep(options["interval"])
