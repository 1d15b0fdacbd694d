"""The order, return and exchange rate pages."""

from django.urls import URLPattern, path

from guanxi.sales.views import exchange_rates, order_reports, orders

urlpatterns: list[URLPattern] = [
    path("orders/", orders.order_list, name="order_list"),
    path("orders/new/", orders.order_create, name="order_create"),
    path("orders/revenue/", order_reports.revenue_report, name="revenue_report"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", orders.order_edit, name="order_edit"),
    path("orders/<int:pk>/confirm/", orders.order_confirm, name="order_confirm"),
    path("orders/<int:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/return/", orders.order_return, name="order_return"),
    path("orders/<int:pk>/lines/", orders.order_line_add, name="order_line_add"),
    path("orders/lines/<int:pk>/edit/", orders.order_line_edit, name="order_line_edit"),
    path("orders/lines/<int:pk>/remove/", orders.order_line_remove, name="order_line_remove"),
    path("orders/lines/<int:pk>/serials/", orders.order_line_serials, name="order_line_serials"),
    path("deals/<int:pk>/order/", orders.order_from_deal, name="order_from_deal"),
    path("serials/", order_reports.warranty_check, name="warranty_check"),
    path("exchange-rates/", exchange_rates.exchange_rate_list, name="exchange_rate_list"),
    path(
        "exchange-rates/<int:pk>/delete/",
        exchange_rates.exchange_rate_delete,
        name="exchange_rate_delete",
    ),
]
