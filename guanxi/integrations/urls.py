from django.urls import include, path

from guanxi.integrations import views

app_name = "integrations"

urlpatterns = [
    path("export/<str:object_type>/", views.export, name="export"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("imports/", include("guanxi.integrations.urls_imports")),
    path("duplicates/rules/", include("guanxi.integrations.urls_match_rules")),
    path("duplicates/", include("guanxi.integrations.urls_dedupe")),
]
