"""The analytics pages."""

from django.urls import path

from guanxi.analytics import urls_churn, urls_classification, views

app_name = "analytics"

urlpatterns = [
    path("analytics/customers/", views.score_list, name="score_list"),
    path("analytics/models/", views.model_list, name="model_list"),
    path("analytics/recompute/", views.recompute, name="recompute"),
]

# Each part keeps its pages in its own URL list, in the same namespace.
urlpatterns += [*urls_classification.urlpatterns, *urls_churn.urlpatterns]
