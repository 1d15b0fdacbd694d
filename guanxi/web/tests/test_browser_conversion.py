"""Lead conversion in Chromium: a rep turns a qualified lead into an account, a contact
and a deal in one step, and links an existing contact instead of making a duplicate."""

from decimal import Decimal

import pytest

from guanxi.customers.models import Account, AccountContact, Contact
from guanxi.sales.models import Deal, Lead
from guanxi.sales.services.leads import qualify_lead
from guanxi.testing.browser import screenshot
from guanxi.testing.customers import make_contact
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "远光软件有限公司"
EMAIL = "chen.jing@yuanguang.example"


def qualified_lead(rep):
    lead = make_lead(
        owner=rep,
        family_name="陈",
        given_name="静",
        company=COMPANY,
        email=EMAIL,
        phone="138 0013 8000",
    )
    return qualify_lead(actor=rep, lead=lead)


def open_conversion(page, live_server, lead):
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    assert page.get_by_test_id("lead-status").inner_text() == "Qualified"
    page.get_by_role("link", name="Convert").click()
    page.wait_for_url(f"{live_server.url}/leads/{lead.pk}/convert/")
    assert page.get_by_role("heading", name="Convert 陈静").is_visible()


def test_rep_converts_a_qualified_lead_into_account_contact_and_deal(page, live_server):
    rep = make_user(role="sales_rep", full_name="李伟")
    make_team(members=[rep])
    lead = qualified_lead(rep)
    log_in(page, live_server, rep.email)
    open_conversion(page, live_server, lead)

    # nothing like this lead exists yet: no duplicates are offered, "create" is chosen
    assert page.get_by_test_id("duplicates").count() == 0
    account_choice = page.get_by_label("Account")
    contact_choice = page.get_by_label("Contact")
    assert account_choice.input_value() == "new"
    assert contact_choice.input_value() == "new"
    account_choice.select_option(label=f"Create the account “{COMPANY}”")
    contact_choice.select_option(label="Create the contact “陈静”")
    assert page.get_by_label("Open a deal").is_checked()
    assert page.get_by_label("Deal name").input_value() == COMPANY
    page.get_by_label("Deal name").fill("远光 CRM 项目")
    page.get_by_label("Amount").fill("250000")
    page.get_by_role("button", name="Convert").click()

    # the rep lands on the new account, which shows the contact and the deal
    account = Account.objects.get()
    page.wait_for_url(f"{live_server.url}/accounts/{account.pk}/")
    assert page.get_by_role("status").get_by_text("The lead was converted.").is_visible()
    assert page.get_by_role("heading", name=COMPANY).is_visible()
    assert page.get_by_test_id("primary-contact").get_by_role("link", name="陈静").is_visible()
    deal_row = page.get_by_test_id("account-deal")
    assert deal_row.count() == 1
    assert "远光 CRM 项目" in deal_row.inner_text()
    assert "CNY 250,000.00" in deal_row.inner_text()

    lead = Lead.objects.get(pk=lead.pk)
    assert lead.status == "converted"
    assert lead.converted_at is not None
    assert lead.converted_account == account
    assert account.name == COMPANY
    contact = Contact.objects.get()
    assert lead.converted_contact == contact
    assert contact.full_name == "陈静"
    assert [e.value for e in contact.emails.all()] == [EMAIL]
    assert [p.value for p in contact.phones.all()] == ["+8613800138000"]
    assert AccountContact.objects.filter(account=account, contact=contact).exists()
    deal = Deal.objects.get()
    assert lead.converted_deal == deal
    assert (deal.name, deal.account, deal.contact, deal.source_lead) == (
        "远光 CRM 项目",
        account,
        contact,
        lead,
    )
    assert deal.amount == Decimal("250000.00")
    assert deal.owner == rep
    assert deal.stage.code == "first_contact"

    # the lead's page says what it became and offers no second conversion
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    assert page.get_by_test_id("lead-status").inner_text() == "Converted"
    converted = page.locator("p.card", has_text="Converted into")
    assert converted.get_by_role("link", name=COMPANY).is_visible()
    assert converted.get_by_role("link", name="陈静").is_visible()
    assert "Deal: 远光 CRM 项目" in converted.inner_text()
    assert page.get_by_role("link", name="Convert").count() == 0
    assert screenshot(page, "lead-converted").stat().st_size > 10_000


def test_rep_links_the_existing_contact_with_the_same_email(page, live_server):
    rep = make_user(role="sales_rep", full_name="李伟")
    make_team(members=[rep])
    existing = make_contact(
        owner=rep,
        family_name="陈",
        given_name="静怡",
        emails=[{"kind": "work", "value": EMAIL}],
    )
    lead = qualified_lead(rep)
    log_in(page, live_server, rep.email)
    open_conversion(page, live_server, lead)

    # the contact with the lead's email is offered
    duplicates = page.get_by_test_id("duplicates")
    assert duplicates.is_visible()
    assert duplicates.get_by_role("link", name="陈静怡").is_visible()
    contact_choice = page.get_by_label("Contact")
    contact_choice.select_option(label="陈静怡 (same email)")
    assert contact_choice.input_value() == str(existing.pk)
    page.get_by_role("button", name="Convert").click()

    account = Account.objects.get()
    page.wait_for_url(f"{live_server.url}/accounts/{account.pk}/")
    assert page.get_by_role("status").get_by_text("The lead was converted.").is_visible()
    # no duplicate: still one contact, now linked to the new account, with the lead's phone
    assert Contact.objects.count() == 1
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.status == "converted"
    assert lead.converted_contact == existing
    assert lead.converted_account == account
    assert AccountContact.objects.filter(account=account, contact=existing).exists()
    assert [e.value for e in existing.emails.all()] == [EMAIL]
    assert "+8613800138000" in [p.value for p in existing.phones.all()]
    deal = Deal.objects.get()
    assert lead.converted_deal == deal
    assert (deal.contact, deal.account) == (existing, account)
    assert page.get_by_role("link", name="陈静怡").first.is_visible()
