"""The list pages PostgreSQL writes itself (``list_json``) against the pages shaped in
Python (``schemas.*_list_items``, the path on other databases): the same items, key
order, pages and cursors, for every sort, for awkward values (quotes, backslashes,
control characters, Chinese, times with and without fractions of a second) and in
another language (built-in tier names translate). PostgreSQL only: run with
``DATABASE_URL=postgres://…``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import translation

from guanxi.core.services.custom_fields import create_custom_field
from guanxi.core.services.tokens import create_token
from guanxi.customers import list_json
from guanxi.customers.models import Account, Contact, CustomerTier
from guanxi.customers.models.tiers import BUILTIN_TIER_NAMES
from guanxi.customers.services.contacts import delete_contact
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_team, make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the database writes the JSON on PostgreSQL"
    ),
]

ODD = 'Quote " back\\slash \t tab \x01 ctrl 张伟 ü'


@pytest.fixture
def people(db):
    admin = make_user(role="administrator", language="zh-hans")
    rep = make_user(role="sales_rep")
    team = make_team(members=[rep])
    create_custom_field(
        actor=admin, object_type="customers.contact", label="Shoe", field_type="text"
    )
    gold = CustomerTier.objects.create(code="gold", name="Gold 金", rank=5)
    parent = make_account(name="集团总部", owner=rep, actor=admin)
    accounts = [
        make_account(
            name=ODD,
            owner=rep,
            actor=admin,
            team=team,
            parent=parent,
            tier=CustomerTier.objects.get(code="vip"),
            tags=["hot", "Beijing", "北京"],
            website="https://example.cn",
        ),
        make_account(name="Acme Ltd", owner=admin, tier=gold),
    ]
    for n in range(7):
        make_contact(
            family_name=f"张{n}",
            given_name=ODD if n == 0 else "伟",
            title=ODD,
            owner=rep if n % 2 else admin,
            actor=admin,
            team=team if n % 3 == 0 else None,
            tier=CustomerTier.objects.get(code="key") if n % 2 else None,
            phones=[{"kind": "mobile", "value": f"138-0013-800{n}"}, {"value": f"010-6552-000{n}"}],
            emails=[{"value": f"zhang{n}@example.com"}],
            accounts=[
                {"account": accounts[n % 2], "is_primary": n < 2, "role": ODD},
                *([{"account": parent, "is_current": False}] if n == 3 else []),
            ],
            tags=["b", "a", "中"] if n % 2 else [],
            custom_fields={"shoe": ODD} if n == 1 else {},
        )
    gone = make_contact(family_name="Gone", owner=rep, actor=admin)
    delete_contact(actor=admin, contact=gone)
    # Times with no fraction, with less than a millisecond and with a full one.
    Contact.objects.filter(family_name="张0").update(
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 5, 500, tzinfo=UTC),
    )
    Account.objects.filter(name="Acme Ltd").update(
        updated_at=datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)
    )
    return {"admin": admin, "rep": rep}


def _pages(client, key, path):
    """Every page of ``path`` (limit 3) as parsed JSON, following the cursors."""
    pages, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200, response.content[:300]
        body = json.loads(response.content)
        pages.append(body)
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


@pytest.mark.parametrize("who", ["admin", "rep"])
@pytest.mark.parametrize("kind", ["contacts", "accounts"])
@pytest.mark.parametrize(
    "sort", ["name_pinyin", "-name_pinyin", "id", "-id", "created_at", "-updated_at"]
)
def test_pages_equal_the_python_pages(client, people, who, kind, sort):
    key = create_token(actor=people[who], name="t")[1]
    path = f"/api/v1/{kind}?sort={sort}"
    written = _pages(client, key, path)
    with mock.patch.object(list_json, "available", return_value=False):
        shaped = _pages(client, key, path)
    assert written == shaped
    assert sum(len(page["items"]) for page in written) >= 2
    for page, other in zip(written, shaped, strict=True):
        for item, expected in zip(page["items"], other["items"], strict=True):
            assert list(item) == list(expected)  # key order too


def test_the_database_writes_the_page(client, people, django_assert_num_queries):
    key = create_token(actor=people["admin"], name="t")[1]
    headers = {"Authorization": f"Bearer {key}"}
    client.get("/api/v1/contacts", headers=headers)  # the token's use, recorded once a minute
    spy = mock.patch.object(list_json, "page_items", wraps=list_json.page_items)
    with spy as written, django_assert_num_queries(2):  # the token, the page with children
        response = client.get("/api/v1/contacts", {"q": "zhang"}, headers=headers)
    assert written.called
    items = response.json()["items"]
    first = next(item for item in items if item["family_name"] == "张0")
    assert first["given_name"] == ODD
    assert first["created_at"] == "2026-01-02T03:04:05Z"
    assert first["updated_at"] == "2026-01-02T03:04:05.000Z"
    assert first["phones"][0]["value"].endswith("8000")
    assert first["accounts"][0]["role"] == ODD
    with translation.override("zh-hans"):
        key_tier = str(BUILTIN_TIER_NAMES["key"])
    assert {item["tier"]["name"] for item in items if item["tier"]} == {key_tier}
    assert "张0".encode() in response.content  # UTF-8 as it is, not \\u escapes


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 1, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 1000, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1999, 6, 7, 8, 9, 10, 123456, tzinfo=UTC),
    ],
)
def test_times_are_written_as_djangos_encoder_writes_them(db, value):
    with connection.cursor() as cursor:
        sql = f"SELECT {list_json._time('%s::timestamptz')}"
        cursor.execute(sql, [value] * sql.count("%s"))
        (text,) = cursor.fetchone()
    assert text == json.dumps(value, cls=DjangoJSONEncoder)


@pytest.mark.parametrize("kind", ["contacts", "accounts"])
def test_a_page_that_cannot_match_asks_nothing(people, kind, django_assert_num_queries):
    model = Contact if kind == "contacts" else Account
    for empty in (model.objects.none(), model.objects.filter(pk__in=[])):
        with django_assert_num_queries(0):
            assert list_json.page_items(kind, empty.order_by("pk")[:3], "pk", False) == []
