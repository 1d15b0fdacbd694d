"""The service module's pages: the ticket queue and ticket pages, the customer's status
page (no login) and the set-up pages."""

from django.urls import URLPattern, path

from guanxi.service import (
    urls_escalation,
    urls_field,
    urls_knowledge,
    urls_reports,
    urls_routing,
    urls_surveys,
)
from guanxi.service.views import public, setup, tickets

app_name = "service"

urlpatterns: list[URLPattern] = [
    path("tickets/", tickets.ticket_list, name="ticket_list"),
    path("tickets/new/", tickets.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<int:pk>/status/", tickets.ticket_status, name="ticket_status"),
    path("tickets/<int:pk>/assign/", tickets.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/escalate/", tickets.ticket_escalate, name="ticket_escalate"),
    path("tickets/<int:pk>/edit/", tickets.ticket_edit, name="ticket_edit"),
    path("t/<str:token>/", public.ticket_public, name="ticket_public"),
    path("service/categories/", setup.category_list, name="category_list"),
    path("service/categories/<int:pk>/edit/", setup.category_edit, name="category_edit"),
    path(
        "service/categories/<int:pk>/deactivate/",
        setup.category_deactivate,
        name="category_deactivate",
    ),
    path("service/sla-policies/", setup.sla_policy_list, name="sla_policy_list"),
    path("service/sla-policies/<int:pk>/edit/", setup.sla_policy_edit, name="sla_policy_edit"),
    path("service/calendars/", setup.calendar_list, name="calendar_list"),
    path("service/calendars/<int:pk>/", setup.calendar_detail, name="calendar_detail"),
    path("service/calendars/<int:pk>/days/", setup.calendar_day_add, name="calendar_day_add"),
    path(
        "service/calendars/days/<int:pk>/remove/",
        setup.calendar_day_remove,
        name="calendar_day_remove",
    ),
    path(
        "service/calendars/<int:pk>/hours/<int:weekday>/",
        setup.calendar_hours_edit,
        name="calendar_hours_edit",
    ),
]

# Each part of the module keeps its pages in its own URL list, in the same namespace.
urlpatterns += [
    *urls_knowledge.urlpatterns,
    *urls_routing.urlpatterns,
    *urls_surveys.urlpatterns,
    *urls_field.urlpatterns,
    *urls_reports.urlpatterns,
    *urls_escalation.urlpatterns,
]
