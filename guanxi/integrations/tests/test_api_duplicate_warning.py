"""Creating a contact through the API that looks like an existing one: 409 with the
candidates, unless confirmed."""

from __future__ import annotations

import pytest

from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Contact
from guanxi.integrations.api.assembly import api
from guanxi.testing.customers import make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

BODY = {"family_name": "Zhang", "given_name": "Wei", "phones": [{"value": "13812344229"}]}


@pytest.fixture
def rep():
    return make_user(role="sales_rep")


def _post(client, user, body, query=""):
    token = create_token(actor=user, name="t")[1]
    return client.post(
        f"/api/v1/contacts{query}",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_likely_duplicate_answers_409_with_the_candidates_and_creates_nothing(client, rep):
    existing = make_contact(
        owner=rep, family_name="张", given_name="伟", phones=[{"value": "+86 138 1234 4229"}]
    )

    response = _post(client, rep, BODY)

    assert response.status_code == 409
    body = response.json()
    assert body["errors"][0]["code"] == "possible_duplicate"
    assert "confirm_duplicate=true" in body["errors"][0]["message"]
    [candidate] = body["candidates"]
    assert candidate["contact_id"] == existing.pk
    assert candidate["url"] == f"/contacts/{existing.pk}/"
    assert candidate["score"] >= 0.92
    assert "same phone ending 4229" in candidate["reasons"]
    assert Contact.objects.count() == 1


def test_confirm_duplicate_creates_it_anyway(client, rep):
    make_contact(owner=rep, family_name="张", given_name="伟", phones=[{"value": "13812344229"}])

    response = _post(client, rep, BODY, "?confirm_duplicate=true")

    assert response.status_code == 201
    assert Contact.objects.count() == 2


def test_a_new_person_is_created_without_confirmation(client, rep):
    make_contact(owner=rep, family_name="Smith", given_name="Mary")

    response = _post(client, rep, BODY)

    assert response.status_code == 201


def test_a_contact_the_caller_cannot_see_is_not_revealed(client, rep):
    make_contact(
        owner=make_user(role="sales_rep"),
        family_name="张",
        given_name="伟",
        phones=[{"value": "13812344229"}],
    )

    response = _post(client, rep, BODY)

    assert response.status_code == 201


def test_the_openapi_schema_documents_the_409_and_the_confirmation():
    operation = api.get_openapi_schema()["paths"]["/api/v1/contacts"]["post"]

    assert 409 in operation["responses"]
    assert [p["name"] for p in operation["parameters"]] == ["confirm_duplicate"]
