from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "guanxi.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from guanxi.service import (  # noqa: F401 - tasks registers periodic tasks
            object_types,
            search,
            tasks,
            timeline_sources,
        )

        object_types.register_all()
        search.register()  # tickets in the global search box
        timeline_sources.register()  # ticket conversations on the customers' timelines
        # A database always has a business calendar (China, with the shipped holidays).
        post_migrate.connect(_ensure_calendar, sender=self)


def _ensure_calendar(**kwargs: object) -> None:
    from guanxi.service.services.calendars import ensure_default_calendar

    ensure_default_calendar()
