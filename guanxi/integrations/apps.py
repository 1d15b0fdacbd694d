from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "guanxi.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from guanxi.integrations import export_specs, tasks  # noqa: F401 - periodic tasks

        export_specs.register_all()
        from guanxi.customers.duplicates import ACCOUNTS, register_duplicate_finder
        from guanxi.integrations.dedupe import find_duplicates_for
        from guanxi.integrations.dedupe_accounts import find_account_duplicates_for

        # The contact form warns before saving a contact that looks like one we have.
        register_duplicate_finder("contacts", find_duplicates_for)
        # The account form and API, likewise for accounts.
        register_duplicate_finder("accounts", find_account_duplicates_for, kind=ACCOUNTS)
