from django.urls import path

from guanxi.integrations import views_imports as views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("upload/", views.import_upload, name="import_upload"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("<int:pk>/dry-run/", views.import_dry_run, name="import_dry_run"),
    path("<int:pk>/start/", views.import_start, name="import_start"),
    path("<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("<int:pk>/rollback/", views.import_rollback, name="import_rollback"),
]
