"""The analytics module's object types and built-in grants.

A customer's scores follow the account: nobody sees the scores of a customer they may
not see (reps their own customers', managers their teams'). Model fits and recompute
runs are for administrators and analysts; ``add`` on them starts a recompute (it changes
no customer data, only the derived scores).
"""

from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import Action, Scope
from guanxi.core.permissions import ObjectType, register

CUSTOMER_SCORE = "analytics.customerscore"
MODEL_FIT = "analytics.modelfit"
CHURN_RISK = "analytics.churnrisk"  # follows the account, like the scores
ASSOCIATION = "analytics.productassociation"  # product-level, no customer data
CUSTOMER_CLASS = "analytics.customerclass"  # classes and stage: follow the account
TRANSITION = "analytics.lifecycletransition"  # follows the account
RULES = "analytics.classificationrules"  # administrators change, analysts view/preview

V, A, E = Action.VIEW, Action.ADD, Action.EXPORT

# No wider than the account grants (customers.object_types.CUSTOMER_GRANTS); scores are
# computed, never edited, so only view and export.
SCORE_GRANTS: dict[str, dict[str, str]] = {
    "administrator": {V: Scope.ALL, E: Scope.ALL},
    "sales_manager": {V: Scope.TEAM, E: Scope.TEAM},
    "sales_rep": {V: Scope.OWN, E: Scope.OWN},
    "marketer": {V: Scope.ALL, E: Scope.ALL},
    "service_manager": {V: Scope.ALL},
    "service_agent": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}
MODEL_GRANTS: dict[str, dict[str, str]] = {
    "administrator": {V: Scope.ALL, A: Scope.ALL},
    "analyst": {V: Scope.ALL, A: Scope.ALL},
}


def register_all() -> None:
    register(
        ObjectType(
            key=CUSTOMER_SCORE,
            label=_("Customer scores"),
            owner_field="account__owner",
            team_field="account__team",
            attachable=False,
            builtin_grants=SCORE_GRANTS,
        )
    )
    register(
        ObjectType(
            key=CHURN_RISK,
            label=_("Churn risks"),
            owner_field="account__owner",
            team_field="account__team",
            attachable=False,
            builtin_grants=SCORE_GRANTS,
        )
    )
    register(
        ObjectType(
            key=ASSOCIATION,
            label=_("Product associations"),
            attachable=False,
            builtin_grants={role: {V: Scope.ALL} for role in SCORE_GRANTS},
        )
    )
    for key, label in (
        (CUSTOMER_CLASS, _("Customer classes")),
        (TRANSITION, _("Lifecycle transitions")),
    ):
        register(
            ObjectType(
                key=key,
                label=label,
                owner_field="account__owner",
                team_field="account__team",
                attachable=False,
                builtin_grants=SCORE_GRANTS,
            )
        )
    register(
        ObjectType(
            key=RULES,
            label=_("Classification rules"),
            attachable=False,
            builtin_grants={
                "administrator": {V: Scope.ALL, Action.CHANGE: Scope.ALL},
                "analyst": {V: Scope.ALL},
            },
        )
    )
    register(
        ObjectType(
            key=MODEL_FIT,
            label=_("Analytics models"),
            attachable=False,
            builtin_grants=MODEL_GRANTS,
        )
    )
