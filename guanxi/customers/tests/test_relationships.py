"""Relationships: who referred whom, who reports to whom, partners and competitors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.models import AuditEntry
from guanxi.core.services.tokens import create_token
from guanxi.customers.graph import relationship_svg
from guanxi.customers.models import Relationship
from guanxi.customers.selectors import relationships_of
from guanxi.customers.services.relationships import add_relationship, remove_relationship
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def labels(user, record):
    return [(row.label, str(row.other)) for row in relationships_of(user, record)]


def test_contact_relationship_reads_both_ways(rep):
    zhang = make_contact(owner=rep, family_name="张", given_name="伟")
    li = make_contact(owner=rep, family_name="李", given_name="娜")
    add_relationship(actor=rep, source=li, target=zhang, kind="referred_by", note="展会")
    assert labels(rep, li) == [("was referred by", "张伟")]
    assert labels(rep, zhang) == [("referred", "李娜")]
    assert relationships_of(rep, li)[0].note == "展会"


def test_account_page_lists_group_people_and_partners(rep):
    group = make_account(owner=rep, name="华信集团")
    child = make_account(owner=rep, name="华信科技", parent=group)
    partner = make_account(owner=rep, name="Acme GmbH")
    make_contact(
        owner=rep, family_name="王", given_name="芳", accounts=[{"account": child, "role": "CEO"}]
    )
    add_relationship(actor=rep, source=child, target=partner, kind="supplier")
    assert labels(rep, child) == [
        ("is a subsidiary of", "华信集团"),
        ("employs", "王芳"),
        ("is a supplier of", "Acme GmbH"),
    ]
    assert labels(rep, partner) == [("is a customer of", "华信科技")]
    assert labels(rep, group) == [("is the parent of", "华信科技")]


def test_records_the_user_cannot_see_are_left_out(rep):
    other_rep = make_user(role="sales_rep")
    mine = make_contact(owner=rep)
    theirs = make_contact(owner=other_rep)
    admin = make_user(role="administrator")
    add_relationship(actor=admin, source=mine, target=theirs, kind="friend")
    assert labels(rep, mine) == []
    assert labels(other_rep, theirs) == []
    assert labels(admin, theirs) == [("is a friend of", str(mine))]


@pytest.mark.parametrize(
    ("kind", "same_record", "field"),
    [("partner", False, "kind"), ("friend", True, "target")],
)
def test_bad_relationship_is_refused_naming_the_field(rep, kind, same_record, field):
    a = make_contact(owner=rep)
    b = a if same_record else make_contact(owner=rep)
    with pytest.raises(ValidationError) as error:
        add_relationship(actor=rep, source=a, target=b, kind=kind)
    assert list(error.value.message_dict) == [field]
    assert Relationship.objects.count() == 0


def test_contact_cannot_be_related_to_an_account(rep):
    with pytest.raises(ValidationError) as error:
        add_relationship(
            actor=rep, source=make_contact(owner=rep), target=make_account(owner=rep), kind="friend"
        )
    assert list(error.value.message_dict) == ["target"]


def test_symmetric_relationship_is_recorded_once(rep):
    a, b = make_account(owner=rep), make_account(owner=rep)
    add_relationship(actor=rep, source=a, target=b, kind="competitor")
    with pytest.raises(ValidationError) as error:
        add_relationship(actor=rep, source=b, target=a, kind="competitor")
    assert error.value.message_dict == {"target": ["This relationship is already recorded."]}


def test_adding_and_removing_is_audited_on_both_records(rep):
    a, b = make_account(owner=rep, name="A"), make_account(owner=rep, name="B")
    relationship = add_relationship(actor=rep, source=a, target=b, kind="partner")
    remove_relationship(actor=rep, relationship=relationship)
    entries = AuditEntry.objects.filter(changes__has_key="relationships").order_by("pk")
    assert [(e.object_id, e.changes["relationships"]) for e in entries] == [
        (str(a.pk), [None, "A is a partner of B"]),
        (str(b.pk), [None, "A is a partner of B"]),
        (str(a.pk), ["A is a partner of B", None]),
        (str(b.pk), ["A is a partner of B", None]),
    ]
    assert Relationship.objects.count() == 0


def test_graph_links_every_neighbour_and_escapes_names(rep):
    a = make_account(owner=rep, name="<Evil> & Co")
    b = make_account(owner=rep, name="乙公司")
    add_relationship(actor=rep, source=a, target=b, kind="partner")
    svg = str(relationship_svg(a, relationships_of(rep, a)))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&lt;Evil&gt; &amp; Co" in svg and "<Evil>" not in svg
    assert f'href="{b.get_absolute_url()}"' in svg
    assert "is a partner of" in svg


def test_page_adds_a_relationship_picked_from_search(client, rep):
    a = make_contact(owner=rep, family_name="张", given_name="伟")
    b = make_contact(owner=rep, family_name="李", given_name="娜")
    client.force_login(rep)
    candidates = client.get(
        reverse("customers:relationship_candidates"), {"type": "contact", "q": "lina"}
    ).content.decode()
    assert f'value="{b.pk}"' in candidates and f'value="{a.pk}"' not in candidates
    response = client.post(
        reverse("customers:contact_relationship_add", args=[a.pk]),
        {"kind": "reports_to", "target": b.pk, "note": ""},
    )
    assert response.status_code == 302
    assert Relationship.objects.get().kind == "reports_to"
    page = client.get(reverse("customers:contact_detail", args=[a.pk])).content.decode()
    assert "reports to" in page and "<svg" in page


def test_outsider_cannot_relate_someone_elses_contact(client, rep):
    a = make_contact(owner=rep)
    outsider = make_user(role="sales_rep")
    b = make_contact(owner=outsider)
    client.force_login(outsider)
    response = client.post(
        reverse("customers:contact_relationship_add", args=[a.pk]),
        {"kind": "friend", "target": b.pk},
    )
    assert response.status_code == 404
    assert Relationship.objects.count() == 0


def test_api_records_lists_and_removes(client, rep):
    a, b = make_account(owner=rep, name="甲"), make_account(owner=rep, name="乙")
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    response = client.post(
        "/api/v1/relationships",
        {"from_type": "account", "from_id": a.pk, "to_id": b.pk, "kind": "reseller"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    relationship_id = response.json()["id"]
    listed = client.get(f"/api/v1/accounts/{b.pk}/relationships", headers=headers).json()
    assert listed == [
        {
            "label": "has as reseller",
            "other_type": "account",
            "other_id": a.pk,
            "other_name": "甲",
            "note": "",
            "relationship_id": relationship_id,
        }
    ]
    assert (
        client.delete(f"/api/v1/relationships/{relationship_id}", headers=headers).status_code
        == 204
    )
    assert Relationship.objects.count() == 0


def test_api_names_an_unknown_target(client, rep):
    a = make_account(owner=rep)
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    response = client.post(
        "/api/v1/relationships",
        {"from_type": "account", "from_id": a.pk, "to_id": 999999, "kind": "partner"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.to_id"
