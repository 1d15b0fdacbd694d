"""The account and contact lists: a constant number of queries whatever the page, and
items identical to what the declared schemas give for the same records (the lists shape
plain rows themselves instead of validating model instances through the schemas)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from guanxi.core.services.custom_fields import create_custom_field
from guanxi.core.services.tokens import create_token
from guanxi.customers import list_json
from guanxi.customers.models import CustomerTier
from guanxi.customers.schemas import AccountSchema, ContactSchema
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.customers.services.accounts import delete_account
from guanxi.customers.services.contacts import delete_contact
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def _client_for(client, user):
    key = create_token(actor=user, name="t")[1]

    def get(path, **params):
        response = client.get(path, params, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200, response.content[:300]
        return response

    return get


def _schema_json(schema, obj):
    """What returning ``obj`` through ``schema`` renders to (Ninja's dump + encoder)."""
    return json.loads(json.dumps(schema.model_validate(obj).model_dump(), cls=NinjaJSONEncoder))


@pytest.fixture
def records(db):
    """Customers with everything a list row shows, including the awkward cases."""
    admin = make_user(role="administrator")
    rep = make_user(role="sales_rep")
    team = make_team(members=[rep])
    create_custom_field(
        actor=admin, object_type="customers.contact", label="Shoe", field_type="text"
    )
    create_custom_field(
        actor=admin, object_type="customers.account", label="Score", field_type="number"
    )
    custom_tier = CustomerTier.objects.create(code="gold", name="Gold", rank=5)
    parent = make_account(name="集团总部", owner=rep, actor=admin)
    trashed_parent = make_account(name="Gone Group", owner=rep, actor=admin)
    accounts = [
        make_account(
            name="北京科技有限公司",
            owner=rep,
            actor=admin,
            team=team,
            parent=parent,
            tier=CustomerTier.objects.get(code="vip"),
            tags=["hot", "Beijing"],
            custom_fields={"score": 7},
            website="https://example.cn",
        ),
        make_account(name="Acme Ltd", owner=rep, actor=admin, parent=trashed_parent),
        make_account(name="Gold Co", owner=admin, tier=custom_tier, tags=["gold"]),
    ]
    people = [
        make_contact(
            family_name="张",
            given_name="伟",
            owner=rep,
            actor=admin,
            team=team,
            tier=CustomerTier.objects.get(code="key"),
            phones=[
                {"kind": "mobile", "value": "138-0013-8000"},
                {"kind": "work", "value": "010-6552-9988", "is_primary": True},
            ],
            emails=[{"value": "zhang@example.cn"}, {"value": "wei@example.com"}],
            accounts=[
                {"account": accounts[0], "role": "总经理", "is_primary": True},
                {"account": accounts[1], "role": "advisor", "is_current": False},
            ],
            tags=["vip-lunch", "Beijing"],
            custom_fields={"shoe": "42"},
            description="Met at the fair",
        ),
        make_contact(
            family_name="Smith",
            given_name="Anna",
            owner=admin,
            tier=custom_tier,
            accounts=[{"account": accounts[2], "is_primary": True}],
        ),
        make_contact(family_name="李", owner=rep, actor=admin),
    ]
    gone = make_contact(
        family_name="Gone",
        owner=rep,
        actor=admin,
        accounts=[{"account": accounts[1], "is_primary": True}],
    )
    delete_contact(actor=admin, contact=gone)  # Acme's primary contact is in the trash
    delete_account(actor=admin, account=trashed_parent)
    return {"admin": admin, "rep": rep, "accounts": accounts, "people": people}


@pytest.mark.parametrize("who", ["admin", "rep"])
def test_contact_list_items_equal_the_schema_output(client, records, who):
    user = records[who]
    items = _client_for(client, user)("/api/v1/contacts", limit=200).json()["items"]
    assert items
    expected = {c.pk: _schema_json(ContactSchema, c) for c in contacts_visible_to(user)}
    assert {item["id"]: item for item in items} == expected
    for item in items:  # field order too
        assert list(item) == list(ContactSchema.model_fields)


@pytest.mark.parametrize("who", ["admin", "rep"])
def test_account_list_items_equal_the_schema_output(client, records, who):
    user = records[who]
    items = _client_for(client, user)("/api/v1/accounts", limit=200).json()["items"]
    assert items
    expected = {a.pk: _schema_json(AccountSchema, a) for a in accounts_visible_to(user)}
    assert {item["id"]: item for item in items} == expected
    for item in items:
        assert list(item) == list(AccountSchema.model_fields)
    by_name = {item["name"]: item for item in items}
    assert by_name["北京科技有限公司"]["parent"]["name"] == "集团总部"
    assert by_name["Acme Ltd"]["parent"] is None  # its parent is in the trash
    assert by_name["Acme Ltd"]["primary_contact_id"] is None  # so is its primary contact


def test_list_items_match_the_detail_endpoints(client, records):
    get = _client_for(client, records["admin"])
    for kind in ("contacts", "accounts"):
        items = get(f"/api/v1/{kind}", limit=200).json()["items"]
        assert items  # the comparison below must run
        for item in items:
            detail = get(f"/api/v1/{kind}/{item['id']}").json()
            detail.pop("addresses")
            assert item == detail


def _queries(get, path, **params):
    with CaptureQueriesContext(connection) as captured:
        body = get(path, **params).json()
    return len(captured), body


@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        # The token (with its user and their role grants), the page, then the page's
        # children in one query (contacts: phones, emails, tags, account links;
        # accounts: tags, primary contacts); on PostgreSQL the page's one query writes
        # its items with their children (``list_json``). A sales rep costs no more than
        # an admin.
        ("admin", "/api/v1/contacts", 3),
        ("rep", "/api/v1/contacts", 3),
        ("admin", "/api/v1/accounts", 3),
        ("rep", "/api/v1/accounts", 3),
    ],
)
def test_list_query_count_is_constant(client, records, who, path, expected):
    if list_json.available():
        expected -= 1  # the children come with the page
    user = records[who]
    get = _client_for(client, user)
    get(path)  # the token's first use is recorded once a minute: not a per-page query
    counts = {
        "one row": _queries(get, path, limit=1)[0],
        "every row": _queries(get, path, limit=200)[0],
        "search": _queries(get, path, q="e", limit=200)[0],
    }
    _, first = _queries(get, path, limit=1)
    counts["next page"] = _queries(get, path, limit=1, cursor=first["next_cursor"])[0]
    assert counts == dict.fromkeys(counts, expected)
    # More records of every kind, more children per record: still the same count.
    for n in range(5):
        contact = make_contact(
            family_name=f"More {n}",
            owner=user,
            actor=records["admin"],
            phones=[{"value": f"138-0013-800{n}"}],
            emails=[{"value": f"more{n}@example.com"}],
            tags=[f"t{n}"],
        )
        make_account(name=f"More {n}", owner=user, actor=records["admin"], tags=[f"t{n}"])
        assert contact.pk
    count, body = _queries(get, path, limit=200)
    assert count == expected
    assert len(body["items"]) >= 5


