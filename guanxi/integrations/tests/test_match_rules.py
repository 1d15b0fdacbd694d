"""The editable matching rules: defaults equal to the engines' constants, validation,
versions and audit, the cache, and their effect on the scan, the warnings and the
preview."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.models import AuditEntry
from guanxi.integrations import dedupe
from guanxi.integrations.account_matching import DEFAULT_COMPANY_RULES
from guanxi.integrations.dedupe import find_duplicates_for, scan_contacts
from guanxi.integrations.dedupe_accounts import find_account_duplicates_for, scan_accounts
from guanxi.integrations.dedupe_schedule import preview_match_rules
from guanxi.integrations.match_rules import (
    active_rules,
    clean_rules,
    company_rules,
    default_rules,
    engine_rules,
    forget_cached_rules,
    person_rules,
    reset_rules,
    save_rules,
)
from guanxi.integrations.models_account_dedupe import AccountPair
from guanxi.integrations.models_dedupe import DuplicatePair
from guanxi.integrations.models_match_rules import MatchRuleSet
from guanxi.lib.matching import DEFAULT_RULES
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rules():
    forget_cached_rules()
    yield
    forget_cached_rules()


@pytest.fixture
def admin():
    return make_user(role="administrator")


def _errors(kind, data):
    with pytest.raises(ValidationError) as caught:
        clean_rules(kind, data, base=default_rules(kind))
    return caught.value.message_dict


# --- defaults -----------------------------------------------------------------------


def test_the_default_rules_are_the_engines_shipped_constants():
    assert engine_rules("contacts", default_rules("contacts")) == DEFAULT_RULES
    assert engine_rules("accounts", default_rules("accounts")) == DEFAULT_COMPANY_RULES
    assert person_rules() == DEFAULT_RULES
    assert company_rules() == DEFAULT_COMPANY_RULES


def test_switched_off_evidence_reaches_the_engine_as_weight_zero():
    rules = default_rules("contacts")
    rules["enabled"]["address"] = False
    rules["enabled"]["email"] = False

    engine = engine_rules("contacts", rules)

    assert (engine.street, engine.city, engine.postcode, engine.same_email_score) == (0, 0, 0, 0)
    assert (engine.family_name, engine.same_phone_score) == (3.0, 0.92)
    assert rules["weights"]["street"] == 2.0  # kept for when it is switched on again


# --- validation ---------------------------------------------------------------------


def test_out_of_range_and_unknown_values_are_refused_naming_each_field():
    errors = _errors(
        "contacts",
        {
            "threshold": 1.5,
            "weights": {"family_name": -1, "given_name": "much", "shoe_size": 3},
            "enabled": {"email": "yes", "horoscope": True},
        },
    )

    assert errors == {
        "threshold": ["Enter a number from 0.3 to 0.99."],
        "weights.family_name": ["Enter a number from 0 to 10."],
        "weights.given_name": ["Enter a number."],
        "weights.shoe_size": ["There is no such weight."],
        "enabled.email": ["Give true or false."],
        "enabled.horoscope": ["There is no such evidence."],
    }


def test_at_least_one_evidence_must_stay_on():
    everything_off = dict.fromkeys(default_rules("accounts")["enabled"], False)

    assert _errors("accounts", {"enabled": everything_off}) == {
        "enabled": ["Turn on at least one piece of evidence."]
    }


def test_evidence_that_is_on_needs_a_weight_above_zero():
    errors = _errors("contacts", {"weights": {"family_name": 0, "given_name": 0}})

    assert errors == {
        "weights.family_name": ["Give this evidence a weight above 0, or turn it off."]
    }
    # Off, the zero weights are fine.
    cleaned = clean_rules(
        "contacts",
        {"weights": {"family_name": 0, "given_name": 0}, "enabled": {"name": False}},
        base=default_rules("contacts"),
    )
    assert cleaned["enabled"]["name"] is False


def test_missing_values_are_taken_from_the_base():
    cleaned = clean_rules("accounts", {"threshold": 0.9}, base=default_rules("accounts"))

    assert cleaned == {**default_rules("accounts"), "threshold": 0.9}


# --- versions, audit, reset, cache --------------------------------------------------


def test_saving_adds_an_audited_version_and_reset_brings_the_defaults_back(admin):
    first = save_rules(actor=admin, kind="contacts", data={"threshold": 0.8})
    second = save_rules(actor=admin, kind="contacts", data={"weights": {"company": 2}})

    assert [(v.version, v.rules["threshold"]) for v in MatchRuleSet.objects.all()] == [
        (2, 0.8),
        (1, 0.8),
    ]
    assert second.rules["weights"]["company"] == 2
    entry = AuditEntry.objects.filter(object_type="integrations.matchruleset").order_by("pk")
    assert [e.changes for e in entry] == [
        {"threshold": [DEFAULT_RULES.threshold, 0.8]},
        {"weights.company": [1.0, 2]},
    ]
    assert first.created_by == admin

    reset = reset_rules(actor=admin, kind="contacts")

    assert reset.version == 3
    assert reset.rules == default_rules("contacts")
    assert person_rules() == DEFAULT_RULES
    # The other kind was never touched.
    assert not MatchRuleSet.objects.filter(kind="accounts").exists()


def test_the_rules_are_read_once_and_a_save_drops_the_cached_copy(admin):
    with CaptureQueriesContext(connection) as first_read:
        assert person_rules().threshold == DEFAULT_RULES.threshold
    with CaptureQueriesContext(connection) as second_read:
        person_rules()
        person_rules()

    assert len(first_read) == 1
    assert len(second_read) == 0

    save_rules(actor=admin, kind="contacts", data={"threshold": 0.9})

    assert person_rules().threshold == 0.9
    assert active_rules("contacts")["threshold"] == 0.9
    assert company_rules() == DEFAULT_COMPANY_RULES


# --- effect on the scan, the warnings and the preview -------------------------------


def _zhang_wei_by_name(owner):
    """Two contacts whose only evidence is the name (张伟 = Wei Zhang)."""
    make_contact(owner=owner, family_name="张", given_name="伟")
    make_contact(owner=owner, family_name="Zhang", given_name="Wei")


def test_a_higher_threshold_or_names_switched_off_drop_a_name_only_pair(admin):
    _zhang_wei_by_name(admin)
    assert scan_contacts() == 1

    save_rules(actor=admin, kind="contacts", data={"threshold": 0.95})

    assert scan_contacts() == 0
    assert not DuplicatePair.objects.exists()

    save_rules(actor=admin, kind="contacts", data={"threshold": 0.65, "enabled": {"name": False}})

    assert scan_contacts() == 0


def test_more_evidence_needed_makes_a_name_alone_a_hint_only(admin):
    _zhang_wei_by_name(admin)
    assert scan_contacts() == 1  # 5.5 of the 7.5 evidence weight: 0.73

    save_rules(actor=admin, kind="contacts", data={"weights": {"min_evidence": 20}})

    assert scan_contacts() == 0  # 5.5 of 20: 0.275


def test_switching_off_the_phone_stops_a_phone_only_match_and_its_reason(admin):
    make_contact(owner=admin, family_name="Li", given_name="Na", phones=[{"value": "13812344229"}])
    make_contact(
        owner=admin, family_name="Wang", given_name="Fang", phones=[{"value": "+86 138 1234 4229"}]
    )
    assert scan_contacts() == 1
    assert DuplicatePair.objects.get().reasons == ["same phone ending 4229"]
    assert len(find_duplicates_for(admin, {"phone": "13812344229"})) == 2

    save_rules(actor=admin, kind="contacts", data={"enabled": {"phone": False}})

    assert scan_contacts() == 0
    assert find_duplicates_for(admin, {"phone": "13812344229"}) == []


def test_account_rules_change_the_scan_and_the_create_warning(admin):
    make_account(owner=admin, name="Foo Ltd", website="https://foo.example")
    make_account(owner=admin, name="Bar GmbH", website="http://www.foo.example/")
    make_account(owner=admin, name="ACME Trading")
    make_account(owner=admin, name="ACME Tradng")  # a typo: 0.95 × similarity ≈ 0.93
    assert scan_accounts() == 2
    assert find_account_duplicates_for(admin, {"name": "Baz", "website": "foo.example"})

    save_rules(actor=admin, kind="accounts", data={"enabled": {"website": False}})

    assert scan_accounts() == 1
    assert find_account_duplicates_for(admin, {"name": "Baz", "website": "foo.example"}) == []

    save_rules(actor=admin, kind="accounts", data={"threshold": 0.94})

    assert scan_accounts() == 0
    assert not AccountPair.objects.exists()


def test_the_preview_counts_pairs_under_both_rules_and_saves_nothing(admin):
    _zhang_wei_by_name(admin)
    make_contact(owner=admin, family_name="Li", given_name="Na", phones=[{"value": "13812344229"}])
    make_contact(
        owner=admin, family_name="Wang", given_name="Fang", phones=[{"value": "13812344229"}]
    )
    scan_contacts()
    proposed = clean_rules("contacts", {"threshold": 0.95}, base=default_rules("contacts"))

    preview = preview_match_rules("contacts", proposed)

    assert (preview.records, preview.sample) == (4, False)
    assert (preview.scan_now, preview.scan_proposed) == (2, 0)
    assert (preview.added, preview.removed) == (0, 2)
    assert (preview.stored_open, preview.stored_now, preview.stored_proposed) == (2, 2, 0)
    assert DuplicatePair.objects.count() == 2
    assert not MatchRuleSet.objects.exists()


def test_a_preview_over_a_sample_still_scores_every_stored_pair(admin):
    _zhang_wei_by_name(admin)
    scan_contacts()
    for n in range(3):
        make_contact(owner=admin, family_name="Smith", given_name=f"Mary{n}x")
    preview = dedupe.preview_rules(person_rules(), limit=2)

    assert (preview.records, preview.sample) == (2, True)
    assert (preview.stored_open, preview.stored_now, preview.stored_proposed) == (1, 1, 1)


def test_a_saved_version_without_a_newer_weight_gets_its_default():
    rules = default_rules("contacts")
    del rules["weights"]["birth_year"]
    del rules["enabled"]["birth_year"]
    rules["threshold"] = 0.8
    MatchRuleSet.objects.create(kind="contacts", version=1, rules=rules)

    assert person_rules() == replace(DEFAULT_RULES, threshold=0.8)


def test_the_service_itself_refuses_anyone_but_an_administrator():
    from django.core.exceptions import PermissionDenied

    from guanxi.integrations.match_rules import reset_rules, save_rules

    manager = make_user(role="sales_manager")
    with pytest.raises(PermissionDenied):
        save_rules(actor=manager, kind="contacts", data={"threshold": 0.9})
    with pytest.raises(PermissionDenied):
        reset_rules(actor=manager, kind="accounts")
    assert not MatchRuleSet.objects.exists()


def test_the_preview_counts_common_names_as_the_scan_does(admin):
    for street in ("人民路1号", "中山路8号"):
        address = [{"province": "11", "city": "北京", "street": street}]
        make_contact(owner=admin, family_name="张", given_name="伟", addresses=address)
    for _ in range(20):
        make_contact(owner=admin, family_name="张", given_name="伟")

    preview = dedupe.preview_rules(person_rules())

    assert preview.scan_now == scan_contacts() == 0
