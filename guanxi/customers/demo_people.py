"""Pure generators of the demo data set: companies, people, phones, emails and addresses.

Everything takes a seeded ``random.Random``, so the same seed gives the same data. Derived
values (display name, pinyin, initials) come from the same helpers the services use.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import phonenumbers

from guanxi.customers import demo_data as data
from guanxi.customers.services.contacts import display_name
from guanxi.lib import companies
from guanxi.lib.names import compact, has_cjk, initials_of, pinyin_of

T = TypeVar("T")

MOBILE_PREFIXES_CN = [f"13{d}" for d in range(10)] + ["150", "151", "152", "153", "155", "156"]
MOBILE_PREFIXES_CN += ["157", "158", "159"] + [f"18{d}" for d in range(10)]
MOBILE_PREFIXES_DE = ("151", "152", "160", "170", "171", "172", "176", "179")
_ASCII_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "'": "", " ": ""})


class Weighted(Generic[T]):
    """A weighted choice prepared once (cumulative weights), drawn many times."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


CHINESE_CITIES = Weighted([(city, city.weight) for city in data.CHINESE_CITIES])
WESTERN_CITIES = Weighted([(city, city.weight) for city in data.WESTERN_CITIES])
INDUSTRIES = Weighted(list(data.INDUSTRY_WEIGHTS.items()))
SIZES = Weighted(data.SIZES)
TIERS = Weighted(data.TIERS)
CHINESE_FORMS = Weighted(data.CHINESE_LEGAL_FORMS)
SURNAMES = Weighted(data.SURNAMES)
WESTERN_FORMS = {country: Weighted(forms) for country, forms in data.LEGAL_FORMS.items()}


def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choices("0123456789", k=count))


def _is_valid(e164: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))


def cn_mobile(rng: random.Random) -> str:
    """A Chinese mobile number (13x / 15x / 18x), E.164."""
    return f"+86{rng.choice(MOBILE_PREFIXES_CN)}{digits(rng, 8)}"


def cn_landline(rng: random.Random, city: data.ChineseCity) -> str:
    """A landline in the city's area code (the subscriber number never starts with 0 or 1)."""
    while True:
        number = f"+86{city.area_code}{rng.randint(2, 8)}{digits(rng, city.local_digits - 1)}"
        if _is_valid(number):
            return number


def western_phone(rng: random.Random, city: data.WesternCity, *, mobile: bool) -> str:
    """A US, UK or German number: in the city's area code, or a mobile of that country."""
    code = data.COUNTRY_CALLING_CODES[city.country]
    while True:
        if mobile and city.country == "GB":
            number = f"+447{rng.randint(4, 9)}{digits(rng, 8)}"
        elif mobile and city.country == "DE":
            number = f"+49{rng.choice(MOBILE_PREFIXES_DE)}{digits(rng, rng.choice((7, 8)))}"
        elif city.country == "US":
            exchange = f"{rng.randint(2, 9)}{digits(rng, 2)}"
            number = f"+1{city.area_code}{exchange}{digits(rng, 4)}"
        else:
            local = f"{rng.randint(2, 9)}{digits(rng, city.local_digits - 1)}"
            number = f"+{code}{city.area_code}{local}"
        if _is_valid(number):
            return number


def western_postcode(rng: random.Random, city: data.WesternCity) -> str:
    """A postcode of the city's shape: ``941##`` -> ``94107``, ``EC# #AB`` -> ``EC2 4LN``."""
    code = "".join(str(rng.randint(1, 9)) if c == "#" else c for c in city.postcode)
    return code.replace("AB", rng.choice(("AB", "DX", "LN", "QT")))


@dataclass
class Company:
    """What an account is made of before it is saved."""

    name: str
    chinese: bool
    country: str
    province: str
    city: str
    industry: str
    size: str
    tier: str
    domain: str
    address: dict[str, Any]
    place: data.ChineseCity | data.WesternCity
    is_group: bool = False


