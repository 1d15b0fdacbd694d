"""The service module's escalation-rule pages (included by guanxi.service.urls)."""

from django.urls import URLPattern, path

from guanxi.service.views import escalation_rules as views

urlpatterns: list[URLPattern] = [
    path("service/escalation-rules/", views.escalation_rule_list, name="escalation_rule_list"),
    path(
        "service/escalation-rules/new/",
        views.escalation_rule_create,
        name="escalation_rule_create",
    ),
    path(
        "service/escalation-rules/<int:pk>/edit/",
        views.escalation_rule_edit,
        name="escalation_rule_edit",
    ),
    path(
        "service/escalation-rules/<int:pk>/move/<slug:direction>/",
        views.escalation_rule_move,
        name="escalation_rule_move",
    ),
    path(
        "service/escalation-rules/<int:pk>/toggle/",
        views.escalation_rule_toggle,
        name="escalation_rule_toggle",
    ),
    path(
        "service/escalation-rules/<int:pk>/delete/",
        views.escalation_rule_delete,
        name="escalation_rule_delete",
    ),
]
