"""Contacts of the demo data set: people at the demo accounts and consumers, with their
phones, emails, consents, account links, addresses and tags, written batch by batch."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from guanxi.customers import demo_data as data
from guanxi.customers.demo_people import (
    CHINESE_CITIES,
    TIERS,
    WESTERN_CITIES,
    Person,
    chinese_person,
    cn_landline,
    cn_mobile,
    digits,
    western_person,
    western_phone,
    western_postcode,
)
from guanxi.customers.models import (
    AccountContact,
    Address,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
)

if TYPE_CHECKING:
    from guanxi.customers.demo import AccountInfo, DemoLoader

SAMPLES_PER_ACCOUNT = 4  # contacts remembered per account for the activities
CONSUMER_SAMPLES = 5000
CONSUMER_SHARE = 0.1


@dataclass
class Sample:
    """A saved contact as the activity texts mention it."""

    pk: int
    name: str
    email: str
    chinese: bool
    owner_id: int
    team_id: int | None
    city: str
    district: str


@dataclass
class Pending:
    contact: Contact
    person: Person
    email: str
    phones: list[tuple[str, str]]  # (kind, E.164), the first primary
    emails: list[tuple[str, str]]
    links: list[dict[str, Any]]
    address: dict[str, Any] | None
    account: AccountInfo | None
    consents: list[dict[str, Any]] = field(default_factory=list)
    tag_id: int | None = None


class ContactWriter:
    def __init__(self, loader: DemoLoader) -> None:
        self.loader = loader
        self.counts = dict.fromkeys(
            ("contacts", "phones", "emails", "links", "consents", "contact addresses"), 0
        )
        self.pending: list[Pending] = []

    def load(self, rng: random.Random) -> None:
        accounts = self.loader.accounts
        total = self.loader.size.contacts
        at_companies = round(total * (1 - CONSUMER_SHARE)) if accounts else 0
        for info, count in zip(accounts, self._spread(rng, at_companies), strict=True):
            used: set[str] = set()
            for index in range(count):
                self._add(rng, self._employee(rng, info, index, used))
        for _ in range(total - at_companies):
            self._add(rng, self._consumer(rng))
        self._flush()

    def _spread(self, rng: random.Random, total: int) -> list[int]:
        """Contacts per account: one each while they last, the rest by tier and size."""
        accounts = self.loader.accounts
        counts = [0] * len(accounts)
        for index in rng.sample(range(len(accounts)), min(total, len(accounts))):
            counts[index] = 1
        remaining = total - sum(counts)
        cumulative, running = [], 0.0
        for info in accounts:
            running += data.TIER_WEIGHT[info.company.tier] * data.SIZE_WEIGHT[info.company.size]
            cumulative.append(running)
        while remaining > 0:  # in chunks, so a million contacts need no million-long list
            chunk = min(remaining, 100_000)
            for index in rng.choices(range(len(accounts)), cum_weights=cumulative, k=chunk):
                counts[index] += 1
            remaining -= chunk
        return counts

    def _created(self, rng: random.Random, after: Any) -> Any:
        return self.loader.past(rng, 3 * 365, after=after)

    def _employee(
        self, rng: random.Random, info: AccountInfo, index: int, used: set[str]
    ) -> Pending:
        company = info.company
        chinese = rng.random() < (0.93 if company.chinese else 0.08)
        german = company.country == "DE"
        person = chinese_person(rng) if chinese else western_person(rng, german=german)
        local, n = person.email_local, 2
        while local in used:  # two Wang Fangs at one company: wang.fang2
            local, n = f"{person.email_local}{n}", n + 1
        used.add(local)
        email = f"{local}@{company.domain}"
        emails = [("work", email)]
        if rng.random() < 0.15:
            emails.append(("home", self._personal_email(rng, person)))
        if company.chinese:
            phones = [("mobile", cn_mobile(rng))]
            if rng.random() < 0.5:
                phones.append(("work", cn_landline(rng, company.place)))
        else:
            phones = [("work", western_phone(rng, company.place, mobile=False))]
            if rng.random() < 0.7:
                phones.insert(0, ("mobile", western_phone(rng, company.place, mobile=True)))
        former = index > 0 and rng.random() < 0.04
        role_list = data.ROLES_ZH if person.chinese else data.ROLES_EN
        links = [
            {
                "account_id": info.pk,
                "role": rng.choice(role_list),
                "is_primary": index == 0,
                "is_current": not former,
            }
        ]
        if index > 0 and rng.random() < 0.08:
            others = [pk for pk in info.group if pk != info.pk]
            other = rng.choice(others) if others else rng.choice(self.loader.accounts).pk
            if other != info.pk:
                links.append(
                    {"account_id": other, "role": rng.choice(role_list), "is_primary": False}
                )
        titles = data.TITLES_ZH if person.chinese else data.TITLES_EN
        contact = self._contact(rng, person, info.owner_id, info.team_id, info.created_at)
        contact.title = rng.choice(titles)
        return Pending(contact, person, email, phones, emails, links, None, info)

    def _consumer(self, rng: random.Random) -> Pending:
        chinese = rng.random() < 0.8
        person = chinese_person(rng) if chinese else western_person(rng)
        owner = rng.choice(self.loader.owners)
        contact = self._contact(rng, person, owner.pk, self.loader.teams.get(owner.pk), None)
        contact.tier = self.loader.tiers.get(TIERS.pick(rng) or "standard")
        email = self._personal_email(rng, person)
        if chinese:
            city = CHINESE_CITIES.pick(rng)
            phones = [("mobile", cn_mobile(rng))]
            address = {
                "kind": "home",
                "country": "CN",
                "province": city.province,
                "city": city.name,
                "district": rng.choice(city.districts),
                "street": (
                    f"{rng.choice(data.ROADS)}{rng.randint(1, 500)}号"
                    f"{rng.randint(1, 30)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
                ),
                "postcode": f"{city.postcode}{rng.randint(0, 9)}{digits(rng, 2)}",
                "is_primary": True,
            }
        else:
            city = WESTERN_CITIES.pick(rng)
            phones = [("mobile", western_phone(rng, city, mobile=True))]
            street = rng.choice(data.WESTERN_STREETS[city.country].split("|"))
            number = rng.randint(1, 200)
            address = {
                "kind": "home",
                "country": city.country,
                "province": city.region,
                "city": city.name,
                "district": "",
                "street": f"{street} {number}" if city.country == "DE" else f"{number} {street}",
                "postcode": western_postcode(rng, city),
                "is_primary": True,
            }
        return Pending(contact, person, email, phones, [("home", email)], [], address, None)

    def _personal_email(self, rng: random.Random, person: Person) -> str:
        if person.chinese and rng.random() < 0.4:
            return f"{rng.randint(10**6, 10**10)}@qq.com"
        domains = data.PERSONAL_MAIL_ZH if person.chinese else data.PERSONAL_MAIL_EN
        local = person.email_local.replace(".", rng.choice(("", ".", "_")))
        return f"{local}{rng.randint(1, 999)}@{rng.choice(domains)}"

    def _contact(
        self, rng: random.Random, person: Person, owner_id: int, team_id: Any, after: Any
    ) -> Contact:
        created = self._created(rng, after)
        today = self.loader.today.date()
        if person.chinese:
            channel = rng.choice(("wechat", "wechat", "phone", "email"))
        else:
            channel = rng.choice(("email", "email", "phone"))
        return Contact(
            family_name=person.family_name,
            given_name=person.given_name,
            full_name=person.full_name,
            name_pinyin=person.name_pinyin,
            name_initials=person.name_initials,
            birthday=_birthday(rng, today) if rng.random() < 0.6 else None,
            gender=person.gender,
            preferred_language="zh-hans" if person.chinese else "en",
            preferred_channel=channel,
            owner_id=owner_id,
            team_id=team_id,
            custom_fields={},
            created_at=created,
            updated_at=created,
        )

    def _add(self, rng: random.Random, pending: Pending) -> None:
        pending.consents = self._consents(rng, pending)
        if rng.random() < 0.1:
            pending.tag_id = rng.choice(self.loader.tags).pk
        self.pending.append(pending)
        if len(self.pending) >= self.loader.batch:
            self._flush()

    def _flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        Contact.objects.bulk_create([row.contact for row in rows])
        phones, emails, links, consents, addresses, tag_links = [], [], [], [], [], []
        Through = Contact.tags.through
        for row in rows:
            pk = row.contact.pk
            for i, (kind, value) in enumerate(row.phones):
                phones.append(
                    ContactPhone(contact_id=pk, kind=kind, value=value, is_primary=i == 0)
                )
            for i, (kind, value) in enumerate(row.emails):
                emails.append(
                    ContactEmail(contact_id=pk, kind=kind, value=value, is_primary=i == 0)
                )
            for link in row.links:
                links.append(
                    AccountContact(contact_id=pk, created_at=row.contact.created_at, **link)
                )
            if row.address:
                addresses.append(Address(contact_id=pk, **row.address))
            consents += [Consent(contact_id=pk, **consent) for consent in row.consents]
            if row.tag_id:
                tag_links.append(Through(contact_id=pk, tag_id=row.tag_id))
            self._remember(row)
        ContactPhone.objects.bulk_create(phones)
        ContactEmail.objects.bulk_create(emails)
        AccountContact.objects.bulk_create(links)
        Consent.objects.bulk_create(consents)
        Address.objects.bulk_create(addresses)
        Through.objects.bulk_create(tag_links)
        for key, made in (
            ("contacts", rows),
            ("phones", phones),
            ("emails", emails),
            ("links", links),
            ("consents", consents),
            ("contact addresses", addresses),
        ):
            self.counts[key] += len(made)

    def _consents(self, rng: random.Random, row: Pending) -> list[dict[str, Any]]:
        """Email (and, for Chinese numbers, SMS) consent: granted with the wording shown,
        sometimes withdrawn later; the older row stays as the history."""
        language = "zh" if row.person.chinese else "en"
        channels = ["email"] + (["sms"] if row.phones[0][1].startswith("+86") else [])
        found = []
        for channel in channels:
            if rng.random() > (0.6 if channel == "email" else 0.35):
                continue
            granted_at = self._created(rng, row.contact.created_at)
            source = rng.choice(("form", "form", "import", "manual"))
            found.append(
                {
                    "channel": channel,
                    "status": "granted",
                    "source": source,
                    "wording": data.CONSENT_WORDING[(language, channel)],
                    "recorded_at": granted_at,
                    "recorded_by_id": row.contact.owner_id if source == "manual" else None,
                }
            )
            if rng.random() < 0.15:
                found.append(
                    {
                        "channel": channel,
                        "status": "withdrawn",
                        "source": rng.choice(("form", "manual")),
                        "wording": data.WITHDRAWAL_WORDING[(language, channel)],
                        "recorded_at": self._created(rng, granted_at + timedelta(minutes=1)),
                    }
                )
        return found

    def _remember(self, row: Pending) -> None:
        contact = row.contact
        info = row.account
        sample = Sample(
            pk=contact.pk,
            name=contact.full_name,
            email=row.email,
            chinese=row.person.chinese,
            owner_id=contact.owner_id,
            team_id=contact.team_id,
            city=(row.address or {}).get("city", ""),
            district=(row.address or {}).get("district", ""),
        )
        if info is None:
            if len(self.loader.consumers) < CONSUMER_SAMPLES:
                self.loader.consumers.append(sample)
        elif len(info.contacts) < SAMPLES_PER_ACCOUNT and row.links[0]["is_current"]:
            info.contacts.append(sample)


def _birthday(rng: random.Random, today: date) -> date:
    """A birthday of someone between 23 and 62 years old."""
    return date(today.year - rng.randint(23, 62), rng.randint(1, 12), rng.randint(1, 28))
