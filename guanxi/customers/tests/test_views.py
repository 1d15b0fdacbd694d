"""Account and contact pages: lists, the 360° page, forms with repeated rows, delete."""

import pytest
from django.urls import reverse

from guanxi.core.services.custom_fields import create_custom_field
from guanxi.customers.models import Account, Contact, ContactPhone
from guanxi.customers.tests.matrix_rows import formset
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = make_user(role="administrator", full_name="Ada")
    client.force_login(admin)
    client.admin = admin
    return client


def test_account_list_searches_sorts_and_filters(admin_client):
    admin = admin_client.admin
    make_account(owner=admin, name="北京字节跳动科技有限公司", province="11")
    make_account(owner=admin, name="Acme Co., Ltd.", province="44")
    page = admin_client.get(reverse("customers:account_list"), {"q": "字节"}).content.decode()
    assert "北京字节跳动科技有限公司" in page
    assert "Acme Co., Ltd." not in page
    page = admin_client.get(reverse("customers:account_list"), {"province": "44"}).content.decode()
    assert "Acme Co., Ltd." in page
    assert "北京字节跳动" not in page
    page = admin_client.get(reverse("customers:account_list"), {"sort": "-name_pinyin"})
    text = page.content.decode()
    assert text.index("北京字节跳动") < text.index("Acme Co., Ltd.")  # b(ei) after a(cme)


@pytest.mark.parametrize(
    ("url_name", "factory"),
    [
        ("customers:account_list", make_account),
        ("customers:contact_list", make_contact),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(
    admin_client, django_assert_max_num_queries, url_name, factory
):
    admin = admin_client.admin
    for object_type in ("customers.account", "customers.contact"):
        create_custom_field(actor=admin, object_type=object_type, label="Note", field_type="text")
        create_custom_field(actor=admin, object_type=object_type, label="Rep", field_type="user")

    def fill(n):
        for i in range(n):
            extra = {"tags": ["VIP", f"t{i}"], "custom_fields": {"note": "x", "rep": admin.pk}}
            account = make_account(owner=admin, **extra)
            make_contact(
                owner=admin,
                phones=[{"value": "13800138000"}],
                emails=[{"value": "a@example.com"}],
                accounts=[{"account": account, "is_primary": True}],
                **extra,
            )

    fill(5)
    with django_assert_max_num_queries(18) as few:  # incl. saved views and their teams
        admin_client.get(reverse(url_name))
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse(url_name))


def test_account_page_shows_the_primary_contact_with_their_phone(admin_client):
    admin = admin_client.admin
    group = make_account(owner=admin, name="Group")
    account = make_account(owner=admin, name="Acme", parent=group)
    make_account(owner=admin, name="Acme South", parent=account)
    make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        phones=[{"value": "13800138000"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    page = admin_client.get(reverse("customers:account_detail", args=[account.pk])).content
    text = page.decode()
    primary = text[text.index('data-testid="primary-contact"') :]
    assert "张伟" in primary[:600]
    assert "+86 138 0013 8000" in primary[:800]
    assert "Acme South" in text
    assert "Group" in text
    assert "History" in text
    assert 'id="attachments"' in text


def test_create_contact_through_the_form_with_rows(admin_client):
    account = make_account(owner=admin_client.admin)
    data = {
        "family_name": "王",
        "given_name": "芳",
        "owner": admin_client.admin.pk,
        "account": account.pk,
        "role": "CEO",
        "is_primary": "on",
        **formset(
            "phones", [{"kind": "mobile", "value": "139 0013 9000"}, {"kind": "work", "value": ""}]
        ),
        **formset("emails", [{"kind": "work", "value": "WANG@example.com"}]),
        **formset("addresses", [{"kind": "office", "country": "CN", "province": "", "city": ""}]),
    }
    response = admin_client.post(reverse("customers:contact_create"), data)
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:contact_detail", args=[contact.pk])
    assert contact.full_name == "王芳"
    assert list(contact.phones.values_list("value", flat=True)) == ["+8613900139000"]
    assert list(contact.emails.values_list("value", flat=True)) == ["wang@example.com"]
    assert contact.addresses.count() == 0
    assert contact.account_links.get().is_primary is True


def test_bad_phone_in_the_form_is_shown_on_its_row(admin_client):
    data = {
        "family_name": "王",
        "owner": admin_client.admin.pk,
        **formset("phones", [{"kind": "mobile", "value": ""}, {"kind": "mobile", "value": "12"}]),
        **formset("emails"),
        **formset("addresses"),
    }
    response = admin_client.post(reverse("customers:contact_create"), data)
    assert response.status_code == 200
    phones = response.context["formsets"][0][1]
    assert phones.forms[1].errors == {"value": ["12 is not a valid phone number."]}
    assert Contact.objects.count() == 0
    assert ContactPhone.objects.count() == 0


def test_account_create_and_cycle_error_on_edit(admin_client):
    data = {
        "name": "Group 集团",
        "country": "CN",
        "owner": admin_client.admin.pk,
        **formset("addresses"),
    }
    admin_client.post(reverse("customers:account_create"), data)
    group = Account.objects.get()
    child = make_account(owner=admin_client.admin, parent=group)
    response = admin_client.post(
        reverse("customers:account_edit", args=[group.pk]), {**data, "parent": child.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "An account cannot be its own parent or subsidiary."
    ]
    group.refresh_from_db()
    assert group.parent_id is None


def test_delete_asks_then_moves_to_the_trash(admin_client):
    contact = make_contact(owner=admin_client.admin)
    url = reverse("customers:contact_delete", args=[contact.pk])
    assert "Move to the trash" in admin_client.get(url).content.decode()
    assert Contact.objects.count() == 1
    response = admin_client.post(url)
    assert response["Location"] == reverse("customers:contact_list")
    assert Contact.objects.count() == 0


def test_consent_recorded_from_the_contact_page(admin_client):
    contact = make_contact(owner=admin_client.admin)
    admin_client.post(
        reverse("customers:contact_consent", args=[contact.pk]),
        {"channel": "wechat", "status": "granted", "source": "manual", "wording": "可以微信联系"},
    )
    page = admin_client.get(reverse("customers:contact_detail", args=[contact.pk])).content
    assert "可以微信联系" in page.decode()


def test_navigation_shows_accounts_and_contacts_to_customer_roles(client):
    client.force_login(make_user(role="sales_rep"))
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("customers:account_list") in page
    assert reverse("customers:contact_list") in page
    client.force_login(make_user())
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("customers:account_list") not in page


def test_a_new_contact_like_an_existing_one_waits_for_confirmation(admin_client):
    existing = make_contact(
        family_name="张", given_name="伟", emails=[{"value": "zhang.wei@example.cn"}]
    )
    data = {
        "family_name": "Zhang",
        "given_name": "Wei",
        "owner": admin_client.admin.pk,
        **formset("phones"),
        **formset("emails", [{"kind": "work", "value": "Zhang.Wei@example.cn"}]),
        **formset("addresses"),
    }
    response = admin_client.post(reverse("customers:contact_create"), data)
    assert response.status_code == 200
    assert Contact.objects.count() == 1  # nothing saved yet
    warning = response.content.decode()
    assert 'data-testid="possible-duplicates"' in warning
    assert reverse("customers:contact_detail", args=[existing.pk]) in warning
    assert [m.contact for m in response.context["duplicates"]] == [existing]
    confirmed = admin_client.post(
        reverse("customers:contact_create"), {**data, "confirm_duplicate": "1"}
    )
    assert confirmed.status_code == 302
    assert Contact.objects.count() == 2
