from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from guanxi.sales import (  # noqa: F401 - tasks registers periodic tasks
            object_types,
            search,
            search_deals,
            search_orders,
            search_quotes,
            tasks,
            timeline_sources_deals,
            timeline_sources_orders,
            timeline_sources_quotes,
        )
        from guanxi.sales.services import first_contact

        # Built-in roles pick these grants up after the next ``migrate`` (core syncs them).
        object_types.register_all()
        search.register()  # leads in the global search box
        first_contact.register()  # the "lead" kind of public form (web-to-lead)
        search_deals.register()  # deals in the global search box
        timeline_sources_deals.register()  # deals on the customers' timelines
        search_orders.register()  # orders (and their serial numbers) in the search box
        search_quotes.register()  # quotes by number, deal and customer
        timeline_sources_orders.register()  # orders and returns on the customers' timelines
        timeline_sources_quotes.register()  # sent quotes (promised prices) on them too
        # A database always has a sales pipeline (set-up data, like the built-in roles;
        # also after a test database is flushed).
        post_migrate.connect(_ensure_pipeline, sender=self)


def _ensure_pipeline(**kwargs: object) -> None:
    from guanxi.sales.services.pipelines import ensure_default_pipeline

    ensure_default_pipeline()
