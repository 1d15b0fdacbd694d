"""Customer tiers: a configurable list administrators keep."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from guanxi.core.models import AuditEntry
from guanxi.customers.models import CustomerTier
from guanxi.customers.services.tiers import create_tier, update_tier
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_shipped_tiers_read_in_the_readers_language():
    key = CustomerTier.objects.get(code="key")
    with translation.override("zh-hans"):
        assert key.display_name == "重点"
    with translation.override("en"):
        assert key.display_name == "Key"


def test_add_a_tier_with_a_code_made_from_the_name():
    admin = make_user(role="administrator")
    tier = create_tier(actor=admin, name="Gold partner", rank=5)
    assert (tier.code, tier.name, tier.rank, tier.is_active) == (
        "gold-partner",
        "Gold partner",
        5,
        True,
    )
    entry = AuditEntry.objects.get(object_type="customers.customertier", event="create")
    assert entry.changes["name"] == [None, "Gold partner"]


def test_duplicate_code_is_refused_naming_the_field():
    admin = make_user(role="administrator")
    with pytest.raises(ValidationError) as error:
        create_tier(actor=admin, name="VIP")
    assert list(error.value.message_dict) == ["code"]
    assert CustomerTier.objects.count() == 3


def test_renaming_a_shipped_tier_shows_the_new_name_in_every_language():
    admin = make_user(role="administrator")
    key = CustomerTier.objects.get(code="key")
    update_tier(actor=admin, tier=key, name="Strategic")
    with translation.override("zh-hans"):
        assert key.display_name == "Strategic"


def test_retired_tier_is_no_longer_offered():
    from guanxi.customers.selectors import active_tiers

    admin = make_user(role="administrator")
    update_tier(actor=admin, tier=CustomerTier.objects.get(code="standard"), is_active=False)
    assert [t.code for t in active_tiers()] == ["vip", "key"]


def test_only_administrators_change_tiers(client):
    rep = make_user(role="sales_rep")
    client.force_login(rep)
    assert client.get(reverse("customers:tier_list")).status_code == 200
    response = client.post(reverse("customers:tier_list"), {"name": "Gold", "rank": 1})
    assert response.status_code == 403
    assert CustomerTier.objects.count() == 3


def test_page_adds_and_edits_a_tier(client):
    client.force_login(make_user(role="administrator"))
    client.post(reverse("customers:tier_list"), {"name": "Gold", "code": "", "rank": 1})
    gold = CustomerTier.objects.get(code="gold")
    client.post(
        reverse("customers:tier_edit", args=[gold.pk]), {"name": "Gold", "rank": 2, "is_active": ""}
    )
    gold.refresh_from_db()
    assert (gold.rank, gold.is_active) == (2, False)


def test_missing_shipped_tiers_come_back_but_existing_ones_are_left_alone():
    from guanxi.customers.services.tiers import ensure_builtin_tiers

    CustomerTier.objects.filter(code="vip").delete()
    CustomerTier.objects.filter(code="key").update(name="Strategic", is_builtin=False)
    ensure_builtin_tiers()
    assert sorted(CustomerTier.objects.values_list("code", "name")) == [
        ("key", "Strategic"),
        ("standard", "Standard"),
        ("vip", "VIP"),
    ]
