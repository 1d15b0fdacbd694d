"""Finding people who are the same person: normalised keys, blocking keys and a scorer.

Pure functions over plain values (no Django): a ``PersonRecord`` is built from a
contact, a draft form or a CSV row, ``blocking_keys`` says which buckets it falls in
(only records sharing a bucket are ever compared) and ``score_pair`` returns a score
between 0 and 1 with the human-readable reasons behind it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish

from guanxi.lib.companies import normalize_company, strip_legal_suffix
from guanxi.lib.names import compact, has_cjk, pinyin_of, split_chinese_name
from guanxi.lib.phones import normalize_phone, phone_digits

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Keys remembered per process (pinyin of name parts, parsed phones): a scan scores each
# record against every record it shares a bucket with, so each is asked for many times.
CACHED_KEYS = 1 << 18
compact_key = lru_cache(maxsize=CACHED_KEYS)(compact)
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What is known about one person, as typed; every field may be empty."""

    key: object = None
    name: str = ""
    given_name: str = ""
    family_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    company: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    birth_year: int | None = None


@dataclass(frozen=True)
class MatchRules:
    """Weights of the evidence and the threshold; the defaults were tuned on FEBRL 4
    (without dates of birth and social security ids) and on synthetic Chinese and Western
    contacts with planted duplicates, see docs/duplicates.md. A weight
    (or a same-email/same-phone score) of 0 ignores that evidence: it neither counts
    nor shows as a reason (how switched-off evidence reaches the scorer)."""

    family_name: float = 3.0
    given_name: float = 2.5
    street: float = 2.0
    city: float = 1.0
    postcode: float = 1.5
    company: float = 1.0
    birth_year: float = 1.0
    # Both sides have emails (phones) and none is shared: evidence of two people, as
    # much as this weight of disagreeing fields (people do have a second address, so
    # less than a name).
    different_email: float = 3.0
    different_phone: float = 3.0
    same_email_score: float = 0.97
    same_phone_score: float = 0.92
    name_floor: float = 0.0
    # Below this much compared weight the score is scaled down: a name alone is a hint,
    # not proof (张伟 and 张丽娟 share only a family name).
    min_evidence: float = 7.5
    threshold: float = 0.6
    max_block_size: int = 16


DEFAULT_RULES = MatchRules()
# Family and given names this similar (either order, either script) "agree"; a pair
# with a Chinese name whose names do not agree is scaled down by UNNAMED_FACTOR.
NAME_AGREES = 0.85
UNNAMED_FACTOR = 0.5
# Street and city similarities below ADDRESS_FLOOR, postcodes below POSTCODE_FLOOR and
# company names below COMPANY_FLOOR count as disagreement: two different streets share
# letters ("X路N号", "12 high st" and "3 kent st") without being one address, and two
# companies named after the same pattern ("宏图188实业", "同创1098实业") are two companies.
# Two streets with different house numbers disagree too (中山路153号 and 中山路714号
# share a road, not a door; every Chinese city has a 中山路).
ADDRESS_FLOOR = 0.7
POSTCODE_FLOOR = 0.9
COMPANY_FLOOR = 0.85
# A six-digit (Chinese) postcode names the delivery office with every digit: 610031 and
# 610631 are two districts, so only equal ones agree. Other postcodes allow a typo.
EXACT_POSTCODE_LENGTH = 6
_DIGITS = re.compile(r"\d+")
# Jaro-Winkler reaches 0.999 only for equal strings of fewer than 200 characters (an
# unmatched or transposed character costs at least 0.2 / length of it): two names this
# short written in characters agree only when they are equal, in one order or the other.
_EQUAL_TO_AGREE = 100


# -- normalised keys -----------------------------------------------------------------


def email_key(email: str) -> str:
    """Lower case; for Gmail also without dots and ``+tags`` in the local part."""
    value = unicodedata.normalize("NFKC", email).strip().lower()
    local, at, domain = value.rpartition("@")
    if not at:
        return value
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


@lru_cache(maxsize=CACHED_KEYS)
def phone_key(phone: str, region: str = "CN") -> str:
    """E.164 digits without the ``+`` when the number parses, else its bare digits
    (remembered: a scan asks for each record's phones once per pair it is in)."""
    try:
        return normalize_phone(phone, region)[1:]
    except ValueError:
        return phone_digits(phone)


def text_key(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_NON_WORD.sub(" ", value).split())


def name_parts(record: PersonRecord) -> tuple[str, str]:
    """``(family, given)`` as compact pinyin/latin lower case: 张伟 -> ("zhang", "wei")."""
    family, given = record.family_name, record.given_name
    if not family and not given and record.name:
        family, given = split_chinese_name(record.name)
    return compact_key(family) if family else "", compact_key(given) if given else ""


