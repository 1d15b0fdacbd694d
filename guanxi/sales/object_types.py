"""The sales module's object types, built-in grants and trash rules."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import Action, Scope
from guanxi.core.permissions import BUILTIN_ROLES, ObjectType, everything, read_only, register
from guanxi.core.trash import TrashRule, register_trashable

LEAD = "sales.lead"
DEAL = "sales.deal"
PIPELINE = "sales.pipeline"
ASSIGNMENT_RULE = "sales.assignmentrule"
SCORING_RULE = "sales.scoringrule"
TARGET = "sales.target"
PRODUCT = "sales.product"
PRICE_LIST = "sales.pricelist"
QUOTE = "sales.quote"
ORDER = "sales.order"
EXCHANGE_RATE = "sales.exchangerate"

V, A, C, D, E, S = (
    Action.VIEW,
    Action.ADD,
    Action.CHANGE,
    Action.DELETE,
    Action.EXPORT,
    Action.ASSIGN,
)

# Reps work their own leads and deals; managers their teams' (and hand them out);
# marketers see and add leads (trade shows, campaigns); analysts read everything.
LEAD_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "sales_manager": everything(Scope.TEAM),
    "sales_rep": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, D: Scope.OWN, E: Scope.OWN},
    "marketer": {V: Scope.ALL, A: Scope.ALL, E: Scope.ALL},
    "service_manager": {V: Scope.ALL},
    "service_agent": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}
DEAL_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "sales_manager": everything(Scope.TEAM),
    "sales_rep": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, D: Scope.OWN, E: Scope.OWN},
    "marketer": {V: Scope.ALL},
    "service_manager": {V: Scope.ALL},
    "service_agent": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}
# Pipelines and routing/scoring rules are set up by administrators and sales managers.
SETUP_GRANTS: dict[str, dict[str, str]] = {
    **{code: read_only() for code in BUILTIN_ROLES},
    "administrator": everything(),
    "sales_manager": everything(),
}
# Targets: administrators set everyone's, sales managers their teams' (the service also
# checks that the manager manages the rep's team); reps read their own.
TARGET_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "sales_manager": {V: Scope.TEAM, A: Scope.TEAM, C: Scope.TEAM, D: Scope.TEAM},
    "sales_rep": {V: Scope.OWN},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}


# Quotes follow their deal: a rep sees the quotes of their own deals, a manager their
# team's; only managers (at team scope) and administrators approve discounts.
QUOTE_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "sales_manager": everything(Scope.TEAM),
    "sales_rep": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, E: Scope.OWN},
    "marketer": {V: Scope.ALL},
    "service_manager": {V: Scope.ALL},
    "service_agent": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}

# Orders are the customers' transaction history: reps keep their own, managers their
# team's; service reads them for warranty, marketing and analysts for segments.
ORDER_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "sales_manager": everything(Scope.TEAM),
    "sales_rep": {V: Scope.OWN, A: Scope.OWN, C: Scope.OWN, E: Scope.OWN},
    "marketer": {V: Scope.ALL},
    "service_manager": {V: Scope.ALL},
    "service_agent": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}


def register_all() -> None:
    register(
        ObjectType(
            key=ORDER,
            label=_("Orders"),
            owner_field="owner",
            team_field="team",
            attachable=True,
            builtin_grants=ORDER_GRANTS,
        )
    )
    register(
        ObjectType(
            key=QUOTE,
            label=_("Quotes"),
            owner_field="deal__owner",
            team_field="deal__team",
            attachable=False,
            builtin_grants=QUOTE_GRANTS,
        )
    )
    register(
        ObjectType(
            key=LEAD,
            label=_("Leads"),
            owner_field="owner",
            team_field="team",
            customizable=True,
            builtin_grants=LEAD_GRANTS,
        )
    )
    register(
        ObjectType(
            key=DEAL,
            label=_("Deals"),
            owner_field="owner",
            team_field="team",
            customizable=True,
            builtin_grants=DEAL_GRANTS,
        )
    )
    for key, label in (
        (PIPELINE, _("Pipelines")),
        (ASSIGNMENT_RULE, _("Lead assignment rules")),
        (SCORING_RULE, _("Lead scoring rules")),
        (PRODUCT, _("Products")),
        (PRICE_LIST, _("Price lists")),
        (EXCHANGE_RATE, _("Exchange rates")),
    ):
        register(ObjectType(key=key, label=label, attachable=False, builtin_grants=SETUP_GRANTS))
    register(
        ObjectType(
            key=TARGET,
            label=_("Sales targets"),
            owner_field="user",
            team_field="team",
            attachable=False,
            builtin_grants=TARGET_GRANTS,
        )
    )
    register_trashable(
        TrashRule(
            key=LEAD,
            related=_(
                "Only the lead: its activities stay on the timelines of the customers they "
                "concern; a converted lead's account, contact and deal are unchanged."
            ),
        )
    )
    register_trashable(
        TrashRule(
            key=DEAL,
            related=_(
                "Only the deal: its account, contact and activities are unchanged; its stage "
                "history comes back with it."
            ),
        )
    )
