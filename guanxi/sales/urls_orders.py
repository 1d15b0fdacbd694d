"""The order, return and exchange rate pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