def name_key(record: PersonRecord) -> str:
    """Order-free name key: the sorted compact parts (``wei zhang`` for both orders)."""
    return " ".join(sorted(part for part in name_parts(record) if part))


def postcode_key(postcode: str) -> str:
    return text_key(postcode).replace(" ", "")


# -- similarity ----------------------------------------------------------------------


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] (1 for equal strings, 0 if either is empty)."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    return float(jellyfish.jaro_winkler_similarity(a, b))


def _similar(a: str, b: str, floor: float = 0.0) -> float:
    """Similarity, 0 below ``floor`` (a different word, not a typo); -1 if either is unknown."""
    if not a or not b:
        return -1.0
    similarity = jaro_winkler(a, b)
    return similarity if similarity >= floor else 0.0


def _street_similarity(a: Features, b: Features) -> float:
    similarity = _similar(a.street, b.street, ADDRESS_FLOOR)
    if similarity > 0 and a.house_numbers and b.house_numbers:
        # A unit or room number more on one side is the same door (中山路153号2单元301室
        # and 中山路153号); numbers neither side has all of are two doors.
        one, other = set(a.house_numbers), set(b.house_numbers)
        if not (one <= other or other <= one):
            return 0.0
    return similarity


def _postcode_similarity(a: str, b: str) -> float:
    if len(a) == len(b) == EXACT_POSTCODE_LENGTH and a.isdigit() and b.isdigit():
        return 1.0 if a == b else 0.0
    return _similar(a, b, POSTCODE_FLOOR)


# -- what the scorer compares ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Features:
    """A record's normalised keys, worked out once per record (``features``) and compared
    against every record it shares a bucket with."""

    emails: frozenset[str]
    phones: frozenset[str]
    family: str
    given: str
    display: str
    cjk: bool
    street: str
    house_numbers: tuple[str, ...]
    city: str
    postcode: str
    company: str
    company_label: str
    birth_year: int | None
    # How many of the records compared with each other bear this very name (see
    # ``name_counts``); 1 when unknown.
    name_count: int = 1
    # The two name parts in sorted order (either order compares equal), None when a
    # part is too long for equality to stand for agreement (see ``could_match``).
    spelled: tuple[str, str] | None = None


def _display_name(record: PersonRecord) -> str:
    if record.name:
        return record.name
    if has_cjk(record.family_name):
        return f"{record.family_name}{record.given_name}"
    return " ".join(part for part in (record.given_name, record.family_name) if part)


def features(
    record: PersonRecord, region: str = "CN", name_count: int = 1, *, stored_phones: bool = False
) -> Features:
    """What ``score_pair`` compares of ``record`` (``name_count``: see ``name_counts``).
    ``stored_phones``: the phones are E.164 as the services store them (valid numbers,
    written by ``normalize_phone``), so their key is the number without the ``+``: a
    scan of a million contacts then parses no phone number again."""
    family, given = name_parts(record)
    display = _display_name(record)
    street = text_key(record.street)
    company = normalize_company(record.company) if record.company else ""
    return Features(
        emails=frozenset(email_key(e) for e in record.emails if e.strip()),
        phones=frozenset(
            p[1:] if stored_phones and _is_e164(p) else phone_key(p, region)
            for p in record.phones
            if phone_digits(p)
        ),
        family=family,
        given=given,
        display=display,
        cjk=has_cjk(display),
        street=street,
        house_numbers=tuple(_DIGITS.findall(street)),
        city=text_key(record.city),
        postcode=postcode_key(record.postcode),
        company=compact_key(company) if company else "",
        company_label=strip_legal_suffix(record.company) if record.company else "",
        birth_year=record.birth_year,
        name_count=name_count,
        spelled=(min(family, given), max(family, given))
        if max(len(family), len(given)) < _EQUAL_TO_AGREE
        else None,
    )


def _is_e164(phone: str) -> bool:
    return phone.startswith("+") and phone[1:].isascii() and phone[1:].isdigit()


def name_counts(records: Sequence[PersonRecord]) -> list[int]:
    """For each record, how many of ``records`` bear its name (``name_key``: either order,
    either script); 0 for a record with no name. A scan asks this of every contact."""
    return key_counts([name_key(record) for record in records])


def key_counts(keys: Sequence[str]) -> list[int]:
    """``name_counts`` on name keys already worked out (0 for an empty key)."""
    counts = Counter(keys)
    return [counts[key] if key else 0 for key in keys]


