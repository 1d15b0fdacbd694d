"""The service module's object types and built-in grants."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import Action, Scope
from guanxi.core.permissions import BUILTIN_ROLES, ObjectType, everything, read_only, register
from guanxi.core.trash import TrashRule, register_trashable

TICKET = "service.ticket"
CATEGORY = "service.category"
CALENDAR = "service.businesscalendar"
SLA_POLICY = "service.slapolicy"
ARTICLE = "service.article"
# Not a model: the service reports (figures over tickets; see selectors_reports.py).
SERVICE_REPORT = "service.report"
SURVEY = "service.survey"
ROUTING_RULE = "service.routingrule"
ESCALATION_RULE = "service.escalationrule"
CONTRACT = "service.servicecontract"
SERVICE_POINT = "service.servicepoint"  # with its technicians (docs/field-service.md)
VISIT = "service.visit"
FIELD_PERFORMANCE = "service.fieldperformance"  # not a model: figures per service point

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
# Surveys follow their ticket (an agent sees their own tickets' answers, a manager their
# teams'); NPS surveys have no ticket, so readers at every scope see them. Sending an NPS
# survey now is "add".
SURVEY_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "service_manager": {V: Scope.TEAM, A: Scope.ALL, E: Scope.TEAM},
    "service_agent": {V: Scope.OWN},
    "sales_manager": {V: Scope.ALL, A: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}
# Categories, calendars and SLA policies: set up by administrators and service managers.
SETUP_GRANTS: dict[str, dict[str, str]] = {
    **{code: read_only() for code in BUILTIN_ROLES},
    "administrator": everything(),
    "service_manager": everything(),
}


# Service contracts: sold by sales, kept by service; everyone else reads them.
CONTRACT_GRANTS: dict[str, dict[str, str]] = {
    **{code: read_only() for code in BUILTIN_ROLES},
    "administrator": everything(),
    "service_manager": everything(),
    "sales_manager": everything(),
    "sales_rep": {V: Scope.ALL, A: Scope.ALL, C: Scope.ALL},
}

# Service reports: managers see their teams' figures, agents their own, analysts all
# (narrower than ticket viewing, where managers see every ticket to route it).
REPORT_GRANTS: dict[str, dict[str, str]] = {
    "administrator": {V: Scope.ALL, E: Scope.ALL},
    "service_manager": {V: Scope.TEAM, E: Scope.TEAM},
    "service_agent": {V: Scope.OWN, E: Scope.OWN},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}


# Visits: dispatchers (service managers) see all and work their teams' points' visits;
# technicians (agents) their teams'; sales and analysts read them.
VISIT_GRANTS: dict[str, dict[str, str]] = {
    "administrator": everything(),
    "service_manager": {**everything(Scope.TEAM), V: Scope.ALL},
    "service_agent": {V: Scope.TEAM, A: Scope.ALL, C: Scope.TEAM},
    "sales_manager": {V: Scope.ALL},
    "sales_rep": {V: Scope.ALL},
    "analyst": {V: Scope.ALL, E: Scope.ALL},
}
FIELD_PERFORMANCE_GRANTS: dict[str, dict[str, str]] = {
    "administrator": {V: Scope.ALL},
    "service_manager": {V: Scope.TEAM},
    "analyst": {V: Scope.ALL},
}

# Knowledge base articles: service managers write and publish (approve); agents draft
# and change their own drafts; everyone reads (the selector shows others published
# articles only).
ARTICLE_GRANTS: dict[str, dict[str, str]] = {
    **{code: read_only() for code in BUILTIN_ROLES},
    "administrator": everything(),
    "service_manager": everything(),
    "service_agent": {V: Scope.ALL, A: Scope.ALL, C: Scope.OWN, D: Scope.OWN},
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
    register(
        ObjectType(
            key=SURVEY,
            label=_("Satisfaction surveys"),
            owner_field="ticket__owner",
            team_field="ticket__team",
            attachable=False,
            builtin_grants=SURVEY_GRANTS,
        )
    )
    for key, label in (
        (CATEGORY, _("Ticket categories")),
        (CALENDAR, _("Business calendars")),
        (SLA_POLICY, _("SLA policies")),
        (ROUTING_RULE, _("Routing rules")),
        (ESCALATION_RULE, _("Escalation rules")),
    ):
        register(ObjectType(key=key, label=label, attachable=False, builtin_grants=SETUP_GRANTS))
    register(
        ObjectType(
            key=SERVICE_REPORT,
            label=_("Service reports"),
            attachable=False,
            builtin_grants=REPORT_GRANTS,
        )
    )
    register(
        ObjectType(
            key=CONTRACT,
            label=_("Service contracts"),
            attachable=False,
            builtin_grants=CONTRACT_GRANTS,
        )
    )
    register(ObjectType(key=SERVICE_POINT, label=_("Service points"), builtin_grants=SETUP_GRANTS))
    register(
        ObjectType(
            key=VISIT,
            label=_("Visits"),
            owner_field="owner",
            team_field="team",
            builtin_grants=VISIT_GRANTS,
        )
    )
    register(
        ObjectType(
            key=FIELD_PERFORMANCE,
            label=_("Service point performance"),
            attachable=False,
            builtin_grants=FIELD_PERFORMANCE_GRANTS,
        )
    )
    register(
        ObjectType(
            key=ARTICLE,
            label=_("Knowledge base articles"),
            owner_field="author",
            attachable=False,
            builtin_grants=ARTICLE_GRANTS,
        )
    )
    register_trashable(
        TrashRule(
            key=ARTICLE,
            related=_("The article with its readers' feedback; tickets are unchanged."),
        )
    )
    register_trashable(
        TrashRule(
            key=TICKET,
            related=_("The ticket with its conversation; the customer's records are unchanged."),
        )
    )
