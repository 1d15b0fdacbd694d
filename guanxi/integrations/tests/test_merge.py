"""Merging contacts: every related record moves, the other contact is trashed, undo
puts both back exactly; refused merges change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.core.models import Attachment, AuditEntry, TrashItem
from guanxi.core.services.attachments import add_attachment
from guanxi.customers.models import Address, Contact
from guanxi.customers.services.activities import log_activity
from guanxi.customers.services.consents import record_consent
from guanxi.customers.services.relationships import add_relationship
from guanxi.integrations.merge import (
    contact_relations,
    merge_contacts,
    related_counts,
    relation_label,
    undo_merge,
)
from guanxi.integrations.models_dedupe import DuplicatePair, Merge, PairStatus
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal
from guanxi.testing.orders import make_order
from guanxi.testing.sales import make_lead
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

# One maker per relation that points at a contact. A new relation added by any app
# makes test_every_relation_to_contacts_has_a_maker fail until it gets a maker here,
# so the merge test below proves it moves.
MAKERS = {
    "customers.activity_contacts.contact": lambda admin, c, _s: log_activity(
        actor=admin, kind="note", subject="met", contacts=[c]
    ),
    "customers.address.contact": None,  # given at create
    "customers.accountcontact.contact": None,  # given at create
    "customers.contactphone.contact": None,  # given at create
    "customers.contactemail.contact": None,  # given at create
    "customers.contact_tags.contact": None,  # given at create
    "customers.consent.contact": lambda admin, c, _s: record_consent(
        actor=admin, contact=c, channel="email", status="granted", source="manual", wording="Yes"
    ),
    "sales.deal.contact": lambda admin, c, _s: make_deal(
        owner=admin, account=c.account_links.first().account, contact=c
    ),
    "sales.order.contact": lambda admin, c, _s: make_order(
        actor=admin, account=c.account_links.first().account, contact=c
    ),
    # Converting a lead needs a whole sales set-up; pointing one at the contact is enough.
    "sales.lead.converted_contact": lambda admin, c, _s: (
        type(lead := make_lead())._default_manager.filter(pk=lead.pk).update(converted_contact=c)
    ),
    "service.ticket.contact": lambda admin, c, _s: make_ticket(actor=admin, contact=c),
    "customers.relationship.from_contact": lambda admin, c, s: add_relationship(
        actor=admin, source=c, target=make_contact(owner=admin), kind="friend"
    ),
    "customers.relationship.to_contact": lambda admin, c, s: add_relationship(
        actor=admin, source=s, target=c, kind="friend"
    ),
    "service.servicecontract.contact": lambda admin, c, _s: _contract(admin, c),
    "service.survey.contact": lambda admin, c, _s: _survey(c),
}


def _contract(admin, contact):
    from guanxi.testing.routing import make_contract

    account = contact.account_links.first().account
    return make_contract(actor=admin, account=account, contact=contact)


def _survey(contact):
    from guanxi.testing.surveys import make_survey

    return make_survey(contact=contact)


SKIPPED = {"integrations.duplicatepair.first", "integrations.duplicatepair.second",
           "integrations.merge.survivor", "integrations.merge.other"}  # fmt: skip


def test_every_relation_to_contacts_has_a_maker():
    labels = {relation_label(rel) for rel in contact_relations()}

    assert labels - SKIPPED == set(MAKERS)


@pytest.fixture
def admin():
    return make_user(role="administrator")


def _pair(admin):
    shared = make_account(owner=admin, name="华为技术有限公司")
    survivor = make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        title="经理",
        phones=[{"value": "13812344229"}],
        emails=[{"value": "wei@example.cn"}],
        accounts=[{"account": shared}],
        tags=["vip"],
    )
    other = make_contact(
        owner=admin,
        family_name="Zhang",
        given_name="Wei",
        title="Manager",
        phones=[{"value": "+86 138 1234 4229"}, {"value": "13900000001"}],
        emails=[{"value": "zhang.wei@example.com"}],
        addresses=[{"province": "广东", "city": "深圳市", "street": "深南大道 1 号"}],
        accounts=[{"account": shared}, {"account": make_account(owner=admin)}],
        tags=["vip", "beijing"],
    )
    return survivor, other


def _state(contact_pk):
    """Ids of everything that points at a contact, per relation, plus its fields."""
    contact = Contact.all_objects.get(pk=contact_pk)
    state = {}
    for rel in contact_relations():
        if relation_label(rel) in SKIPPED:
            continue
        rows = rel.related_model._base_manager.filter(**{rel.field.name: contact_pk})
        state[relation_label(rel)] = sorted(rows.values_list("pk", flat=True))
    state["attachments"] = sorted(
        Attachment.all_objects.filter(
            object_type="customers.contact", object_id=str(contact_pk)
        ).values_list("pk", flat=True)
    )
    fields = {f.attname: f.value_from_object(contact) for f in Contact._meta.concrete_fields}
    fields.pop("updated_at")
    return state, fields


def test_merge_moves_every_related_record_and_undo_restores_both(admin):
    survivor, other = _pair(admin)
    for maker in MAKERS.values():
        if maker:
            maker(admin, other, survivor)
    add_attachment(
        actor=admin, parent=other, upload=SimpleUploadedFile("a.txt", b"hello", "text/plain")
    )
    before_survivor, before_other = _state(survivor.pk), _state(other.pk)
    # One record of every kind points at the other contact.
    assert [
        label for label, ids in before_other[0].items() if not ids and label not in SKIPPED
    ] == []
    counts = related_counts(other)

    merge = merge_contacts(actor=admin, survivor=survivor, other=other, choices={"title": "other"})

    survivor.refresh_from_db()
    assert survivor.title == "Manager"
    assert survivor.full_name == "张伟"
    left, _ = _state(other.pk)
    assert {label: ids for label, ids in left.items() if ids and label not in SKIPPED} == {}
    moved_state, _ = _state(survivor.pk)
    for label, ids in before_other[0].items():
        if label in SKIPPED:
            continue
        # Everything of the other contact now belongs to the survivor, minus exact twins.
        assert set(moved_state[label]) >= set(ids) - {
            values["id"] for _label, values in merge.snapshot["dropped"]
        }, label
    assert sum(counts.values()) == len(merge.snapshot["moved"]) + len(merge.snapshot["dropped"])
    # Unioned without duplicates: one 13812344229, one "vip", one link to the shared account.
    assert sorted(p.value for p in survivor.phones.all()) == ["+8613812344229", "+8613900000001"]
    assert sorted(t.name for t in survivor.tags.all()) == ["beijing", "vip"]
    assert survivor.account_links.count() == 2
    assert Contact.objects.filter(pk=other.pk).count() == 0
    assert TrashItem.objects.filter(object_type="customers.contact", object_id=str(other.pk))
    assert (
        AuditEntry.objects.filter(
            object_type="customers.contact", object_id=str(survivor.pk), changes__has_key="merged"
        ).count()
        == 1
    )

    undo_merge(actor=admin, merge=merge)

    after_survivor, after_other = _state(survivor.pk), _state(other.pk)
    assert after_survivor[1] == before_survivor[1]
    assert after_other[1] == before_other[1]
    assert after_survivor[0] == before_survivor[0]
    assert after_other[0] == before_other[0]
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_merge_resolves_open_pairs_and_undo_reopens_them(admin):
    survivor, other = _pair(admin)
    first, second = sorted([survivor, other], key=lambda c: c.pk)
    pair = DuplicatePair.objects.create(first=first, second=second, score=0.9)

    merge = merge_contacts(actor=admin, survivor=survivor, other=other)
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED

    undo_merge(actor=admin, merge=merge)
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_merge_needs_change_permission_on_both_and_changes_nothing_when_refused():
    rep = make_user(role="sales_rep")
    mine = make_contact(owner=rep, family_name="李", given_name="娜")
    theirs = make_contact(family_name="Li", given_name="Na", phones=[{"value": "13812340000"}])
    before = _state(mine.pk), _state(theirs.pk)

    with pytest.raises(PermissionDenied):
        merge_contacts(actor=rep, survivor=mine, other=theirs)

    assert (_state(mine.pk), _state(theirs.pk)) == before
    assert Merge.objects.count() == 0


def test_address_moves_with_the_merge(admin):
    survivor, other = _pair(admin)
    merge_contacts(actor=admin, survivor=survivor, other=other)

    assert list(Address.objects.filter(contact=survivor).values_list("city", flat=True)) == ["深圳"]
