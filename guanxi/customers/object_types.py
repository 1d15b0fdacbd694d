"""The customers module's object types, built-in grants and trash rules."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import Action, Scope
from guanxi.core.permissions import BUILTIN_ROLES, ObjectType, everything, read_only, register
from guanxi.core.search import Searchable, register_searchable
from guanxi.core.trash import TrashRule, register_trashable

ACCOUNT = "customers.account"
CONTACT = "customers.contact"
TIER = "customers.customertier"
ACTIVITY = "customers.activity"
EMAIL_TEMPLATE = "customers.emailtemplate"

V, A, C, D, E = Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE, Action.EXPORT

# Accounts and contacts share one grant table: a customer is both.
CUSTOMER_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "sales_manager": everything(Scope.TEAM),
    "sales_rep": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, D: Scope.OWN, E: Scope.OWN},
    "marketer": {V: Scope.ALL, E: Scope.ALL},
    "service_manager": {V: Scope.ALL, C: Scope.TEAM},
    "service_agent": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}

# Everyone who deals with customers logs what they said and did; reading is wider,
# since a customer's timeline shows every activity about them to whoever sees them.
ACTIVITY_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "sales_manager": everything(Scope.TEAM),
    "sales_rep": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, D: Scope.OWN, E: Scope.OWN},
    "marketer": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, D: Scope.OWN},
    "service_manager": everything(Scope.TEAM),
    "service_agent": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, D: Scope.OWN},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}


def register_all() -> None:
    register_search()
    register(
        ObjectType(
            key=ACCOUNT,
            label=_("Accounts"),
            owner_field="owner",
            team_field="team",
            customizable=True,
            builtin_grants=CUSTOMER_GRANTS,
        )
    )
    register(
        ObjectType(
            key=CONTACT,
            label=_("Contacts"),
            owner_field="owner",
            team_field="team",
            customizable=True,
            builtin_grants=CUSTOMER_GRANTS,
        )
    )
    tier_grants: dict[str, dict[str, str]] = {code: read_only() for code in BUILTIN_ROLES}
    tier_grants["administrator"] = everything()
    register(ObjectType(key=TIER, label=_("Customer tiers"), builtin_grants=tier_grants))
    register(
        ObjectType(
            key=ACTIVITY,
            label=_("Activities"),
            owner_field="owner",
            team_field="team",
            customizable=True,
            builtin_grants=ACTIVITY_GRANTS,
        )
    )
    register(
        ObjectType(
            key=EMAIL_TEMPLATE,
            label=_("Email templates"),
            attachable=False,
            builtin_grants={
                **{code: read_only() for code in BUILTIN_ROLES},
                "administrator": everything(),
                "sales_manager": everything(),
                "marketer": everything(),
                "service_manager": everything(),
            },
        )
    )
    register_trashable(
        TrashRule(
            key=ACTIVITY,
            related=_(
                "Only the activity: the accounts and contacts it was about are unchanged; it "
                "leaves their timelines until restored."
            ),
        )
    )
    register_trashable(
        TrashRule(
            key=ACCOUNT,
            related=_(
                "Its contacts are kept (they may work elsewhere) and so are its subsidiaries, "
                "whose parent account is hidden until this one is restored."
            ),
        )
    )
    register_trashable(
        TrashRule(
            key=CONTACT,
            related=_(
                "Nothing else is deleted: the accounts they work at are kept; their phones, "
                "emails, addresses and consents come back with them."
            ),
        )
    )


def register_search() -> None:
    """Accounts and contacts in the global search box (documents: ``customers.search``)."""
    from guanxi.customers.search import (
        account_document,
        accounts_for_index,
        contact_document,
        contacts_for_index,
    )

    register_searchable(
        Searchable(
            key=ACCOUNT,
            label=_("Accounts"),
            document=account_document,
            url=lambda pk: reverse("customers:account_detail", args=[pk]),
            queryset=accounts_for_index,
        )
    )
    register_searchable(
        Searchable(
            key=CONTACT,
            label=_("Contacts"),
            document=contact_document,
            url=lambda pk: reverse("customers:contact_detail", args=[pk]),
            queryset=contacts_for_index,
        )
    )
