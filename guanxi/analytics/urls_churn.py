"""The pages of churn and cross-sell (included by guanxi.analytics.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
