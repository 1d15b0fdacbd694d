"""The product, price list and quote pages."""

from django.urls import URLPattern, path

from guanxi.sales.views import products, quotes

urlpatterns: list[URLPattern] = [
    path("products/", products.product_list, name="product_list"),
    path("products/<int:pk>/edit/", products.product_edit, name="product_edit"),
    path("price-lists/", products.price_list_list, name="price_list_list"),
    path("price-lists/<int:pk>/", products.price_list_detail, name="price_list_detail"),
    path("price-lists/<int:pk>/items/", products.price_list_item_set, name="price_list_item_set"),
    path(
        "price-lists/items/<int:pk>/remove/",
        products.price_list_item_remove,
        name="price_list_item_remove",
    ),
    path("quotes/", quotes.quote_list, name="quote_list"),
    path("deals/<int:pk>/quotes/new/", quotes.quote_create, name="quote_create"),
    path("quotes/<int:pk>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", quotes.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/print/", quotes.quote_print, name="quote_print"),
    path("quotes/<int:pk>/lines/", quotes.quote_line_add, name="quote_line_add"),
    path("quotes/lines/<int:pk>/edit/", quotes.quote_line_edit, name="quote_line_edit"),
    path("quotes/lines/<int:pk>/remove/", quotes.quote_line_remove, name="quote_line_remove"),
    path(
        "quotes/<int:pk>/request-approval/",
        quotes.quote_request_approval,
        name="quote_request_approval",
    ),
    path("quotes/<int:pk>/approve/", quotes.quote_approve, name="quote_approve"),
    path("quotes/<int:pk>/status/", quotes.quote_mark, name="quote_mark"),
]
