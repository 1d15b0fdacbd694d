"""The service module's reports pages (included by guanxi.service.urls)."""

from django.urls import URLPattern, path

from guanxi.service.views import reports

urlpatterns: list[URLPattern] = [
    path("service/reports/", reports.service_reports, name="service_reports"),
    path(
        "service/reports/<str:table>.csv",
        reports.service_report_csv,
        name="service_report_csv",
    ),
]
