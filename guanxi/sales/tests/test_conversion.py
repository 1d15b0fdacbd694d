"""Conversion: one atomic step to account + contact + deal, linking existing customers
instead of duplicating them, with the lead's history moved along."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.customers.models import Account, Activity, Consent, Contact
from guanxi.sales.models import Deal, DealStageChange, Lead
from guanxi.sales.selectors_leads import conversion_candidates
from guanxi.sales.services.conversion import convert_lead
from guanxi.sales.services.leads import log_lead_activity
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def _lead(**extra):
    return make_lead(
        family_name="王",
        given_name="芳",
        company="上海电气股份有限公司",
        title="采购经理",
        phone="13812345678",
        email="wang.fang@example.com",
        province="上海",
        city="上海",
        tags=["展会 2025"],
        consent_email=True,
        consent_wording="I agree to receive news by email.",
        **extra,
    )


def test_convert_creates_account_contact_and_deal_and_moves_the_history():
    lead = _lead()
    call = log_lead_activity(actor=lead.owner, lead=lead, kind="call", subject="首次通话")

    result = convert_lead(actor=lead.owner, lead=lead, deal_name="电机采购", amount="120000")

    account, contact, deal = result.account, result.contact, result.deal
    assert (account.name, account.owner, account.province) == (
        "上海电气股份有限公司",
        lead.owner,
        "31",
    )
    assert (contact.full_name, contact.title, contact.owner) == ("王芳", "采购经理", lead.owner)
    assert [p.value for p in contact.phones.all()] == ["+8613812345678"]
    assert [e.value for e in contact.emails.all()] == ["wang.fang@example.com"]
    assert [t.name for t in contact.tags.all()] == ["展会 2025"]
    link = contact.account_links.get()
    assert (link.account, link.is_primary) == (account, True)
    consent = Consent.objects.get(contact=contact)
    assert (consent.channel, consent.status, consent.wording) == (
        "email",
        "granted",
        "I agree to receive news by email.",
    )
    assert (deal.name, deal.amount, deal.stage.code, deal.pipeline.is_default) == (
        "电机采购",
        Decimal("120000.00"),
        "first_contact",
        True,
    )
    assert (deal.account, deal.contact, deal.source_lead, deal.probability) == (
        account,
        contact,
        lead,
        10,
    )
    change = DealStageChange.objects.get(deal=deal)
    assert (change.from_stage, change.to_stage, change.changed_by) == (None, deal.stage, lead.owner)
    call.refresh_from_db()
    assert list(call.accounts.all()) == [account]
    assert list(call.contacts.all()) == [contact]
    assert list(deal.activities.all()) == [call]
    lead.refresh_from_db()
    assert (lead.status, lead.converted_account, lead.converted_contact, lead.converted_deal) == (
        "converted",
        account,
        contact,
        deal,
    )
    assert lead.converted_at is not None


def test_existing_customers_are_found_and_linked_instead_of_duplicated():
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep, name="上海电气")
    contact = make_contact(
        owner=rep,
        family_name="王",
        given_name="芳",
        emails=[{"value": "wang.fang@example.com"}],
    )
    lead = _lead(owner=rep)

    found = conversion_candidates(rep, lead)
    assert found.accounts == [(account, "name")]
    assert found.contacts == [(contact, "email")]

    result = convert_lead(actor=rep, lead=lead, account=account, contact=contact)
    assert (result.account_created, result.contact_created) == (False, False)
    assert (Account.objects.count(), Contact.objects.count()) == (1, 1)
    assert sorted(contact.phones.values_list("value", flat=True)) == ["+8613812345678"]
    assert contact.account_links.get().account == account
    assert Deal.objects.get().account == account


def test_candidates_match_phone_and_full_name_only_among_visible_customers():
    rep = make_user(role="sales_rep")
    mine = make_contact(
        owner=rep, family_name="李", given_name="雷", phones=[{"value": "13812345678"}]
    )
    make_contact(family_name="王", given_name="芳")  # someone else's: not offered
    lead = _lead(owner=rep)
    assert conversion_candidates(rep, lead).contacts == [(mine, "phone")]


def test_a_failing_conversion_changes_nothing():
    lead = make_lead(family_name="无公司")
    with pytest.raises(ValidationError) as caught:
        convert_lead(actor=lead.owner, lead=lead)
    assert caught.value.message_dict == {
        "account": ["A deal needs an account: give the lead's company or choose an account."]
    }
    assert (Account.objects.count(), Contact.objects.count(), Deal.objects.count()) == (0, 0, 0)
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_converting_twice_is_refused():
    lead = _lead()
    convert_lead(actor=lead.owner, lead=lead, create_deal=False)
    with pytest.raises(ValidationError):
        convert_lead(actor=lead.owner, lead=lead)
    assert (Contact.objects.count(), Deal.objects.count()) == (1, 0)


def test_a_marketer_may_not_convert():
    marketer = make_user(role="marketer")
    lead = _lead(owner=marketer)
    with pytest.raises(PermissionDenied):
        convert_lead(actor=marketer, lead=lead)
    assert (Account.objects.count(), Lead.objects.get().status) == (0, "new")


def test_conversion_page_offers_the_existing_account_and_converts(client):
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep, name="上海电气有限公司")
    lead = _lead(owner=rep)
    client.force_login(rep)
    page = client.get(f"/leads/{lead.pk}/convert/").content.decode()
    assert "This lead may already be a customer" in page
    assert f'<option value="{account.pk}" selected>' in page
    response = client.post(
        f"/leads/{lead.pk}/convert/",
        {"account": str(account.pk), "contact": "new", "create_deal": "on", "amount": "5"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account.pk}/"
    assert Account.objects.count() == 1
    assert Deal.objects.get().amount == Decimal("5.00")


def test_convert_endpoint(api_as):
    lead = _lead()
    response = api_as(lead.owner)("POST", f"/api/v1/leads/{lead.pk}/convert", {"amount": "99.5"})
    assert response.status_code == 200
    body = response.json()
    assert body["lead"]["status"] == "converted"
    assert (body["account_created"], body["contact_created"]) == (True, True)
    assert Deal.objects.get(pk=body["deal_id"]).amount == Decimal("99.50")
    assert Activity.objects.count() == 0