def name_weight_share(name_count: int) -> float:
    """The share of the name weights a name shared by ``name_count`` records keeps when it
    agrees: all of it for a name only the two records carry, less the more people bear it
    (张伟 in a million contacts says little; a rare name says much)."""
    return 1.0 if name_count <= 2 else 1.0 / (1.0 + math.log(name_count - 1))


# -- scoring -------------------------------------------------------------------------


@dataclass
class MatchResult:
    """A score in [0, 1] and the reasons a person would give for it."""

    score: float
    reasons: list[str] = field(default_factory=list)

    def is_match(self, rules: MatchRules = DEFAULT_RULES) -> bool:
        return self.score >= rules.threshold


def _name_reason(
    a: Features, b: Features, family_sim: float, given_sim: float, agree: float
) -> str:
    if family_sim >= 0.999 and given_sim >= 0.999:
        shown_a, shown_b = a.display, b.display
        return f"same name {shown_a}" if shown_a == shown_b else f"name {shown_a} = {shown_b}"
    if min(family_sim, given_sim) >= agree:
        return f"similar name {a.display} ~ {b.display}"
    return ""


def _name_similarities(a: Features, b: Features, cut: float) -> tuple[float, float]:
    """``(family, given)`` similarity in the order (as written or swapped) that agrees more."""
    straight = (_similar(a.family, b.family, cut), _similar(a.given, b.given, cut))
    swapped = (_similar(a.family, b.given, cut), _similar(a.given, b.family, cut))
    return max(straight, swapped, key=lambda pair: sum(max(s, 0) for s in pair))


def _agree_at(a: Features, b: Features) -> float:
    """How similar names must be to agree. Two names written in characters agree only
    when they read the same (张伟 = 张玮, an input-method slip): 李梓 and 刘子 are two
    people, however close li and liu are."""
    return 0.999 if a.cjk and b.cjk else NAME_AGREES


def score_pair(
    a: PersonRecord, b: PersonRecord, rules: MatchRules = DEFAULT_RULES, region: str = "CN"
) -> MatchResult:
    """How likely ``a`` and ``b`` are the same person, with the reasons."""
    return score_features(features(a, region), features(b, region), rules)


def score_features(a: Features, b: Features, rules: MatchRules = DEFAULT_RULES) -> MatchResult:
    """``score_pair`` on records' ``features`` (a scan works them out once per record)."""
    reasons: list[str] = []
    floor = mismatch = 0.0
    shared_emails = a.emails & b.emails
    if shared_emails and rules.same_email_score > 0:
        floor = rules.same_email_score
        reasons.append(f"same email {sorted(shared_emails)[0]}")
    elif a.emails and b.emails and not shared_emails:
        mismatch += rules.different_email
    shared_phones = {p for p in a.phones & b.phones if len(p) >= 7}
    if shared_phones and rules.same_phone_score > 0:
        floor = max(floor, rules.same_phone_score)
        reasons.append(f"same phone ending {sorted(shared_phones)[0][-4:]}")
    elif a.phones and b.phones and not a.phones & b.phones:
        mismatch += rules.different_phone

    total = weight = 0.0

    def add(similarity: float, field_weight: float) -> None:
        nonlocal total, weight
        if similarity >= 0:
            total += similarity * field_weight
            weight += field_weight

    family_sim, given_sim = _name_similarities(a, b, rules.name_floor)
    agree = _agree_at(a, b)
    reason = _name_reason(a, b, family_sim, given_sim, agree)
    if reason and (rules.family_name > 0 or rules.given_name > 0):
        reasons.append(reason)

    particular = len(reasons)  # the reasons so far; the fields below add theirs
    street_sim = _street_similarity(a, b)
    add(street_sim, rules.street)
    if street_sim >= 0.95 and rules.street > 0:
        reasons.append("same address")
    add(_similar(a.city, b.city, ADDRESS_FLOOR), rules.city)
    if a.postcode and b.postcode:
        add(_postcode_similarity(a.postcode, b.postcode), rules.postcode)
        if a.postcode == b.postcode and rules.postcode > 0:
            reasons.append(f"same postcode {a.postcode}")
    company_sim = _similar(a.company, b.company, COMPANY_FLOOR)
    add(company_sim, rules.company)
    if company_sim >= 0.999 and rules.company > 0:
        reasons.append(f"same company {a.company_label}")
    if a.birth_year and b.birth_year:
        add(1.0 if a.birth_year == b.birth_year else 0.0, rules.birth_year)
        if a.birth_year == b.birth_year and rules.birth_year > 0:
            reasons.append(f"same birth year {a.birth_year}")
    # Names that agree (the same, or a typo apart) and that many people bear, with
    # nothing as particular as an address, a postcode, a company or a birth year agreeing
    # too, count for less, by the commoner of the two (a typo of a common name is rare
    # itself, but says no more than the name; 张伟 of 北京 twice is likely two people;
    # 张伟 of one door, one person).
    share = 1.0
    if min(family_sim, given_sim) >= agree and len(reasons) == particular:
        share = name_weight_share(max(a.name_count, b.name_count))
    add(family_sim, rules.family_name * share)
    add(given_sim, rules.given_name * share)

    # A different email or phone weighs against the fields that agree; only fields that
    # could agree count as evidence (a name and two different phones is not much).
    soft = _soft(total, weight, mismatch, rules)
    if (a.cjk or b.cjk) and min(family_sim, given_sim) < agree:
        # A Chinese name is written the same way each time, and a few family names are
        # shared by most people: unless the names agree, address, city, postcode and
        # company only add to a shared email or phone. A common family name in the same
        # city and a look-alike street ("X路N号") would otherwise pass for one person.
        soft *= UNNAMED_FACTOR
    return MatchResult(score=round(max(soft, floor), 4), reasons=reasons)


