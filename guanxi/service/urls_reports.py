"""The service module's reports pages (included by guanxi.service.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
