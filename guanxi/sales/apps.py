from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from guanxi.sales import object_types

        # Built-in roles pick these grants up after the next ``migrate`` (core syncs them).
        object_types.register_all()
