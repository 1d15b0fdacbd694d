"""The pages where administrators edit the duplicate-matching rules (included by
guanxi.integrations.urls under duplicates/rules/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
