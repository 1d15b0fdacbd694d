"""The scan reads contacts as plain rows (``scan_records``); what it builds must be what
``record_of`` builds from a contact instance, field for field, or the scan and the
create-time warning would judge the same two contacts differently."""

from __future__ import annotations

from datetime import date

import pytest

from guanxi.customers.models import Contact
from guanxi.integrations.dedupe import record_of, scan_records, with_details
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_scan_records_equal_record_of_for_every_contact():
    owner = make_user()
    first, second = make_account(owner=owner, name="华信科技有限公司"), make_account(owner=owner)
    make_contact(
        owner=owner,
        family_name="张",
        given_name="伟",
        birthday=date(1988, 3, 2),
        phones=[{"value": "13812344229"}, {"value": "+86 139 8765 4321", "is_primary": True}],
        emails=[{"value": "zw@qq.com"}, {"value": "Wei.Zhang@Example.cn"}],
        addresses=[
            {"province": "31", "city": "上海", "street": "人民路1号", "postcode": "200001"},
            {
                "province": "33",
                "city": "杭州",
                "street": "中山路8号",
                "postcode": "310001",
                "is_primary": True,
            },
        ],
        accounts=[{"account": second}, {"account": first, "is_primary": True}],
    )
    make_contact(owner=owner, family_name="Smith", given_name="Mary")  # nothing else
    gone = make_contact(owner=owner, family_name="Trash", given_name="Ed")
    Contact.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)

    keys, records, updated = scan_records()

    expected = {c.pk: (record_of(c), c.updated_at) for c in with_details(Contact.objects.all())}
    assert gone.pk not in keys
    assert {pk: (r, at) for pk, r, at in zip(keys, records, updated, strict=True)} == expected
    zhang = next(r for r in records if r.family_name == "张")
    assert zhang.phones[0] == "+8613987654321"  # the primary first
    assert (zhang.street, zhang.company) == ("中山路8号", "华信科技有限公司")
