from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guanxi.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from guanxi.core import lookups, object_types, tasks  # noqa: F401 - registers periodic tasks

        lookups.register()
        object_types.register_all()
        object_types.register_search()
        # Built-in roles follow the code after every migrate, like Django's own
        # permissions do; this is set-up data, not business logic.
        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(**kwargs: object) -> None:
    from guanxi.core.services.roles import sync_builtin_roles

    sync_builtin_roles()
