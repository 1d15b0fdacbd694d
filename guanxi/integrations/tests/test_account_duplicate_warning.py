"""Creating an account that looks like an existing one: the form shows the candidates
and asks to confirm, the API answers 409 with them unless confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.customers.duplicates import ACCOUNTS, CONTACTS, possible_duplicates
from guanxi.customers.models import Account
from guanxi.customers.tests.matrix_rows import formset
from guanxi.integrations.api.assembly import api
from guanxi.integrations.match_rules import forget_cached_rules
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rules():
    forget_cached_rules()
    yield
    forget_cached_rules()


@pytest.fixture
def rep():
    return make_user(role="sales_rep")


def _post(client, user, body, query=""):
    token = create_token(actor=user, name="t")[1]
    return client.post(
        f"/api/v1/accounts{query}",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


# --- API ----------------------------------------------------------------------------


def test_a_likely_duplicate_account_answers_409_with_scored_candidates(client, rep):
    existing = make_account(owner=rep, name="ACME Trading Co., Ltd.", website="www.acme.com")

    response = _post(client, rep, {"name": "Acme Trading GmbH", "website": "https://acme.com/de"})

    assert response.status_code == 409
    body = response.json()
    assert body["errors"] == [
        {
            "field": None,
            "code": "possible_duplicate",
            "message": "This looks like an account that already exists. Send the request "
            "again with ?confirm_duplicate=true to create it anyway.",
        }
    ]
    [candidate] = body["candidates"]
    assert candidate["account_id"] == existing.pk
    assert candidate["name"] == "ACME Trading Co., Ltd."
    assert candidate["url"] == f"/accounts/{existing.pk}/"
    assert candidate["score"] == pytest.approx(1 - 0.05 * 0.07)
    assert candidate["reasons"] == [
        "same name acmetrading (Acme Trading GmbH = ACME Trading Co., Ltd.)",
        "same website acme.com",
    ]
    assert Account.objects.count() == 1


@pytest.mark.parametrize(
    ("existing_name", "new_name"),
    [
        ("华为技术有限公司", "华为技术"),
        ("华为技术", "华为技术有限公司"),
        ("华为技术有限公司", "华为技术（中国）有限公司"),
    ],
)
def test_a_chinese_company_with_or_without_its_legal_form_warns(
    client, rep, existing_name, new_name
):
    existing = make_account(owner=rep, name=existing_name)

    response = _post(client, rep, {"name": new_name})

    assert response.status_code == 409
    assert [c["account_id"] for c in response.json()["candidates"]] == [existing.pk]
    assert response.json()["candidates"][0]["score"] == 0.95


def test_confirm_duplicate_creates_the_account_anyway(client, rep):
    make_account(owner=rep, name="华为技术有限公司")

    response = _post(client, rep, {"name": "华为技术"}, "?confirm_duplicate=true")

    assert response.status_code == 201
    assert Account.objects.filter(name="华为技术").count() == 1


def test_a_clearly_different_company_is_created_without_a_warning(client, rep):
    make_account(owner=rep, name="华为技术有限公司", website="huawei.com")
    make_account(owner=rep, name="ACME Trading Co., Ltd.")

    response = _post(client, rep, {"name": "华润置地有限公司", "website": "crland.com.hk"})

    assert response.status_code == 201


def test_an_account_the_caller_cannot_see_is_not_revealed(client, rep):
    make_account(owner=make_user(role="sales_rep"), name="华为技术有限公司")

    response = _post(client, rep, {"name": "华为技术"})

    assert response.status_code == 201


def test_the_openapi_schema_documents_the_account_409_and_the_confirmation():
    operation = api.get_openapi_schema()["paths"]["/api/v1/accounts"]["post"]

    assert "409" in {str(code) for code in operation["responses"]}
    assert [p["name"] for p in operation["parameters"]] == ["confirm_duplicate"]
    assert "confirm_duplicate=true" in operation["description"]


# --- the registry -------------------------------------------------------------------


def test_the_registry_keeps_contacts_and_accounts_apart(rep):
    make_account(owner=rep, name="华为技术有限公司")

    assert [m.name for m in possible_duplicates(rep, {"name": "华为技术"}, kind=ACCOUNTS)] == [
        "华为技术有限公司"
    ]
    assert possible_duplicates(rep, {"name": "华为技术"}, kind=CONTACTS) == []


# --- web form -----------------------------------------------------------------------


def _form(owner, **fields):
    return {"name": "", "country": "CN", "owner": owner.pk, **formset("addresses"), **fields}


def test_the_account_form_shows_the_candidates_and_saves_once_confirmed(client):
    admin = make_user(role="administrator")
    existing = make_account(owner=admin, name="北京华为技术有限公司")
    client.force_login(admin)
    data = _form(admin, name="北京华为技术")

    response = client.post(reverse("customers:account_create"), data)

    assert response.status_code == 200
    assert Account.objects.count() == 1  # nothing saved yet
    page = response.content.decode()
    assert 'data-testid="possible-duplicates"' in page
    assert "This company may already have an account" in page
    assert f'href="{existing.get_absolute_url()}"' in page
    assert "score 0.95" in page
    assert "same name 北京华为技术" in page
    assert [m.account for m in response.context["duplicates"]] == [existing]

    confirmed = client.post(reverse("customers:account_create"), {**data, "confirm_duplicate": "1"})

    assert confirmed.status_code == 302
    assert Account.objects.filter(name="北京华为技术").count() == 1


def test_editing_an_account_never_asks_about_duplicates(client):
    admin = make_user(role="administrator")
    make_account(owner=admin, name="华为技术有限公司")
    other = make_account(owner=admin, name="Zork")
    client.force_login(admin)

    response = client.post(
        reverse("customers:account_edit", args=[other.pk]), _form(admin, name="华为技术")
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.name == "华为技术"
