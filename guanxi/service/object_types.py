"""The service module's object types and built-in grants."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import Action, Scope
from guanxi.core.permissions import BUILTIN_ROLES, ObjectType, everything, read_only, register
from guanxi.core.trash import TrashRule, register_trashable

TICKET = "service.ticket"
CATEGORY = "service.category"
CALENDAR = "service.businesscalendar"
SLA_POLICY = "service.slapolicy"

V, A, C, D, E, S = (
    Action.VIEW,
    Action.ADD,
    Action.CHANGE,
    Action.DELETE,
    Action.EXPORT,
    Action.ASSIGN,
)

# Agents work their teams' tickets; service managers their teams' (and assign them);
# sales reads every ticket (no one sells to a customer with an open problem without
# knowing, story 10) and may open one for a customer; marketing and analysts read all.
TICKET_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    # Managers also see the tickets no team has yet, to route them.
    "service_manager": {**everything(Scope.TEAM), V: Scope.ALL},
    "service_agent": {V: Scope.TEAM, A: Scope.ALL, C: Scope.TEAM, E: Scope.TEAM},
    "sales_manager": {V: Scope.ALL, A: Scope.ALL},
    "sales_rep": {V: Scope.ALL, A: Scope.ALL},
    "marketer": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}
# Categories, calendars and SLA policies: set up by administrators and service managers.
SETUP_GRANTS: dict[str, dict[str, str]] = {
    **{code: read_only() for code in BUILTIN_ROLES},
    "administrator": everything(),
    "service_manager": everything(),
}


def register_all() -> None:
    register(
        ObjectType(
            key=TICKET,
            label=_("Tickets"),
            owner_field="owner",
            team_field="team",
            builtin_grants=TICKET_GRANTS,
        )
    )
    for key, label in (
        (CATEGORY, _("Ticket categories")),
        (CALENDAR, _("Business calendars")),
        (SLA_POLICY, _("SLA policies")),
    ):
        register(ObjectType(key=key, label=label, attachable=False, builtin_grants=SETUP_GRANTS))
    register_trashable(
        TrashRule(
            key=TICKET,
            related=_("The ticket with its conversation; the customer's records are unchanged."),
        )
    )
