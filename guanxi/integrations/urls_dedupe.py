"""Duplicate contacts and accounts, and merges; included from urls.py under ``duplicates/``."""

from django.urls import path

from guanxi.integrations import views_dedupe as views
from guanxi.integrations import views_dedupe_accounts as accounts

urlpatterns = [
    path("", views.duplicate_list, name="duplicate_list"),
    path("scan/", views.duplicate_scan, name="duplicate_scan"),
    path("scan/status/", views.duplicate_scan_status, name="duplicate_scan_status"),
    path("<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("merge/<int:survivor_pk>/<int:other_pk>/", views.merge_form, name="merge_form"),
    path("merges/<int:pk>/", views.merge_result, name="merge_result"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("accounts/<int:pk>/dismiss/", accounts.account_pair_dismiss, name="account_pair_dismiss"),
    path(
        "accounts/merge/<int:survivor_pk>/<int:other_pk>/",
        accounts.account_merge_form,
        name="account_merge_form",
    ),
    path("accounts/merges/<int:pk>/", accounts.account_merge_result, name="account_merge_result"),
    path("accounts/merges/<int:pk>/undo/", accounts.account_merge_undo, name="account_merge_undo"),
]
