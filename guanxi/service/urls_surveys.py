"""The service module's surveys pages (included by guanxi.service.urls)."""

from django.urls import URLPattern, path

from guanxi.service.views import surveys

urlpatterns: list[URLPattern] = [
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/send/", surveys.survey_send, name="survey_send"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("s/<str:token>/", surveys.survey_public, name="survey_public"),
]