class CompanyMaker:
    """Makes unique company names and web domains."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.domains: set[str] = set()

    def _domain(self, base: str, tld: str, place_word: str) -> str:
        for candidate in (base, f"{place_word}{base}"):
            if f"{candidate}.{tld}" not in self.domains:
                break
        else:
            candidate = next(
                f"{base}{n}" for n in itertools.count(2) if f"{base}{n}.{tld}" not in self.domains
            )
        domain = f"{candidate}.{tld}"
        self.domains.add(domain)
        return domain

    def _brand(self) -> str:
        return "".join(self.rng.sample(data.BRAND_CHARACTERS, 2))

    def chinese(self, *, brand: str | None = None, group: bool = False) -> Company:
        rng = self.rng
        industry = INDUSTRIES.pick(rng)
        words, domain_word, _english = data.INDUSTRIES[industry]
        for attempt in itertools.count():
            city = CHINESE_CITIES.pick(rng)
            brand_now = brand or self._brand()
            if attempt > 20:  # crowded: a three-character brand
                brand_now += rng.choice(data.BRAND_CHARACTERS)
            if attempt > 60:
                brand_now += rng.choice(data.BRAND_CHARACTERS)
            word = rng.choice(words)
            if group:
                name = f"{brand_now}集团{rng.choice(('有限公司', '股份有限公司'))}"
            else:
                name = f"{city.name}{brand_now}{word}{CHINESE_FORMS.pick(rng)}"
            if name not in self.names:
                break
        self.names.add(name)
        base = f"{compact(brand_now)}-{'group' if group else domain_word}"
        domain = self._domain(base, rng.choice(("cn", "com.cn", "com")), compact(city.name))
        building = f"{rng.choice(data.BUILDINGS)}{rng.randint(2, 32)}层"
        address = {
            "kind": "office",
            "country": "CN",
            "province": city.province,
            "city": city.name,
            "district": rng.choice(city.districts),
            "street": f"{rng.choice(data.ROADS)}{rng.randint(1, 999)}号{building}",
            "postcode": f"{city.postcode}{rng.randint(0, 9)}{digits(rng, 2)}",
            "is_primary": True,
        }
        return Company(
            name=name,
            chinese=True,
            country="CN",
            province=city.province,
            city=city.name,
            industry=industry,
            size="1000+" if group else SIZES.pick(rng),
            tier=TIERS.pick(rng),
            domain=domain,
            address=address,
            place=city,
            is_group=group,
        )

    def western(self, *, brand: str | None = None, group: bool = False) -> Company:
        rng = self.rng
        industry = INDUSTRIES.pick(rng)
        _words, _domain_word, english = data.INDUSTRIES[industry]
        for attempt in itertools.count():
            city = WESTERN_CITIES.pick(rng)
            brand_now = brand or rng.choice(data.WESTERN_BRANDS)
            if attempt > 20:  # crowded: a longer brand, then a numbered one
                brand_now += rng.choice(("field", "bridge", "stone", "gate", "wood", "point"))
            if attempt > 40:
                brand_now += f" {rng.randint(2, 99_999)}"
            word = "Holdings" if group else rng.choice(english)
            name = f"{brand_now} {word} {WESTERN_FORMS[city.country].pick(rng)}"
            if name not in self.names:
                break
        self.names.add(name)
        base = f"{brand_now.lower()}-{word.lower()}"
        domain = self._domain(base, data.TOP_LEVEL_DOMAINS[city.country], city.country.lower())
        street = rng.choice(data.WESTERN_STREETS[city.country].split("|"))
        number = rng.randint(1, 240)
        postcode = western_postcode(rng, city)
        address = {
            "kind": "office",
            "country": city.country,
            "province": city.region,
            "city": city.name,
            "district": "",
            "street": f"{street} {number}" if city.country == "DE" else f"{number} {street}",
            "postcode": postcode,
            "is_primary": True,
        }
        return Company(
            name=name,
            chinese=False,
            country=city.country,
            province=city.region,
            city=city.name,
            industry=industry,
            size="1000+" if group else SIZES.pick(rng),
            tier=TIERS.pick(rng),
            domain=domain,
            address=address,
            place=city,
            is_group=group,
        )

    def group(self, *, chinese: bool, subsidiaries: int) -> list[Company]:
        """A parent (华信集团有限公司, Atlas Holdings Ltd.) and subsidiaries of its brand."""
        make = self.chinese if chinese else self.western
        parent = make(group=True)
        brand = (
            parent.name.split("集团")[0] if chinese else companies.strip_legal_suffix(parent.name)
        )
        brand = brand.removesuffix(" Holdings")
        members = [parent]
        for _ in range(subsidiaries):
            member = make(brand=brand)
            member.tier = parent.tier
            members.append(member)
        return members


@dataclass
class Person:
    """A person's names as the services would store them, and their email local part."""

    family_name: str
    given_name: str
    gender: str
    chinese: bool
    full_name: str = ""
    name_pinyin: str = ""
    name_initials: str = ""
    email_local: str = ""

    def __post_init__(self) -> None:
        # Exactly as services.contacts._apply derives them.
        self.full_name = display_name(self.family_name, self.given_name)
        if has_cjk(self.full_name):
            spoken = self.full_name
        else:
            spoken = f"{self.family_name} {self.given_name}".strip()
        self.name_pinyin = pinyin_of(spoken)[:400]
        self.name_initials = initials_of(spoken)[:100]
        if self.chinese:  # wang.fang, ouyang.na
            syllables = self.name_pinyin.split()
            family = len(self.family_name)
            local = f"{''.join(syllables[:family])}.{''.join(syllables[family:])}"
        else:  # emma.clarke, juergen.mueller
            local = f"{self.given_name}.{self.family_name}".lower().translate(_ASCII_FOLD)
        folded = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
        self.email_local = folded


def chinese_person(rng: random.Random) -> Person:
    gender = rng.choice(("male", "female"))
    family = SURNAMES.pick(rng)
    if rng.random() < 0.6:
        given = rng.choice(data.GIVEN_FIRST[gender]) + rng.choice(data.GIVEN_SINGLE[gender])
    else:
        given = rng.choice(data.GIVEN_SINGLE[gender])
    return Person(family_name=family, given_name=given, gender=gender, chinese=True)


def western_person(rng: random.Random, *, german: bool = False) -> Person:
    gender = rng.choice(("male", "female"))
    family = rng.choice(data.WESTERN_FAMILY["DE" if german else "EN"])
    given = rng.choice(data.WESTERN_GIVEN[gender])
    return Person(family_name=family, given_name=given, gender=gender, chinese=False)