def could_match(a: Features, b: Features, rules: MatchRules = DEFAULT_RULES) -> bool:
    """False only when ``score_features(a, b, rules)`` is surely below the threshold: the
    score worked out with the cheap fields as scored and the others (the city, the
    company; at first the names too) as if they agreed. A scan meets millions of pairs
    that share a bucket, most of them two people of one family name in one city; this
    rules them out for a fraction of the price of scoring them."""
    if not (a.emails.isdisjoint(b.emails) and a.phones.isdisjoint(b.phones)):
        return True  # a shared email or phone gives the score a floor
    # The score is rounded to four places, and its sums are added in another order
    # than here (a few units in the last place apart): room for both.
    threshold = rules.threshold - 0.00005 - 1e-9
    names_differ = a.spelled != b.spelled and a.spelled is not None and b.spelled is not None
    if names_differ and a.cjk and b.cjk and threshold > UNNAMED_FACTOR:
        return False  # names in characters that differ sink the pair
    total = weight = 0.0
    for similarity, field_weight in (
        (_street_similarity(a, b), rules.street),
        (
            _postcode_similarity(a.postcode, b.postcode) if a.postcode and b.postcode else -1.0,
            rules.postcode,
        ),
        (
            float(a.birth_year == b.birth_year) if a.birth_year and b.birth_year else -1.0,
            rules.birth_year,
        ),
        (1.0 if a.city and b.city else -1.0, rules.city),
        (1.0 if a.company and b.company else -1.0, rules.company),
    ):
        if similarity >= 0:
            total += similarity * field_weight
            weight += field_weight
    mismatch = (rules.different_email if a.emails and b.emails else 0.0) + (
        rules.different_phone if a.phones and b.phones else 0.0
    )
    names = rules.family_name + rules.given_name
    if _soft(total + names, weight + names, mismatch, rules) < threshold:
        return False  # not even with the names equal
    family_sim, given_sim = _name_similarities(a, b, rules.name_floor)
    agrees = min(family_sim, given_sim) >= _agree_at(a, b)
    factor = UNNAMED_FACTOR if (a.cjk or b.cjk) and not agrees else 1.0
    shares = (1.0, name_weight_share(max(a.name_count, b.name_count))) if agrees else (1.0,)
    for share in shares:
        named_total, named_weight = total, weight
        for similarity, name_weight in (
            (family_sim, rules.family_name * share),
            (given_sim, rules.given_name * share),
        ):
            if similarity >= 0:
                named_total += similarity * name_weight
                named_weight += name_weight
        if factor * _soft(named_total, named_weight, mismatch, rules) >= threshold:
            return True
    return False


def _soft(total: float, weight: float, mismatch: float, rules: MatchRules) -> float:
    """The score of the fields compared (``total`` of ``weight``): a different email or
    phone weighs against them, and below ``min_evidence`` of weight it is scaled down."""
    if not weight:
        return 0.0
    return total / (weight + mismatch) * min(1.0, weight / rules.min_evidence)


__all__ = [
    "DEFAULT_RULES",
    "Features",
    "MatchResult",
    "MatchRules",
    "PersonRecord",
    "compact_key",
    "could_match",
    "email_key",
    "features",
    "jaro_winkler",
    "key_counts",
    "name_counts",
    "name_key",
    "name_parts",
    "phone_key",
    "pinyin_of",
    "postcode_key",
    "score_features",
    "score_pair",
    "text_key",
]
