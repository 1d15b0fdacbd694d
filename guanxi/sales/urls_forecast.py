"""The forecast, performance and target pages."""

from django.urls import URLPattern, path

from guanxi.sales.views import forecast

urlpatterns: list[URLPattern] = [
    path("forecast/", forecast.forecast, name="forecast"),
    path("performance/", forecast.performance, name="performance"),
    path("targets/", forecast.target_list, name="target_list"),
    path("targets/<int:pk>/delete/", forecast.target_delete, name="target_delete"),
]
