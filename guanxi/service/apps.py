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
        from guanxi.service import search_knowledge
        from guanxi.service.services import help_form

        search_knowledge.register()  # published articles in the global search box
        help_form.register()  # the "ticket" kind of public form (the /help/ page)
        timeline_sources.register()  # ticket conversations on the customers' timelines
        from guanxi.service import list_marks

        list_marks.register()  # "unresolved tickets" beside accounts on the account list
        from guanxi.service import tasks_field, timeline_field  # noqa: F401 - periodic task

        timeline_field.register()  # field visits on the customers' timelines
        from guanxi.service import receivers_surveys, tasks_surveys, timeline_surveys  # noqa: F401

        receivers_surveys.connect()  # a solved ticket asks for a CSAT answer
        timeline_surveys.register()  # survey answers on the customers' timelines
        from guanxi.service import tasks_escalation  # noqa: F401 - periodic task

        # A database always has a business calendar (China, with the shipped holidays).
        post_migrate.connect(_ensure_calendar, sender=self)
        # The /help/ page's public form exists after every migrate (a GET never writes).
        post_migrate.connect(help_form.ensure_help_form_after_migrate, sender=self)
        from guanxi.service import search_contracts, timeline_contracts

        search_contracts.register()  # service contracts in the global search box
        timeline_contracts.register()  # contracts starting and ending on the timelines


def _ensure_calendar(**kwargs: object) -> None:
    from guanxi.service.services.calendars import ensure_default_calendar

    ensure_default_calendar()
