"""The service module's field pages (included by guanxi.service.urls): service points
and technicians, visits, the dispatch board and performance."""

from django.urls import URLPattern, path

from guanxi.service.views import (
    field,
    field_dispatch,
    field_hours,
    field_performance,
    field_visits,
)

urlpatterns: list[URLPattern] = [
    path("service/points/", field.field_point_list, name="field_point_list"),
    path("service/points/<int:pk>/", field.field_point_detail, name="field_point_detail"),
    path("service/points/<int:pk>/edit/", field.field_point_edit, name="field_point_edit"),
    path(
        "service/points/<int:pk>/technicians/",
        field.field_technician_add,
        name="field_technician_add",
    ),
    path(
        "service/technicians/<int:pk>/edit/",
        field.field_technician_edit,
        name="field_technician_edit",
    ),
    path(
        "service/technicians/<int:pk>/",
        field_hours.field_technician_detail,
        name="field_technician_detail",
    ),
    path(
        "service/technicians/<int:pk>/hours/",
        field_hours.field_technician_hours,
        name="field_technician_hours",
    ),
    path(
        "service/technicians/<int:pk>/time-off/",
        field_hours.field_time_off_add,
        name="field_time_off_add",
    ),
    path(
        "service/time-off/<int:pk>/delete/",
        field_hours.field_time_off_delete,
        name="field_time_off_delete",
    ),
    path("service/visits/", field_visits.visit_list, name="visit_list"),
    path("service/visits/<int:pk>/", field_visits.visit_detail, name="visit_detail"),
    path("service/visits/<int:pk>/edit/", field_visits.visit_edit, name="visit_edit"),
    path("service/visits/<int:pk>/schedule/", field_visits.visit_schedule, name="visit_schedule"),
    path("service/visits/<int:pk>/status/", field_visits.visit_status, name="visit_status"),
    path("service/visits/<int:pk>/complete/", field_visits.visit_complete, name="visit_complete"),
    path("tickets/<int:pk>/visits/", field_visits.visit_request, name="visit_request"),
    path("service/dispatch/", field_dispatch.dispatch_board_view, name="dispatch_board"),
    path(
        "service/dispatch/<int:pk>/assign/", field_dispatch.dispatch_assign, name="dispatch_assign"
    ),
    path(
        "service/points/performance/",
        field_performance.field_performance_view,
        name="field_performance",
    ),
]
