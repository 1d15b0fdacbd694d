from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from guanxi.sales import object_types, search, tasks  # noqa: F401 - periodic tasks
        from guanxi.sales.services import first_contact

        # Built-in roles pick these grants up after the next ``migrate`` (core syncs them).
        object_types.register_all()
        search.register()  # leads in the global search box
        first_contact.register()  # the "lead" kind of public form (web-to-lead)

        from guanxi.sales import search_deals, timeline_sources_deals

        search_deals.register()  # deals in the global search box
        timeline_sources_deals.register()  # deals on the customers' timelines
