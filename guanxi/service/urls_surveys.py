"""The service module's surveys pages (included by guanxi.service.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
