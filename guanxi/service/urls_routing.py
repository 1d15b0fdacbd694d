"""The service module's routing, service-contract and warranty-lookup pages (included
by guanxi.service.urls)."""

from django.urls import URLPattern, path

from guanxi.service.views import contracts, routing, warranty

urlpatterns: list[URLPattern] = [
    path("service/routing-rules/", routing.routing_rule_list, name="routing_rule_list"),
    path("service/routing-rules/new/", routing.routing_rule_create, name="routing_rule_create"),
    path(
        "service/routing-rules/<int:pk>/edit/", routing.routing_rule_edit, name="routing_rule_edit"
    ),
    path(
        "service/routing-rules/<int:pk>/move/<slug:direction>/",
        routing.routing_rule_move,
        name="routing_rule_move",
    ),
    path(
        "service/routing-rules/<int:pk>/toggle/",
        routing.routing_rule_toggle,
        name="routing_rule_toggle",
    ),
    path(
        "service/routing-rules/teams/<int:pk>/strategy/",
        routing.routing_team_strategy,
        name="routing_team_strategy",
    ),
    path("service/contracts/", contracts.contract_list, name="contract_list"),
    path("service/contracts/new/", contracts.contract_create, name="contract_create"),
    path("service/contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("service/contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("service/contracts/<int:pk>/delete/", contracts.contract_delete, name="contract_delete"),
    path("service/warranty/", warranty.warranty_lookup, name="warranty_lookup"),
    path(
        "service/warranty/units/<int:pk>/ticket/", warranty.warranty_ticket, name="warranty_ticket"
    ),
]
