"""``__any_of`` finds what ``__in`` finds, on a foreign key and on a primary key, for
an empty list and for ids that match nothing."""

import pytest

from guanxi.customers.models import Contact, ContactEmail
from guanxi.testing.customers import make_contact

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds():
    people = [make_contact(emails=[{"value": f"p{i}@example.com"}]) for i in range(3)]
    asked = [people[0].pk, people[2].pk, 10**9]

    by_contact = ContactEmail.objects.filter(contact_id__any_of=asked).order_by("pk")
    assert [e.value for e in by_contact] == ["p0@example.com", "p2@example.com"]
    with_in = ContactEmail.objects.filter(contact_id__in=asked).order_by("pk")
    assert list(by_contact) == list(with_in)
    assert [c.pk for c in Contact.objects.filter(pk__any_of=asked).order_by("pk")] == asked[:2]
    assert not ContactEmail.objects.filter(contact_id__any_of=[]).exists()
    assert not Contact.objects.filter(pk__any_of=[10**9]).exists()
    assert Contact.objects.exclude(pk__any_of=asked[:1]).count() == 2