def test_an_empty_page_skips_the_child_queries(client, records):
    get = _client_for(client, records["admin"])
    get("/api/v1/contacts")
    count, body = _queries(get, "/api/v1/contacts", q="nobody-is-called-this")
    assert body == {"items": [], "next_cursor": None}
    assert count == 2  # the token and the (empty) page


# --- Rebuilding the search index --------------------------------------------------------


def _documents():
    from guanxi.core.models import SearchDocument

    return sorted(
        SearchDocument.objects.filter(object_type__startswith="customers.").values_list(
            "object_type", "object_id", "title", "subtitle", "text"
        )
    )


def test_rebuild_writes_the_documents_the_services_write(records):
    from guanxi.core.services.search import rebuild_index

    written = _documents()  # by index_record, as each service call made its change
    assert written
    rebuild_index(["customers.account", "customers.contact"])
    assert _documents() == written


def test_rebuild_reads_children_per_batch_not_per_record(records):
    from guanxi.core.services.search import rebuild_index

    keys = ["customers.account", "customers.contact"]
    with CaptureQueriesContext(connection) as before:
        rebuild_index(keys)
    for n in range(6):
        make_account(name=f"Extra {n}", owner=records["rep"], tags=["x"])
        make_contact(
            family_name=f"Extra {n}",
            owner=records["rep"],
            phones=[{"value": f"138-0013-801{n}"}],
            emails=[{"value": f"extra{n}@example.com"}],
            tags=["x"],
        )
    with CaptureQueriesContext(connection) as after:
        rebuild_index(keys)
    # Phones, emails, account links and tags come by prefetch, per batch of records; what
    # remains per record is core.custom_fields.search_terms reading the field definitions.
    assert len(after) - len(before) <= 12


def test_index_record_ignores_a_stale_prefetch(records):
    from guanxi.core.models import SearchDocument
    from guanxi.customers.services.contacts import update_contact

    person = records["people"][0]
    contact = contacts_visible_to(records["admin"]).get(pk=person.pk)
    assert [p.value for p in contact.phones.all()]  # the selector's prefetch is filled
    update_contact(
        actor=records["admin"], contact=contact, phones=[{"value": "139-1111-2222"}], tags=[]
    )
    text = SearchDocument.objects.get(object_type="customers.contact", object_id=person.pk).text
    assert "13911112222" in text
    assert "13800138000" not in text
    assert "vip-lunch" not in text
