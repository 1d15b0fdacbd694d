"""The service module's field pages (included by guanxi.service.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
