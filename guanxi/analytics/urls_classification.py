"""The pages of customer classification (included by guanxi.analytics.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
