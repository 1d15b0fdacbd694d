"""Periodic tasks: registered here, enqueued by the ``run_scheduler`` command.

Each task runs once per slot of its interval. The slot is claimed by inserting a
``PeriodicRun`` row under a unique constraint, so several schedulers (or a restarted
one) never enqueue the same slot twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from guanxi.core.models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    task: Any  # a django_tasks Task
    every: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path


_periodic: dict[str, Periodic] = {}


def register_periodic(task: Any, every: timedelta) -> None:
    entry = Periodic(task=task, every=every)
    _periodic[entry.name] = entry


def periodic_tasks() -> list[Periodic]:
    return sorted(_periodic.values(), key=lambda p: p.name)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose current slot has not been enqueued yet."""
    now = now or timezone.now()
    enqueued = []
    for entry in periodic_tasks():
        seconds = int(entry.every.total_seconds())
        slot = int(now.timestamp()) // seconds * seconds
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(task_name=entry.name, slot=slot)
                transaction.on_commit(entry.task.enqueue)
        except IntegrityError:
            continue
        enqueued.append(entry.name)
    return enqueued
