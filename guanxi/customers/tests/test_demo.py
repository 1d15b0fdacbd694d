"""The demo data set: deterministic, consistent, searchable, and reloadable with --reset."""

from __future__ import annotations

from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from guanxi.core.management.commands.seed_demo_users import DEMO_USERS
from guanxi.core.models import SearchDocument, User
from guanxi.core.search import search
from guanxi.customers.demo import DemoSize, load_demo, reset_demo
from guanxi.customers.demo_data import CHINESE_CITIES
from guanxi.customers.models import (
    Account,
    AccountContact,
    Activity,
    Address,
    Contact,
    ContactEmail,
    ContactPhone,
)
from guanxi.customers.selectors import agenda_of
from guanxi.lib import companies, regions
from guanxi.lib.names import has_cjk, initials_of, pinyin_of
from guanxi.lib.phones import normalize_phone

SMALL = DemoSize(accounts=30, contacts=90, activities=300)
AREA_CODES = {city.name: city.area_code for city in CHINESE_CITIES}


@pytest.fixture
def demo(db):
    call_command("seed_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return load_demo(seed=7, size=SMALL, batch=40)


def _names() -> tuple[list[str], list[str]]:
    return (
        list(Account.objects.order_by("pk").values_list("name", flat=True)),
        list(Contact.objects.order_by("pk").values_list("full_name", flat=True)),
    )


def test_sizes_are_exactly_the_ones_asked_for(demo):
    assert Account.objects.count() == 30
    assert Contact.objects.count() == 90
    assert Activity.objects.count() == 300
    assert demo["accounts"] == 30 and demo["contacts"] == 90 and demo["activities"] == 300


def test_same_seed_gives_the_same_data_and_another_seed_other_data(demo):
    first = _names()
    reset_demo()
    load_demo(seed=7, size=SMALL, batch=25)  # batch size does not change the data
    assert _names() == first
    reset_demo()
    load_demo(seed=8, size=SMALL)
    assert _names() != first


def test_companies_have_consistent_places_and_derived_names(demo):
    chinese = Account.objects.filter(country="CN")
    assert chinese.exists() and Account.objects.exclude(country="CN").exists()
    for account in chinese:
        assert regions.is_valid_city(account.province, account.city), account.name
        assert account.name.startswith(account.city), account.name
    for address in Address.objects.filter(country="CN"):
        assert regions.is_valid_city(address.province, address.city)
        assert address.district and address.street and len(address.postcode) == 6
    for account in Account.objects.all():
        assert account.name_pinyin == pinyin_of(account.name)
        assert account.name_initials == initials_of(account.name)
        assert account.name_key == companies.normalize_company(account.name)
        assert account.team_id is not None
        assert account.addresses.filter(is_primary=True).count() == 1


def test_people_have_derived_pinyin_valid_phones_and_emails_at_their_company(demo):
    for contact in Contact.objects.all():
        spoken = (
            contact.full_name
            if has_cjk(contact.full_name)
            else (f"{contact.family_name} {contact.given_name}")
        )
        assert contact.name_pinyin == pinyin_of(spoken)
        assert contact.name_initials == initials_of(spoken)
        assert contact.phones.filter(is_primary=True).count() == 1
        assert contact.emails.filter(is_primary=True).count() == 1
    for phone in ContactPhone.objects.all():
        assert normalize_phone(phone.value) == phone.value
    for email in ContactEmail.objects.filter(kind="work").select_related("contact"):
        domains = {
            urlparse(link.account.website).hostname.removeprefix("www.")
            for link in email.contact.account_links.select_related("account")
        }
        assert email.value.rpartition("@")[2] in domains, email.value
    # A Chinese company's landlines carry its city's area code.
    for link in AccountContact.objects.filter(account__country="CN").select_related("account"):
        for phone in link.contact.phones.filter(kind="work"):
            if link.account_id == link.contact.account_links.order_by("pk")[0].account_id:
                assert phone.value.startswith(f"+86{AREA_CODES[link.account.city]}")


def test_each_account_has_one_primary_contact_and_consumers_have_a_tier(demo):
    per_account = Account.objects.annotate(
        primaries=Count("contact_links", filter=Q(contact_links__is_primary=True)),
        people=Count("contact_links"),
    )
    for account in per_account:
        assert account.primaries == (1 if account.people else 0), account.name
    consumers = Contact.objects.filter(account_links__isnull=True)
    assert consumers.exists()
    assert not consumers.filter(tier__isnull=True).exists()


def test_search_finds_a_seeded_contact_by_pinyin(demo):
    contact = Contact.objects.filter(preferred_language="zh-hans").order_by("pk").first()
    admin = User.objects.get(email="admin@guanxi.test")
    assert SearchDocument.objects.filter(object_type="customers.contact").count() == 90
    found = search(admin, contact.name_pinyin, limit=100)
    assert (contact.pk, "customers.contact") in {
        (row["object_id"], row["object_type"]) for row in found
    }
    found = search(admin, contact.name_pinyin.replace(" ", ""), limit=100)
    assert contact.pk in {row["object_id"] for row in found}


def test_every_demo_user_has_overdue_and_due_today_tasks(demo):
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.now().astimezone(tz).date()
    for email, *_rest in DEMO_USERS:
        agenda = agenda_of(User.objects.get(email=email), today, tz)
        assert len(agenda["overdue"]) >= 2, email
        assert len(agenda["today"]) >= 2, email


def test_the_command_refuses_to_load_twice_and_reloads_with_reset(db):
    sizes = ["--accounts", "12", "--contacts", "30", "--activities", "60"]
    call_command("seed_demo", *sizes, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.filter(email="sales.rep@guanxi.test").exists()  # users were made
    first = _names()
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", *sizes)
    assert _names() == first  # nothing changed
    call_command("seed_demo", *sizes, "--reset", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _names() == first
    assert (Account.objects.count(), Contact.objects.count(), Activity.objects.count()) == (
        12,
        30,
        60,
    )
    call_command("seed_demo", "--scale", "0.5", "--reset", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Account.objects.count() == 1000
