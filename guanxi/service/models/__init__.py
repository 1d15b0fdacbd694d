"""Service records: tickets and their conversation, business calendars, SLA policies."""

from guanxi.service.models.escalation import Escalation
from guanxi.service.models.sla import BusinessCalendar, CalendarDay, OpeningHours, SlaPolicy
from guanxi.service.models.surveys import Survey, SurveyKind
from guanxi.service.models.tickets import Category, Ticket, TicketMessage

__all__ = [
    "BusinessCalendar",
    "CalendarDay",
    "Category",
    "Escalation",
    "OpeningHours",
    "SlaPolicy",
    "Survey",
    "SurveyKind",
    "Ticket",
    "TicketMessage",
]
