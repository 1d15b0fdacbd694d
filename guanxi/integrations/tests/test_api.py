"""The API framework: tokens, the error format, keyset pagination, the schema."""

import pytest

from guanxi.core.models import AuditEntry, Team, User
from guanxi.core.services.tokens import create_token, revoke_token
from guanxi.core.services.users import deactivate_user
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin_key(db):
    admin = make_user(role="administrator", full_name="Ada")
    _token, key = create_token(actor=admin, name="tests")
    return key


def test_me_with_a_token(client):
    user = make_user(full_name="陈静")
    _token, key = create_token(actor=user, name="t")
    response = client.get("/api/v1/me", headers=bearer(key))
    assert response.status_code == 200
    assert response.json()["full_name"] == "陈静"


@pytest.mark.parametrize("key", ["", "gx_not-a-real-token", "garbage"])
def test_bad_token_is_401_in_the_error_format(client, key):
    response = client.get("/api/v1/me", headers=bearer(key))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthenticated"


def test_revoked_token_and_deactivated_user_are_401(client):
    admin = make_user(role="administrator")
    user = make_user()
    token, key = create_token(actor=user, name="t")
    _token2, key2 = create_token(actor=user, name="t2")
    revoke_token(actor=user, token=token)
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(key2)).status_code == 200
    deactivate_user(actor=admin, user=user)
    assert client.get("/api/v1/me", headers=bearer(key2)).status_code == 401


def test_expired_token_is_401(client):
    from datetime import timedelta

    from django.utils import timezone

    from guanxi.core.models import ApiToken

    token, key = create_token(actor=make_user(), name="t")
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401


@pytest.mark.parametrize("roles", [[], ["sales_rep"], ["sales_rep", "sales_manager"]])
def test_token_brings_the_grants_of_all_the_users_roles(roles, django_assert_num_queries):
    """The token query reads the user's grants too (one query for authentication and
    permissions); they are the grants ``scope_for`` would read itself."""
    from guanxi.core.access import scope_for
    from guanxi.core.models import Role, RoleGrant
    from guanxi.integrations.api.auth import user_for_token

    user = make_user()
    user.roles.add(*Role.objects.filter(code__in=roles))
    assert Role.objects.filter(code__in=roles).count() == len(roles)
    _token, key = create_token(actor=user, name="t")
    from_token = user_for_token(key)
    fresh = User.objects.get(pk=user.pk)
    keys = set(RoleGrant.objects.values_list("object_type", "action"))
    assert keys
    with django_assert_num_queries(0):
        cached = {k: scope_for(from_token, *k) for k in keys}
    assert cached == {k: scope_for(fresh, *k) for k in keys}


def test_session_auth_needs_csrf_for_writes(client):
    admin = make_user(role="administrator")
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(admin)
    assert csrf_client.get("/api/v1/me").status_code == 200
    response = csrf_client.post("/api/v1/teams", {"name": "X"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Team.objects.exists()


def test_schema_validation_error_names_the_field(client, admin_key):
    response = client.post(
        "/api/v1/users",
        {"email": "a@example.com", "full_name": ""},
        content_type="application/json",
        headers=bearer(admin_key),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.full_name"]


def test_invalid_email_is_refused_naming_the_field(client, admin_key):
    response = client.post(
        "/api/v1/users",
        {"email": "not-an-email", "full_name": "x"},
        content_type="application/json",
        headers=bearer(admin_key),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.email", "message": "Enter a valid email address.", "code": "invalid"}
    ]
    assert not User.objects.filter(full_name="x").exists()


def test_service_error_names_the_field(client, admin_key):
    make_user(email="taken@example.test")
    response = client.post(
        "/api/v1/users",
        {"email": "taken@example.test", "full_name": "x"},
        content_type="application/json",
        headers=bearer(admin_key),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.email"


def test_unknown_id_is_404_in_the_error_format(client, admin_key):
    response = client.get("/api/v1/users/999999", headers=bearer(admin_key))
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"field": None, "message": "Not found.", "code": "not_found"}]
    }


def test_forbidden_write_is_403_and_changes_nothing(client):
    rep = make_user(role="sales_rep")
    _token, key = create_token(actor=rep, name="t")
    response = client.post(
        "/api/v1/teams", {"name": "Mine"}, content_type="application/json", headers=bearer(key)
    )
    assert response.status_code == 403
    assert not Team.objects.exists()
    assert not AuditEntry.objects.filter(object_type="core.team").exists()


def test_keyset_pagination_walks_every_user_once(client, admin_key):
    for i in range(7):
        make_user(full_name=f"P{i}")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, "sort": "full_name"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/users", params, headers=bearer(admin_key)).json()
        seen += [u["full_name"] for u in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(User.objects.values_list("full_name", flat=True))
    assert pages == 3


def test_bad_cursor_and_sort_name_the_field(client, admin_key):
    response = client.get("/api/v1/users", {"cursor": "%%%"}, headers=bearer(admin_key))
    assert response.json()["errors"][0]["field"] == "query.cursor"
    response = client.get("/api/v1/users", {"sort": "password"}, headers=bearer(admin_key))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.sort"


def test_team_crud_through_the_api(client, admin_key):
    member = make_user()
    created = client.post(
        "/api/v1/teams",
        {"name": "华北", "members": [member.pk], "managers": []},
        content_type="application/json",
        headers=bearer(admin_key),
    )
    assert created.status_code == 201
    team_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/teams/{team_id}",
        {"managers": [member.pk]},
        content_type="application/json",
        headers=bearer(admin_key),
    )
    assert patched.json()["members"] == [
        {"user_id": member.pk, "email": member.email, "is_manager": True}
    ]
    assert client.delete(f"/api/v1/teams/{team_id}", headers=bearer(admin_key)).status_code == 204
    assert not Team.objects.exists()


def test_token_created_through_the_api_works_once_shown(client):
    user = make_user()
    client.force_login(user)
    created = client.post("/api/v1/tokens", {"name": "cli"}, content_type="application/json")
    key = created.json()["key"]
    client.logout()
    assert client.get("/api/v1/me", headers=bearer(key)).json()["id"] == user.pk
    listed = client.get("/api/v1/tokens", headers=bearer(key)).json()
    assert "key" not in listed[0]


def test_openapi_schema_is_3_1_and_docs_are_served_offline(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/users" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower()


def test_user_list_endpoint_query_count_is_constant(
    client, admin_key, django_assert_max_num_queries
):
    for _ in range(40):
        make_user()
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/users", {"limit": 50}, headers=bearer(admin_key)).json()
    assert len(body["items"]) == 41  # the 40 plus the administrator


def test_invite_with_unknown_language_is_refused_naming_the_field(client, admin_key):
    response = client.post(
        "/api/v1/users",
        {"email": "fr@example.com", "full_name": "Jean", "language": "fr"},
        content_type="application/json",
        headers=bearer(admin_key),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.language"
    assert not User.objects.filter(email="fr@example.com").exists()
