"""Account and contact services: exact effects, audit diffs and refusals that change nothing."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.choices import AuditEvent
from guanxi.core.models import AuditEntry, TrashItem
from guanxi.core.services.trash import restore_record
from guanxi.customers.models import (
    Account,
    AccountContact,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomerTier,
)
from guanxi.customers.services.accounts import create_account, delete_account, update_account
from guanxi.customers.services.contacts import (
    create_contact,
    delete_contact,
    link_contact_to_account,
    record_consent,
    set_primary_contact,
    unlink_contact_from_account,
    update_contact,
)
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_team, make_user, team_trio

pytestmark = pytest.mark.django_db


def audit_of(obj, event):
    return AuditEntry.objects.get(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), event=event
    )


def test_seeded_tiers_are_vip_key_standard_in_rank_order():
    assert list(CustomerTier.objects.values_list("code", "name")) == [
        ("vip", "VIP"),
        ("key", "Key"),
        ("standard", "Standard"),
    ]


def test_create_account_keeps_pinyin_initials_and_name_key(rep):
    vip = CustomerTier.objects.get(code="vip")
    account = create_account(
        actor=rep,
        name="北京字节跳动科技有限公司",
        tier=vip,
        province="北京",
        city="北京市",
        website="bytedance.com",
        industry="technology",
    )
    assert account.owner == rep
    assert account.team is None
    assert account.name_pinyin == "bei jing zi jie tiao dong ke ji you xian gong si"
    assert account.name_initials == "bjzjtdkjyxgs"
    assert account.name_key == "北京字节跳动科技"
    assert (account.province, account.city) == ("11", "北京")
    assert account.website == "https://bytedance.com"
    entry = audit_of(account, AuditEvent.CREATE)
    assert entry.actor == rep
    assert entry.changes["name"] == [None, "北京字节跳动科技有限公司"]
    assert entry.changes["tier"] == [None, "vip"]


def test_team_defaults_to_the_owners_first_team():
    trio = team_trio("sales_rep")
    account = create_account(actor=trio.owner, name="Acme")
    assert account.team == trio.team


def test_a_rep_cannot_give_an_account_to_someone_else_and_nothing_is_created(rep):
    other = make_user(role="sales_rep")
    with pytest.raises(ValidationError) as exc:
        create_account(actor=rep, name="Acme", owner=other)
    assert exc.value.message_dict == {"owner": ["You may not give records to someone else."]}
    assert Account.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_manager_assigns_to_teammates_only():
    trio = team_trio("sales_manager")
    account = create_account(actor=trio.owner, name="Acme", owner=trio.teammate)
    assert account.owner == trio.teammate
    with pytest.raises(ValidationError) as exc:
        create_account(actor=trio.owner, name="Other", owner=trio.outsider)
    assert exc.value.message_dict == {"owner": ["You may give records only to your teammates."]}
    assert Account.objects.count() == 1


def test_parent_cycle_is_refused_naming_the_field_and_nothing_changes(admin):
    group = make_account(name="Group", owner=admin)
    child = make_account(name="Child", owner=admin, parent=group)
    grandchild = make_account(name="Grandchild", owner=admin, parent=child)
    with pytest.raises(ValidationError) as exc:
        update_account(actor=admin, account=group, parent=grandchild)
    assert exc.value.message_dict == {
        "parent": ["An account cannot be its own parent or subsidiary."]
    }
    group.refresh_from_db()
    assert group.parent_id is None
    with pytest.raises(ValidationError):
        update_account(actor=admin, account=group, parent=group)


def test_update_account_records_a_field_level_diff_with_addresses(admin):
    account = make_account(name="Acme", owner=admin)
    update_account(
        actor=admin,
        account=account,
        name="Acme Trading",
        addresses=[
            {"kind": "office", "province": "44", "city": "Guangzhou", "street": "天河路 1 号"}
        ],
    )
    entry = audit_of(account, AuditEvent.CHANGE)
    assert entry.changes == {
        "addresses": [[], ["office: CN 44 广州 天河路 1 号 (primary)"]],
        "name": ["Acme", "Acme Trading"],
    }


def test_bad_city_and_website_are_reported_together(admin):
    with pytest.raises(ValidationError) as exc:
        create_account(actor=admin, name="Acme", province="44", city="Beijing", website="not a url")
    assert set(exc.value.message_dict) == {"city", "website"}
    assert Account.objects.count() == 0


def test_trashing_an_account_keeps_contacts_and_hides_the_subsidiaries_parent(admin):
    group = make_account(name="Group", owner=admin)
    child = make_account(name="Child", owner=admin, parent=group)
    contact = make_contact(owner=admin, accounts=[{"account": group}])
    item = delete_account(actor=admin, account=group)
    child.refresh_from_db()
    assert list(Account.objects.all()) == [child]
    assert child.parent_id == group.pk
    assert child.visible_parent is None
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert item.dependents.count() == 0
    restore_record(actor=admin, item=item)
    child.refresh_from_db()
    assert child.visible_parent == group


def test_create_contact_with_chinese_name_phones_emails_and_account(rep):
    account = make_account(owner=rep)
    contact = create_contact(
        actor=rep,
        family_name="张",
        given_name="伟",
        phones=[{"kind": "mobile", "value": "138 0013 8000"}, {"value": "+44 20 7946 0958"}],
        emails=[{"value": " Zhang.Wei@Example.COM "}],
        accounts=[{"account": account, "role": "采购经理", "is_primary": True}],
    )
    assert contact.full_name == "张伟"
    assert (contact.name_pinyin, contact.name_initials) == ("zhang wei", "zw")
    assert list(contact.phones.values_list("value", "is_primary")) == [
        ("+8613800138000", True),
        ("+442079460958", False),
    ]
    assert list(contact.emails.values_list("value", "is_primary")) == [
        ("zhang.wei@example.com", True)
    ]
    link = AccountContact.objects.get()
    assert (link.account, link.role, link.is_primary, link.is_current) == (
        account,
        "采购经理",
        True,
        True,
    )
    entry = audit_of(contact, AuditEvent.CREATE)
    assert entry.changes["phones"] == [
        None,
        ["mobile: +8613800138000 (primary)", "mobile: +442079460958"],
    ]
    assert audit_of(account, AuditEvent.CHANGE).changes == {"contacts": [[], ["张伟 (primary)"]]}


def test_western_names_read_given_name_first(rep):
    contact = create_contact(actor=rep, family_name="Smith", given_name="John")
    assert contact.full_name == "John Smith"
    assert (contact.name_pinyin, contact.name_initials) == ("smith john", "sj")


def test_bad_phone_and_email_name_the_row_and_nothing_is_created(rep):
    with pytest.raises(ValidationError) as exc:
        create_contact(
            actor=rep,
            family_name="张",
            phones=[{"value": "13800138000"}, {"value": "12"}],
            emails=[{"value": "not-an-email"}],
        )
    assert exc.value.message_dict == {
        "phones.1.value": ["12 is not a valid phone number."],
        "emails.0.value": ["not-an-email is not a valid email address."],
    }
    assert Contact.objects.count() == 0
    assert ContactPhone.objects.count() == 0


def test_two_primary_phones_are_refused(rep):
    with pytest.raises(ValidationError) as exc:
        create_contact(
            actor=rep,
            family_name="张",
            phones=[
                {"value": "13800138000", "is_primary": True},
                {"value": "13900139000", "is_primary": True},
            ],
        )
    assert exc.value.message_dict == {"phones.1.is_primary": ["Only one can be primary."]}


def test_update_contact_replaces_phones_and_diffs_them(rep):
    contact = make_contact(owner=rep, phones=[{"value": "13800138000"}])
    update_contact(
        actor=rep, contact=contact, title="CEO", phones=[{"value": "13900139000", "kind": "work"}]
    )
    assert list(ContactPhone.objects.values_list("value", flat=True)) == ["+8613900139000"]
    assert audit_of(contact, AuditEvent.CHANGE).changes == {
        "phones": [["mobile: +8613800138000 (primary)"], ["work: +8613900139000 (primary)"]],
        "title": ["", "CEO"],
    }


def test_one_primary_contact_per_account(admin):
    account = make_account(owner=admin)
    first = make_contact(owner=admin, accounts=[{"account": account, "is_primary": True}])
    second = make_contact(owner=admin, accounts=[{"account": account}])
    set_primary_contact(actor=admin, account=account, contact=second)
    assert list(
        AccountContact.objects.filter(is_primary=True).values_list("contact_id", flat=True)
    ) == [second.pk]
    link_contact_to_account(actor=admin, contact=first, account=account, is_primary=True)
    assert AccountContact.objects.get(is_primary=True).contact == first


def _people_changes(account):
    return [
        e.changes["contacts"]
        for e in AuditEntry.objects.filter(
            object_type="customers.account", object_id=str(account.pk), event=AuditEvent.CHANGE
        ).order_by("pk")
    ]


def test_an_accounts_audit_names_only_the_people_whose_place_changed(admin):
    account = make_account(owner=admin, name="Acme")
    make_contact(owner=admin, family_name="王", given_name="芳", accounts=[{"account": account}])
    boss = make_contact(
        owner=admin, family_name="李", given_name="娜", accounts=[{"account": account}]
    )
    set_primary_contact(actor=admin, account=account, contact=boss)
    newcomer = make_contact(owner=admin, family_name="赵", given_name="六")
    link_contact_to_account(actor=admin, contact=newcomer, account=account)
    link_contact_to_account(actor=admin, contact=newcomer, account=account, is_primary=True)
    update_contact(actor=admin, contact=boss, accounts=[])
    unlink_contact_from_account(actor=admin, contact=newcomer, account=account)
    assert _people_changes(account) == [
        [[], ["王芳"]],
        [[], ["李娜"]],
        [["李娜"], ["李娜 (primary)"]],
        [[], ["赵六"]],  # the primary contact is unchanged: not named
        [["李娜 (primary)", "赵六"], ["李娜", "赵六 (primary)"]],
        [["李娜"], []],
        [["赵六 (primary)"], []],
    ]


def test_an_accounts_audit_entry_does_not_grow_with_its_staff(admin):
    account = make_account(owner=admin)
    for number in range(12):
        make_contact(
            owner=admin,
            family_name="Person",
            given_name=str(number),
            accounts=[{"account": account, "is_primary": True}],
        )
    last = _people_changes(account)[-1]
    assert last == [["10 Person (primary)"], ["10 Person", "11 Person (primary)"]]


def test_former_employee_cannot_become_primary(admin):
    account = make_account(owner=admin)
    former = make_contact(owner=admin, accounts=[{"account": account, "is_current": False}])
    with pytest.raises(ValidationError) as exc:
        set_primary_contact(actor=admin, account=account, contact=former)
    assert "contact" in exc.value.message_dict
    assert not AccountContact.objects.filter(is_primary=True).exists()


def test_unlink_removes_the_link_and_audits_both_sides(admin):
    account = make_account(owner=admin, name="Acme")
    contact = make_contact(owner=admin, family_name="Li", given_name="Na")
    link_contact_to_account(actor=admin, contact=contact, account=account, role="CFO")
    unlink_contact_from_account(actor=admin, contact=contact, account=account)
    assert AccountContact.objects.count() == 0
    last = AuditEntry.objects.filter(object_type="customers.contact").first()
    assert last.changes == {"accounts": [["Acme - CFO"], []]}
    with pytest.raises(ValidationError):
        unlink_contact_from_account(actor=admin, contact=contact, account=account)


def test_consent_history_is_kept_and_the_latest_row_wins(rep):
    contact = make_contact(owner=rep)
    record_consent(
        actor=rep,
        contact=contact,
        channel="email",
        status="granted",
        source="form",
        wording="I agree to receive news by email.",
    )
    record_consent(actor=rep, contact=contact, channel="email", status="withdrawn", source="manual")
    assert list(Consent.objects.values_list("status", flat=True)) == ["withdrawn", "granted"]
    assert AuditEntry.objects.filter(object_type="customers.contact").first().changes == {
        "consent.email": ["granted", "withdrawn"]
    }


def test_granting_consent_requires_the_wording(rep):
    contact = make_contact(owner=rep)
    with pytest.raises(ValidationError) as exc:
        record_consent(actor=rep, contact=contact, channel="sms", status="granted", source="api")
    assert list(exc.value.message_dict) == ["wording"]
    assert Consent.objects.count() == 0


def test_delete_contact_goes_to_the_trash_alone(rep):
    account = make_account(owner=rep)
    contact = make_contact(owner=rep, accounts=[{"account": account}])
    delete_contact(actor=rep, contact=contact)
    assert Contact.objects.count() == 0
    assert Contact.all_objects.get().deleted_by == rep
    assert Account.objects.get() == account
    assert TrashItem.objects.get().object_type == "customers.contact"
    assert ContactEmail.objects.count() == 0  # none were given


def test_team_must_be_one_of_the_owners_teams_for_a_rep(rep):
    foreign = make_team(members=[make_user()])
    with pytest.raises(ValidationError) as exc:
        create_contact(actor=rep, family_name="张", team=foreign)
    assert exc.value.message_dict == {"team": ["Choose one of the owner's teams."]}


def test_two_people_of_one_name_are_told_apart_in_the_accounts_audit(admin):
    account = make_account(owner=admin, name="Acme")
    make_contact(owner=admin, family_name="王", given_name="芳", accounts=[{"account": account}])
    second = make_contact(owner=admin, family_name="王", given_name="芳")
    link_contact_to_account(actor=admin, contact=second, account=account, is_primary=True)
    first = AccountContact.objects.filter(account=account).order_by("pk").first().contact
    set_primary_contact(actor=admin, account=account, contact=first)
    assert _people_changes(account)[-2:] == [
        [[], ["王芳 (primary)"]],  # the second one joined as the primary contact
        # back to the first one: both changed, in the order they joined
        [["王芳", "王芳 (primary)"], ["王芳 (primary)", "王芳"]],
    ]


def test_a_namesake_taking_the_primary_flag_in_bulk_is_audited_as_one_by_one(admin):
    from guanxi.customers.services.bulk_contacts import prepare_contact, save_new_records

    account = make_account(owner=admin, name="Acme")
    make_contact(
        owner=admin,
        family_name="王",
        given_name="芳",
        accounts=[{"account": account, "is_primary": True}],
    )
    new = prepare_contact(
        actor=admin,
        team=None,
        family_name="王",
        given_name="芳",
        accounts=[{"account": account, "is_primary": True}],
    )
    save_new_records(admin, [], [new])
    create_contact(
        actor=admin,
        family_name="王",
        given_name="芳",
        accounts=[{"account": account, "is_primary": True}],
    )
    takeover = [["王芳 (primary)"], ["王芳", "王芳 (primary)"]]
    assert _people_changes(account)[-2:] == [takeover, takeover]
