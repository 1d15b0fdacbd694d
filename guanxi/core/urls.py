from django.urls import path

from guanxi.core.views import (
    attachments,
    custom_fields,
    notifications,
    roles,
    saved_views,
    search,
    tags,
    teams,
    tokens,
    trash,
    users,
)

app_name = "core"

urlpatterns = [
    path("users/", users.user_list, name="user_list"),
    path("users/invite/", users.user_invite, name="user_invite"),
    path("users/<int:pk>/", users.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", users.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", users.user_reactivate, name="user_reactivate"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/delete/", teams.team_delete, name="team_delete"),
    path("roles/", roles.role_list, name="role_list"),
    path("roles/<int:pk>/", roles.role_detail, name="role_detail"),
    path("audit/", roles.audit_list, name="audit_list"),
    path("profile/tokens/", tokens.token_list, name="token_list"),
    path("profile/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("inbox/", notifications.inbox, name="inbox"),
    path("inbox/badge/", notifications.inbox_badge, name="inbox_badge"),
    path("inbox/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("inbox/read-all/", notifications.notifications_read_all, name="notifications_read_all"),
    path("search/", search.search_page, name="search"),
    path("views/save/", saved_views.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
    path("custom-fields/", custom_fields.custom_field_list, name="custom_field_list"),
    path(
        "custom-fields/<int:pk>/edit/",
        custom_fields.custom_field_edit,
        name="custom_field_edit",
    ),
    path(
        "custom-fields/<int:pk>/delete/",
        custom_fields.custom_field_delete,
        name="custom_field_delete",
    ),
    path("tags/", tags.tag_list, name="tag_list"),
    path("tags/<int:pk>/edit/", tags.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", tags.tag_delete, name="tag_delete"),
    path("trash/", trash.trash_list, name="trash_list"),
    path("trash/<int:pk>/restore/", trash.trash_restore, name="trash_restore"),
    path("trash/<int:pk>/purge/", trash.trash_purge, name="trash_purge"),
    path(
        "attachments/<str:object_type>/<str:object_id>/upload/",
        attachments.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "attachments/<int:pk>/download/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    path("attachments/<int:pk>/delete/", attachments.attachment_delete, name="attachment_delete"),
]

# Public forms: the visitors' page (no login) and the administrators' pages.
from guanxi.core.views import public_forms  # noqa: E402

urlpatterns += [
    path("f/<slug:slug>/", public_forms.public_form, name="public_form"),
    path("web-forms/", public_forms.public_form_list, name="public_form_list"),
    path("web-forms/<int:pk>/", public_forms.public_form_detail, name="public_form_detail"),
    path("web-forms/<int:pk>/delete/", public_forms.public_form_delete, name="public_form_delete"),
]
