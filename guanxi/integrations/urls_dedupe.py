"""Duplicate contacts and merges; included from urls.py under ``duplicates/``."""

from django.urls import path

from guanxi.integrations import views_dedupe as views

urlpatterns = [
    path("", views.duplicate_list, name="duplicate_list"),
    path("scan/", views.duplicate_scan, name="duplicate_scan"),
    path("<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("merge/<int:survivor_pk>/<int:other_pk>/", views.merge_form, name="merge_form"),
    path("merges/<int:pk>/", views.merge_result, name="merge_result"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
]
