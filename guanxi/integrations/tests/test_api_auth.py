"""Token authentication reads its row with SQL compiled once (``auth._token_query``):
nothing about a token, its user or their grants is kept between requests, so every
change takes effect from the very next request on the same connection."""

import gc
import threading
import weakref
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.core.models import ApiToken, Role
from guanxi.core.services.tokens import create_token, revoke_token
from guanxi.core.services.users import deactivate_user
from guanxi.integrations.api import auth
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def rep_key(db):
    user = make_user(role="sales_rep", full_name="Rep")
    return user, create_token(actor=user, name="t")[1]


def test_a_revoked_token_is_refused_on_the_next_request(client, rep_key):
    user, key = rep_key
    assert client.get("/api/v1/contacts", headers=bearer(key)).status_code == 200
    token = ApiToken.objects.get(user=user)
    revoke_token(actor=user, token=token)
    assert client.get("/api/v1/contacts", headers=bearer(key)).status_code == 401


def test_an_expired_token_and_a_deactivated_user_are_refused_at_once(client, rep_key):
    user, key = rep_key
    other = create_token(actor=user, name="t2")[1]
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    ApiToken.objects.filter(user=user, name="t").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200
    deactivate_user(actor=make_user(role="administrator"), user=user)
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401


def test_role_changes_apply_from_the_next_request(client, rep_key):
    user, key = rep_key
    assert client.get("/api/v1/contacts", headers=bearer(key)).status_code == 200
    user.roles.clear()
    assert client.get("/api/v1/contacts", headers=bearer(key)).status_code == 403
    user.roles.add(Role.objects.get(code="sales_rep"))
    assert client.get("/api/v1/contacts", headers=bearer(key)).status_code == 200


def test_the_user_and_token_are_read_in_full(client, rep_key):
    user, key = rep_key
    found = auth.user_for_token(key)
    assert found == user
    assert found.full_name == "Rep"
    assert found.email == user.email
    assert found.is_active
    assert found._state.adding is False
    assert found._state.db == "default"
    token = ApiToken.objects.get(user=user)
    read, grants = auth._read_token(key)
    assert read == token
    assert read.user is found or read.user == user
    assert read.key_hash == token.key_hash
    assert read.created_at == token.created_at  # datetimes converted on every database
    assert "customers.contact:view:" in grants


@pytest.mark.parametrize("key", ["", "garbage", "gx_", "gx_not-a-real-token"])
def test_unknown_keys_are_none(db, key):
    assert auth.user_for_token(key) is None


def test_one_query_per_request_and_the_sql_is_compiled_once(client, rep_key):
    _user, key = rep_key
    client.get("/api/v1/me", headers=bearer(key))  # records the use (once a minute)
    compiled = auth._token_query()
    with CaptureQueriesContext(connection) as captured:
        assert auth.user_for_token(key) is not None
    assert len(captured) == 1
    assert captured.captured_queries[0]["sql"].startswith("SELECT")
    assert auth._token_query() is compiled  # the same SQL, not built again


def test_the_last_use_is_recorded(client, rep_key):
    user, key = rep_key
    assert ApiToken.objects.get(user=user).last_used_at is None
    client.get("/api/v1/me", headers=bearer(key))
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_a_threads_compiled_token_query_goes_with_its_connection():
    # Kept in a map keyed by connection, the compiled query (which refers to its
    # connection) kept every thread's connection alive, and open, for good.
    seen = []

    def check_a_token():
        auth._token_query()
        seen.append(weakref.ref(connections[DEFAULT_DB_ALIAS]))

    thread = threading.Thread(target=check_a_token)
    thread.start()
    thread.join()
    gc.collect()

    assert seen and seen[0]() is None
