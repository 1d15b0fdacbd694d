"""Service records: tickets and their conversation, business calendars, SLA policies."""

from guanxi.service.models.contracts import ServiceContract
from guanxi.service.models.escalation import Escalation
from guanxi.service.models.escalation_rules import EscalationRule
from guanxi.service.models.field import (
    ServicePoint,
    Technician,
    Visit,
    VisitOutcome,
    VisitPart,
    VisitStatus,
)
from guanxi.service.models.field_hours import TechnicianHours, TimeOff, TimeOffReason
from guanxi.service.models.knowledge import Article, ArticleFeedback
from guanxi.service.models.routing import RoutingRule, Strategy, TeamRouting, TicketRouting
from guanxi.service.models.sla import BusinessCalendar, CalendarDay, OpeningHours, SlaPolicy
from guanxi.service.models.surveys import Survey, SurveyKind
from guanxi.service.models.tickets import Category, Ticket, TicketMessage

__all__ = [
    "Article",
    "ArticleFeedback",
    "BusinessCalendar",
    "CalendarDay",
    "Category",
    "Escalation",
    "EscalationRule",
    "OpeningHours",
    "RoutingRule",
    "ServiceContract",
    "ServicePoint",
    "SlaPolicy",
    "Strategy",
    "Survey",
    "SurveyKind",
    "TeamRouting",
    "Technician",
    "TechnicianHours",
    "Ticket",
    "TicketMessage",
    "TicketRouting",
    "TimeOff",
    "TimeOffReason",
    "Visit",
    "VisitOutcome",
    "VisitPart",
    "VisitStatus",
]
