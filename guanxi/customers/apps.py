from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from guanxi.customers import object_types, tasks, timeline_sources  # noqa: F401

        # Built-in roles pick these grants up after the next ``migrate`` (core syncs them).
        object_types.register_all()
        timeline_sources.register()
