"""The customers API: CRUD, nested rows, consents, tiers, errors naming the field, paging."""

import pytest

from guanxi.core.services.custom_fields import create_custom_field
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Account, Consent, Contact
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """A client acting as a sales rep through a token."""
    user = make_user(role="sales_rep", full_name="李伟")
    key = create_token(actor=user, name="t")[1]

    def call(method, path, body=None, **params):
        return client.generic(
            method,
            path,
            data=__import__("json").dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
            QUERY_STRING="&".join(f"{k}={v}" for k, v in params.items()),
        )

    call.user = user
    return call


def test_tiers_are_listed_in_rank_order(api):
    body = api("GET", "/api/v1/tiers").json()
    assert [(t["code"], t["name"]) for t in body] == [
        ("vip", "VIP"),
        ("key", "Key"),
        ("standard", "Standard"),
    ]


def test_create_contact_with_nested_rows_returns_201(api):
    account = make_account(owner=api.user)
    response = api(
        "POST",
        "/api/v1/contacts",
        {
            "family_name": "张",
            "given_name": "伟",
            "tier": "vip",
            "phones": [{"kind": "mobile", "value": "138-0013-8000"}],
            "emails": [{"value": "Zhang@Example.com"}],
            "addresses": [{"province": "广东", "city": "深圳市", "street": "深南大道 1 号"}],
            "accounts": [{"account": account.pk, "role": "总经理", "is_primary": True}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["full_name"], body["name_pinyin"], body["name_initials"]) == (
        "张伟",
        "zhang wei",
        "zw",
    )
    assert body["phones"] == [{"kind": "mobile", "value": "+8613800138000", "is_primary": True}]
    assert body["emails"][0]["value"] == "zhang@example.com"
    assert body["addresses"][0]["province"] == "44"
    assert body["addresses"][0]["city"] == "深圳"
    assert body["accounts"][0]["account"] == {"id": account.pk, "name": account.name}
    assert body["tier"]["code"] == "vip"
    assert body["owner"]["id"] == api.user.pk
    detail = api("GET", f"/api/v1/accounts/{account.pk}").json()
    assert detail["primary_contact_id"] == body["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"family_name": "张", "phones": [{"value": "138"}]}, "body.phones.0.value"),
        (
            {"family_name": "张", "emails": [{"value": "x"}, {"value": "bad@"}]},
            "body.emails.0.value",
        ),
        ({"family_name": "张", "tier": "gold"}, "body.tier"),
        ({"family_name": "张", "gender": "x"}, "body.gender"),
        ({"family_name": ""}, "body.family_name"),
        ({"family_name": "张", "accounts": [{"account": 999999}]}, "body.accounts.0.account"),
    ],
)
def test_bad_values_are_422_naming_the_field_and_create_nothing(api, body, field):
    response = api("POST", "/api/v1/contacts", body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Contact.objects.count() == 0


def test_parent_cycle_is_422_naming_the_parent(api):
    group = make_account(owner=api.user)
    child = make_account(owner=api.user, parent=group)
    response = api("PATCH", f"/api/v1/accounts/{group.pk}", {"parent": child.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "body.parent",
            "message": "An account cannot be its own parent or subsidiary.",
            "code": "invalid",
        }
    ]
    group.refresh_from_db()
    assert group.parent_id is None


def test_patch_and_delete_account(api):
    account = make_account(owner=api.user, name="Acme")
    response = api(
        "PATCH",
        f"/api/v1/accounts/{account.pk}",
        {"name": "阿里巴巴（中国）有限公司", "industry": "retail"},
    )
    assert response.status_code == 200
    assert response.json()["name_pinyin"].startswith("a li ba ba")
    assert api("DELETE", f"/api/v1/accounts/{account.pk}").status_code == 204
    assert Account.objects.count() == 0
    assert api("GET", f"/api/v1/accounts/{account.pk}").status_code == 404


def test_rep_cannot_assign_an_account_to_someone_else(api):
    other = make_user(role="sales_rep")
    response = api("POST", "/api/v1/accounts", {"name": "Acme", "owner": other.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.owner"
    assert Account.objects.count() == 0


def test_consents_post_and_get(api):
    contact = make_contact(owner=api.user)
    created = api(
        "POST",
        f"/api/v1/contacts/{contact.pk}/consents",
        {"channel": "email", "status": "granted", "wording": "Yes, email me."},
    )
    assert created.status_code == 201
    assert created.json()["source"] == "api"
    api(
        "POST",
        f"/api/v1/contacts/{contact.pk}/consents",
        {"channel": "email", "status": "withdrawn"},
    )
    body = api("GET", f"/api/v1/contacts/{contact.pk}/consents").json()
    assert [c["status"] for c in body["current"]] == ["withdrawn"]
    assert [c["status"] for c in body["history"]] == ["withdrawn", "granted"]
    bad = api(
        "POST",
        f"/api/v1/contacts/{contact.pk}/consents",
        {"channel": "fax", "status": "granted", "wording": "x"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.channel"
    assert Consent.objects.count() == 2


def test_list_filters_search_and_keyset_pages(api):
    names = ["张伟", "李娜", "王芳", "陈静", "刘洋"]
    for name in names:
        make_contact(owner=api.user, family_name=name[0], given_name=name[1:])
    first = api("GET", "/api/v1/contacts", limit=2).json()
    assert [c["full_name"] for c in first["items"]] == ["陈静", "李娜"]  # chen, li
    second = api("GET", "/api/v1/contacts", limit=2, cursor=first["next_cursor"]).json()
    assert [c["full_name"] for c in second["items"]] == ["刘洋", "王芳"]  # liu, wang
    third = api("GET", "/api/v1/contacts", limit=2, cursor=second["next_cursor"]).json()
    assert [c["full_name"] for c in third["items"]] == ["张伟"]
    assert third["next_cursor"] is None
    found = api("GET", "/api/v1/contacts", q="zhangwei").json()["items"]
    assert [c["full_name"] for c in found] == ["张伟"]
    bad = api("GET", "/api/v1/contacts", sort="title")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.sort"


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/contacts"])
def test_list_endpoints_run_a_constant_number_of_queries(api, django_assert_max_num_queries, path):
    admin = make_user(role="administrator")
    for object_type in ("customers.account", "customers.contact"):
        create_custom_field(actor=admin, object_type=object_type, label="Note", field_type="text")

    def fill(n):
        for i in range(n):
            extra = {"tags": ["VIP", f"t{i}"], "custom_fields": {"note": "x"}}
            account = make_account(owner=api.user, addresses=[{"province": "11"}], **extra)
            make_contact(
                owner=api.user,
                phones=[{"value": "13800138000"}],
                emails=[{"value": "a@example.com"}],
                accounts=[{"account": account, "is_primary": True}],
                **extra,
            )

    fill(5)
    with django_assert_max_num_queries(11) as few:
        assert len(api("GET", path).json()["items"]) == 5
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api("GET", path).json()["items"]) == 25
