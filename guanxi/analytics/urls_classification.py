"""The pages of customer classification (included by guanxi.analytics.urls)."""

from django.urls import URLPattern, path

from guanxi.analytics import views_classification as views

urlpatterns: list[URLPattern] = [
    path("analytics/classes/", views.class_list, name="class_list"),
    path("analytics/key-accounts/", views.key_account_list, name="key_account_list"),
    path("analytics/lifecycle/", views.lifecycle_flow_page, name="lifecycle_flow"),
    path(
        "analytics/accounts/<int:account_id>/lifecycle/",
        views.account_lifecycle,
        name="account_lifecycle",
    ),
    path("analytics/classification/rules/", views.rules_edit, name="rules_edit"),
    path("analytics/classification/rules/preview/", views.rules_preview, name="rules_preview"),
    path("analytics/classification/rules/save/", views.rules_save, name="rules_save"),
]
