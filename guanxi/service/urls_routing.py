"""The service module's routing pages (included by guanxi.service.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
