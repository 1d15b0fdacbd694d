"""The pages where administrators edit the duplicate-matching rules (included by
guanxi.integrations.urls under duplicates/rules/)."""

from django.urls import URLPattern, path

from guanxi.integrations import views_match_rules as views

urlpatterns: list[URLPattern] = [
    path("", views.match_rules_index, name="match_rules"),
    path("<str:kind>/", views.match_rules_edit, name="match_rules_edit"),
    path("<str:kind>/preview/", views.match_rules_preview, name="match_rules_preview"),
    path("<str:kind>/save/", views.match_rules_save, name="match_rules_save"),
    path("<str:kind>/reset/", views.match_rules_reset, name="match_rules_reset"),
]
