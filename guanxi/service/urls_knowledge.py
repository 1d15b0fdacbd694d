"""The service module's knowledge pages (included by guanxi.service.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
