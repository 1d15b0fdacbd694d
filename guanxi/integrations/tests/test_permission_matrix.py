"""Every page and API operation × every built-in role and an anonymous visitor.

Allowed callers get through; everyone else is refused (anonymous: log-in redirect or
401; logged in: 403/404) and a refused write changes nothing. A URL or operation
without a row here fails ``test_matrix_covers_*``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.analytics.tests import matrix_rows as analytics_rows
from guanxi.analytics.tests import matrix_rows_churn as churn_rows
from guanxi.analytics.tests import matrix_rows_classification as classification_rows
from guanxi.core.models import (
    Attachment,
    AuditEntry,
    CustomField,
    Notification,
    SavedView,
    Tag,
    Team,
    TeamMembership,
    TrashItem,
    User,
)
from guanxi.core.services.attachments import add_attachment
from guanxi.core.services.tokens import create_token
from guanxi.core.services.trash import trash_record
from guanxi.core.tests import matrix_rows_forms as forms_rows
from guanxi.customers.tests import matrix_rows as customers_rows
from guanxi.customers.tests import matrix_rows_activities as activities_rows
from guanxi.customers.tests import matrix_rows_relationships as relationships_rows
from guanxi.integrations.api.assembly import api
from guanxi.integrations.tests import matrix_rows_dedupe as dedupe_rows
from guanxi.integrations.tests import matrix_rows_exports as exports_rows
from guanxi.integrations.tests import matrix_rows_imports as imports_rows
from guanxi.integrations.tests import matrix_rows_match_rules as match_rules_rows
from guanxi.integrations.tests import matrix_rows_sync as sync_rows
from guanxi.sales.tests import matrix_rows_deals as deals_rows
from guanxi.sales.tests import matrix_rows_forecast as forecast_rows
from guanxi.sales.tests import matrix_rows_handover as handover_rows
from guanxi.sales.tests import matrix_rows_leads as leads_rows
from guanxi.sales.tests import matrix_rows_orders as orders_rows
from guanxi.sales.tests import matrix_rows_orders_api as orders_api_rows
from guanxi.sales.tests import matrix_rows_quotes as quotes_rows
from guanxi.service.tests import matrix_rows as service_rows
from guanxi.service.tests import matrix_rows_api as service_api_rows
from guanxi.service.tests import matrix_rows_escalation as escalation_rows
from guanxi.service.tests import matrix_rows_field as field_rows
from guanxi.service.tests import matrix_rows_knowledge as knowledge_rows
from guanxi.service.tests import matrix_rows_reports as service_reports_rows
from guanxi.service.tests import matrix_rows_routing as routing_rows
from guanxi.service.tests import matrix_rows_surveys as surveys_rows
from guanxi.testing.matrix import (
    ADMINS,
    ANONYMOUS,
    EVERYONE,
    PUBLIC,
    ROLES,
    Case,
    iter_api_operations,
    iter_url_names,
)
from guanxi.testing.users import make_team, make_user

LOGGED_IN = EVERYONE
TAGGERS = EVERYONE - {"analyst"}


def other_user(actor: Any) -> dict[str, Any]:
    return {"pk": make_user(full_name="Target").pk}


def some_team(actor: Any) -> dict[str, Any]:
    return {"pk": make_team(members=[make_user()]).pk}


def own_token(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    return {"pk": create_token(actor=owner, name="mine")[0].pk}


def own_notification(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    return {"pk": Notification.objects.create(recipient=owner, kind="test", title="Hi").pk}


def own_trash_item(actor: Any) -> dict[str, Any]:
    """A team the actor (or, for anonymous, an administrator) deleted."""
    deleter = actor or make_user(role="administrator")
    team = make_team(members=[make_user()])
    return {"pk": trash_record(actor=deleter, obj=team).pk}


def team_attachment(actor: Any) -> dict[str, Any]:
    team = make_team(members=[make_user()])
    upload = SimpleUploadedFile("notes.txt", b"meeting notes", content_type="text/plain")
    return {"pk": add_attachment(actor=make_user(), parent=team, upload=upload).pk}


def some_tag(actor: Any) -> dict[str, Any]:
    return {"pk": Tag.objects.create(name=f"tag-{Tag.objects.count() + 1}").pk}


def some_custom_field(actor: Any) -> dict[str, Any]:
    field = CustomField.objects.create(
        object_type="customers.contact",
        key=f"f{CustomField.objects.count() + 1}",
        label="Field",
        field_type="text",
    )
    return {"pk": field.pk}


def own_view(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    n = SavedView.objects.count() + 1
    return {"pk": SavedView.objects.create(owner=owner, object_type="core.team", name=f"v{n}").pk}


def reset_link(actor: Any) -> dict[str, Any]:
    return {"uidb64": "MQ", "token": "set-password"}


PAGES: dict[str, Case] = {
    "web:home": Case("GET", LOGGED_IN),
    "web:login": Case("GET", PUBLIC),
    "web:logout": Case("POST", PUBLIC, lands_on_login=True),
    "web:profile": Case("GET", LOGGED_IN),
    "web:set_language": Case("POST", PUBLIC, data={"language": "zh-hans"}),
    "web:healthz": Case("GET", PUBLIC),
    "web:password_change": Case("GET", LOGGED_IN),
    "web:password_change_done": Case("GET", LOGGED_IN),
    "web:password_reset": Case("GET", PUBLIC),
    "web:password_reset_done": Case("GET", PUBLIC),
    "web:password_reset_confirm": Case("GET", PUBLIC, kwargs=reset_link),
    "web:password_reset_complete": Case("GET", PUBLIC),
    "core:user_list": Case("GET", EVERYONE),
    "core:user_invite": Case(
        "POST", ADMINS, data={"email": "x@example.test", "full_name": "X", "language": "en"}
    ),
    "core:user_detail": Case("GET", EVERYONE, kwargs=other_user),
    "core:user_edit": Case("GET", ADMINS, kwargs=other_user),
    "core:user_deactivate": Case("POST", ADMINS, kwargs=other_user),
    "core:user_reactivate": Case("POST", ADMINS, kwargs=other_user),
    "core:team_list": Case("GET", EVERYONE),
    "core:team_create": Case("POST", ADMINS, data={"name": "New team"}),
    "core:team_detail": Case("GET", EVERYONE, kwargs=some_team),
    "core:team_edit": Case("POST", ADMINS, kwargs=some_team, data={"name": "Renamed"}),
    "core:team_delete": Case("POST", ADMINS, kwargs=some_team),
    "core:role_list": Case("GET", EVERYONE),
    "core:role_detail": Case("GET", EVERYONE, kwargs=lambda actor: {"pk": 1}),
    "core:audit_list": Case("GET", ADMINS),
    "core:token_list": Case("POST", LOGGED_IN, data={"name": "t"}),
    "core:token_revoke": Case("POST", LOGGED_IN, kwargs=own_token),
    "core:inbox": Case("GET", LOGGED_IN),
    "core:inbox_badge": Case("GET", LOGGED_IN),
    "core:notification_open": Case("POST", LOGGED_IN, kwargs=own_notification),
    "core:notifications_read_all": Case("POST", LOGGED_IN),
    "core:search": Case("GET", LOGGED_IN, data={"q": "a"}),
    "core:saved_view_save": Case(
        "POST", EVERYONE, data={"object_type": "core.team", "name": "Mine", "query": "q=x"}
    ),
    "core:saved_view_delete": Case("POST", EVERYONE, kwargs=own_view),
    "core:custom_field_list": Case(
        "POST",
        ADMINS,
        data={"object_type": "customers.contact", "label": "Shoe size", "field_type": "number"},
    ),
    "core:custom_field_edit": Case(
        "POST", ADMINS, kwargs=some_custom_field, data={"label": "Renamed", "position": 1}
    ),
    "core:custom_field_delete": Case("POST", ADMINS, kwargs=some_custom_field),
    "core:tag_list": Case("POST", TAGGERS, data={"name": "vip-new", "color": "#aabbcc"}),
    "core:tag_edit": Case("POST", ADMINS, kwargs=some_tag, data={"name": "x", "color": "#aabbcc"}),
    "core:tag_delete": Case("POST", ADMINS, kwargs=some_tag),
    "core:trash_list": Case("GET", LOGGED_IN),
    "core:trash_restore": Case("POST", LOGGED_IN, kwargs=own_trash_item),
    "core:trash_purge": Case("POST", ADMINS, kwargs=own_trash_item),
    "core:attachment_upload": Case(
        "POST",
        ADMINS,
        kwargs=lambda a: {"object_type": "core.team", "object_id": some_team(a)["pk"]},
        data={"file": SimpleUploadedFile("a.txt", b"hello")},
    ),
    "core:attachment_download": Case("GET", EVERYONE, kwargs=team_attachment),
    "core:attachment_delete": Case("POST", ADMINS, kwargs=team_attachment),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/me"): Case("GET", LOGGED_IN),
    ("GET", "/api/v1/users"): Case("GET", EVERYONE),
    ("POST", "/api/v1/users"): Case(
        "POST", ADMINS, data={"email": "n@example.test", "full_name": "N"}
    ),
    ("GET", "/api/v1/users/{user_id}"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"user_id": other_user(a)["pk"]}
    ),
    ("PATCH", "/api/v1/users/{user_id}"): Case(
        "PATCH",
        ADMINS,
        kwargs=lambda a: {"user_id": other_user(a)["pk"]},
        data={"full_name": "Changed"},
    ),
    ("POST", "/api/v1/users/{user_id}/deactivate"): Case(
        "POST", ADMINS, kwargs=lambda a: {"user_id": other_user(a)["pk"]}
    ),
    ("POST", "/api/v1/users/{user_id}/reactivate"): Case(
        "POST", ADMINS, kwargs=lambda a: {"user_id": other_user(a)["pk"]}
    ),
    ("GET", "/api/v1/teams"): Case("GET", EVERYONE),
    ("POST", "/api/v1/teams"): Case("POST", ADMINS, data={"name": "API team"}),
    ("GET", "/api/v1/teams/{team_id}"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"team_id": some_team(a)["pk"]}
    ),
    ("PATCH", "/api/v1/teams/{team_id}"): Case(
        "PATCH", ADMINS, kwargs=lambda a: {"team_id": some_team(a)["pk"]}, data={"name": "Renamed"}
    ),
    ("DELETE", "/api/v1/teams/{team_id}"): Case(
        "DELETE", ADMINS, kwargs=lambda a: {"team_id": some_team(a)["pk"]}
    ),
    ("GET", "/api/v1/roles"): Case("GET", EVERYONE),
    ("GET", "/api/v1/roles/{role_id}"): Case("GET", EVERYONE, kwargs=lambda a: {"role_id": 1}),
    ("GET", "/api/v1/audit"): Case("GET", ADMINS),
    ("GET", "/api/v1/tokens"): Case("GET", LOGGED_IN),
    ("POST", "/api/v1/tokens"): Case("POST", LOGGED_IN, data={"name": "t"}),
    ("GET", "/api/v1/notifications"): Case("GET", LOGGED_IN),
    ("POST", "/api/v1/notifications/read"): Case("POST", LOGGED_IN, data={"ids": None}),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case(
        "DELETE", LOGGED_IN, kwargs=lambda a: {"token_id": own_token(a)["pk"]}
    ),
    ("GET", "/api/v1/search"): Case("GET", LOGGED_IN, query=lambda a: {"q": "a"}),
    ("GET", "/api/v1/saved-views"): Case(
        "GET", EVERYONE, query=lambda a: {"object_type": "core.team"}
    ),
    ("POST", "/api/v1/saved-views"): Case(
        "POST", EVERYONE, data={"object_type": "core.team", "name": "Mine"}
    ),
    ("DELETE", "/api/v1/saved-views/{view_id}"): Case(
        "DELETE", EVERYONE, kwargs=lambda a: {"view_id": own_view(a)["pk"]}
    ),
    ("GET", "/api/v1/custom-fields"): Case("GET", EVERYONE),
    ("POST", "/api/v1/custom-fields"): Case(
        "POST",
        ADMINS,
        data={"object_type": "customers.contact", "label": "Shoe size", "field_type": "number"},
    ),
    ("PATCH", "/api/v1/custom-fields/{field_id}"): Case(
        "PATCH",
        ADMINS,
        kwargs=lambda a: {"field_id": some_custom_field(a)["pk"]},
        data={"label": "Renamed"},
    ),
    ("DELETE", "/api/v1/custom-fields/{field_id}"): Case(
        "DELETE", ADMINS, kwargs=lambda a: {"field_id": some_custom_field(a)["pk"]}
    ),
    ("GET", "/api/v1/tags"): Case("GET", EVERYONE),
    ("POST", "/api/v1/tags"): Case("POST", TAGGERS, data={"name": "api-tag"}),
    ("PATCH", "/api/v1/tags/{tag_id}"): Case(
        "PATCH", ADMINS, kwargs=lambda a: {"tag_id": some_tag(a)["pk"]}, data={"name": "y"}
    ),
    ("DELETE", "/api/v1/tags/{tag_id}"): Case(
        "DELETE", ADMINS, kwargs=lambda a: {"tag_id": some_tag(a)["pk"]}
    ),
    ("GET", "/api/v1/trash"): Case("GET", LOGGED_IN),
    ("POST", "/api/v1/trash/{item_id}/restore"): Case(
        "POST", LOGGED_IN, kwargs=lambda a: {"item_id": own_trash_item(a)["pk"]}
    ),
    ("DELETE", "/api/v1/trash/{item_id}"): Case(
        "DELETE", ADMINS, kwargs=lambda a: {"item_id": own_trash_item(a)["pk"]}
    ),
    ("GET", "/api/v1/attachments"): Case(
        "GET",
        EVERYONE,
        kwargs=lambda a: {},
        query=lambda a: {"object_type": "core.team", "object_id": some_team(a)["pk"]},
    ),
    ("POST", "/api/v1/attachments"): Case(
        "POST",
        ADMINS,
        multipart=lambda a: {
            "object_type": "core.team",
            "object_id": some_team(a)["pk"],
            "file": SimpleUploadedFile("a.txt", b"hello"),
        },
    ),
    ("GET", "/api/v1/attachments/{attachment_id}"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"attachment_id": team_attachment(a)["pk"]}
    ),
    ("GET", "/api/v1/attachments/{attachment_id}/download"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"attachment_id": team_attachment(a)["pk"]}
    ),
    ("DELETE", "/api/v1/attachments/{attachment_id}"): Case(
        "DELETE", ADMINS, kwargs=lambda a: {"attachment_id": team_attachment(a)["pk"]}
    ),
}


# Each module contributes its own rows and the state its refused calls must not touch.
MODULES = (
    customers_rows,
    activities_rows,
    relationships_rows,
    leads_rows,
    deals_rows,
    handover_rows,
    exports_rows,
    dedupe_rows,
    imports_rows,
    match_rules_rows,
    forms_rows,
    quotes_rows,
    orders_rows,
    orders_api_rows,
    forecast_rows,
    sync_rows,
    service_api_rows,
    service_rows,
    routing_rows,
    escalation_rows,
    knowledge_rows,
    surveys_rows,
    service_reports_rows,
    field_rows,
    analytics_rows,
    churn_rows,
    classification_rows,
)
for _module in MODULES:
    PAGES.update(_module.PAGES)
    OPERATIONS.update(_module.OPERATIONS)


def actor_for(role: str) -> User | None:
    return None if role == ANONYMOUS else make_user(role=role, full_name=f"Actor {role}")


def state() -> tuple[Any, ...]:
    """What a refused write must leave untouched."""
    return (
        AuditEntry.objects.count(),
        sorted(User.objects.values_list("pk", "full_name", "is_active", "is_superuser")),
        sorted(Team.all_objects.values_list("pk", "name", "deleted_at")),
        sorted(Attachment.all_objects.values_list("pk", "deleted_at")),
        TeamMembership.objects.count(),
        Notification.objects.filter(read_at__isnull=True).count(),
        TrashItem.objects.count(),
        sorted(Tag.objects.values_list("pk", "name", "color")),
        sorted(CustomField.objects.values_list("pk", "label", "is_active")),
        sorted(SavedView.objects.values_list("pk", "name", "query")),
        *(module.state() for module in MODULES),
    )


def test_matrix_covers_every_page():
    assert set(iter_url_names()) == set(PAGES)


def test_matrix_covers_every_api_operation():
    assert set(iter_api_operations(api.get_openapi_schema())) == set(OPERATIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_page_access(client, url_name, role):
    case = PAGES[url_name]
    actor = actor_for(role)
    if actor is not None:
        client.force_login(actor)
    kwargs, data = case.setup(actor) if case.setup else (None, case.data)
    if case.kwargs:
        kwargs = case.kwargs(actor)
    url = reverse(url_name, kwargs=kwargs)
    # Only a refused request is checked for leaving everything as it was.
    before = state() if role not in case.allowed else None
    response = getattr(client, case.method.lower())(url, data)
    if role in case.allowed:
        assert response.status_code < 400, (url_name, role, response.status_code)
        if response.status_code == 302 and not case.lands_on_login:
            assert not response["Location"].startswith(reverse("web:login")), (url_name, role)
        return
    if actor is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    else:
        assert response.status_code in (403, 404), (url_name, role, response.status_code)
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_api_access(client, operation, role):
    method, path = operation
    case = OPERATIONS[operation]
    actor = actor_for(role)
    headers = {}
    if actor is not None:
        headers["Authorization"] = f"Bearer {create_token(actor=actor, name='matrix')[1]}"
    kwargs, data = case.setup(actor) if case.setup else ({}, case.data)
    if case.kwargs:
        kwargs = case.kwargs(actor)
    url = path.format(**kwargs)
    if case.query:
        url += "?" + urlencode(case.query(actor))
    form = case.multipart(actor) if case.multipart else None
    before = state() if role not in case.allowed else None
    if form is not None:
        response = client.post(url, form, headers=headers)
    else:
        response = client.generic(
            method,
            url,
            data=json.dumps(data) if data else "",
            content_type="application/json",
            headers=headers,
        )
    if role in case.allowed:
        assert response.status_code < 400, (operation, role, response.status_code, response.content)
        return
    expected = (401,) if actor is None else (403, 404)
    assert response.status_code in expected, (operation, role, response.status_code)
    assert response.json()["errors"][0]["code"] in {"unauthenticated", "forbidden", "not_found"}
    assert state() == before
