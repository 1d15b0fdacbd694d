from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        # The shipped tiers exist in every database (set-up data, like the built-in roles;
        # also after a test database is flushed).
        post_migrate.connect(_ensure_tiers, sender=self)


def _ensure_tiers(**kwargs: object) -> None:
    from guanxi.customers.services.tiers import ensure_builtin_tiers

    ensure_builtin_tiers()
