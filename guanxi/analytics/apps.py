from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "guanxi.analytics"
    label = "analytics"
    verbose_name = _("Customer analytics")

    def ready(self) -> None:
        from guanxi.analytics import (  # noqa: F401 - tasks registers periodic tasks
            dashboards,
            object_types,
            tasks,
        )

        # Built-in roles pick these grants up after the next ``migrate`` (core syncs them).
        object_types.register_all()
        dashboards.register()  # the customer dashboard
