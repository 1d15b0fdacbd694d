"""The likely-duplicate candidates an import batch reads as plain values know of each
contact exactly what ``record_of`` reads through the models (names, emails and phones
primary first, the first address, the primary account's name), with every account the
contact is linked to."""

from __future__ import annotations

from datetime import date

import pytest

from guanxi.customers.models import Contact
from guanxi.integrations.dedupe import record_of, with_details
from guanxi.integrations.imports.candidates import load_candidates
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_candidates_read_as_values_equal_record_of():
    owner = make_user(role="administrator")
    first, second = make_account(name="华信科技有限公司"), make_account(name="天成贸易")
    make_contact(
        owner=owner,
        family_name="张",
        given_name="伟",
        birthday=date(1980, 5, 6),
        emails=[{"value": "b@x.example"}, {"value": "a@x.example", "is_primary": True}],
        phones=[{"value": "13800000001"}, {"value": "010-12345678", "is_primary": True}],
        addresses=[
            {"province": "31", "city": "上海", "street": "南京路 1 号", "postcode": "200001"},
            {"province": "11", "city": "北京", "street": "长安街 2 号", "is_primary": True},
        ],
        accounts=[{"account": first}, {"account": second, "is_primary": True}],
    )
    make_contact(owner=owner, family_name="Wang", given_name="Fang")  # nothing but a name
    make_contact(owner=owner, family_name="李", given_name="娜", accounts=[{"account": first}])
    contacts = Contact.objects.order_by("pk")

    loaded = load_candidates(contacts)

    expected = [record_of(contact) for contact in with_details(contacts)]
    assert [candidate.record for candidate in loaded] == expected
    assert [candidate.pk for candidate in loaded] == list(contacts.values_list("pk", flat=True))
    assert loaded[0].account_ids == {first.pk, second.pk} and loaded[1].account_ids == set()
    assert loaded[0].record.company == "天成贸易" and loaded[0].record.city == "北京"
    assert loaded[0].record.phones[0] == "+861012345678"
    assert (loaded[0].full_name, loaded[0].name_pinyin) == ("张伟", "zhang wei")
