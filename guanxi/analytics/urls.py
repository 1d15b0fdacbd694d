"""The analytics pages."""

from django.urls import path

from guanxi.analytics import urls_churn, urls_classification, views, views_dashboard

app_name = "analytics"

urlpatterns = [
    path("analytics/customers/", views.score_list, name="score_list"),
    path("analytics/models/", views.model_list, name="model_list"),
    path("analytics/recompute/", views.recompute, name="recompute"),
    path("analytics/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path(
        "analytics/dashboard/<slug:panel>.csv",
        views_dashboard.dashboard_export,
        name="dashboard_export",
    ),
]

# Each part keeps its pages in its own URL list, in the same namespace.
urlpatterns += [*urls_classification.urlpatterns, *urls_churn.urlpatterns]
