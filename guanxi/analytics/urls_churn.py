"""The pages of churn and cross-sell (included by guanxi.analytics.urls)."""

from django.urls import URLPattern, path

from guanxi.analytics import views_churn

urlpatterns: list[URLPattern] = [
    path("analytics/at-risk/", views_churn.at_risk_list, name="at_risk_list"),
    path("analytics/at-risk/export.csv", views_churn.at_risk_export, name="at_risk_export"),
    path("analytics/associations/", views_churn.association_list, name="association_list"),
    path(
        "analytics/products/<int:pk>/also-bought/",
        views_churn.product_suggestions,
        name="product_suggestions",
    ),
]
