"""Finding people who are the same person: normalised keys, blocking keys and a scorer.

Pure functions over plain values (no Django): a ``PersonRecord`` is built from a
contact, a draft form or a CSV row, ``blocking_keys`` says which buckets it falls in
(only records sharing a bucket are ever compared) and ``score_pair`` returns a score
between 0 and 1 with the human-readable reasons behind it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from guanxi.lib.companies import normalize_company, strip_legal_suffix
from guanxi.lib.names import compact, has_cjk, pinyin_of, split_chinese_name
from guanxi.lib.phones import normalize_phone, phone_digits

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Keys remembered per process (pinyin of name parts, parsed phones): a scan scores each
# record against every record it shares a bucket with, so each is asked for many times.
CACHED_KEYS = 1 << 18
_compact = lru_cache(maxsize=CACHED_KEYS)(compact)
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
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
    (without dates of birth and social security ids), see docs/duplicates.md. A weight
    (or a same-email/same-phone score) of 0 ignores that evidence: it neither counts
    nor shows as a reason (how switched-off evidence reaches the scorer)."""

    family_name: float = 3.0
    given_name: float = 2.5
    street: float = 2.0
    city: float = 1.0
    postcode: float = 1.5
    company: float = 1.0
    birth_year: float = 1.0
    same_email_score: float = 0.97
    same_phone_score: float = 0.92
    name_floor: float = 0.0
    # Below this much compared weight the score is scaled down: a name alone is a hint,
    # not proof (张伟 and 张丽娟 share only a family name).
    min_evidence: float = 7.5
    threshold: float = 0.65
    max_block_size: int = 200


DEFAULT_RULES = MatchRules()
# Family and given names this similar (either order, either script) "agree"; a pair
# with a Chinese name whose names do not agree is scaled down by UNNAMED_FACTOR.
NAME_AGREES = 0.85
UNNAMED_FACTOR = 0.5


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


def _text_key(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_NON_WORD.sub(" ", value).split())


def name_parts(record: PersonRecord) -> tuple[str, str]:
    """``(family, given)`` as compact pinyin/latin lower case: 张伟 -> ("zhang", "wei")."""
    family, given = record.family_name, record.given_name
    if not family and not given and record.name:
        family, given = split_chinese_name(record.name)
    return _compact(family) if family else "", _compact(given) if given else ""


def name_key(record: PersonRecord) -> str:
    """Order-free name key: the sorted compact parts (``wei zhang`` for both orders)."""
    return " ".join(sorted(part for part in name_parts(record) if part))


def postcode_key(postcode: str) -> str:
    return _text_key(postcode).replace(" ", "")


# -- similarity ----------------------------------------------------------------------


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] (1 for equal strings, 0 if either is empty)."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_flags = [False] * len(a)
    b_flags = [False] * len(b)
    matches = 0
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_flags[j] and b[j] == char:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_matched = [c for c, flag in zip(a, a_flags, strict=True) if flag]
    b_matched = [c for c, flag in zip(b, b_flags, strict=True) if flag]
    transpositions = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def _similar(a: str, b: str, floor: float = 0.0) -> float:
    """Similarity, 0 below ``floor`` (a different word, not a typo); -1 if either is unknown."""
    if not a or not b:
        return -1.0
    similarity = jaro_winkler(a, b)
    return similarity if similarity >= floor else 0.0


# -- blocking ------------------------------------------------------------------------


def blocking_keys(record: PersonRecord, region: str = "CN") -> set[str]:
    """The buckets a record falls in; two records are compared only if they share one."""
    keys = {f"e:{email_key(email)}" for email in record.emails if email.strip()}
    for phone in record.phones:
        digits = phone_key(phone, region)
        if len(digits) >= 7:
            keys.add(f"p:{digits[-9:]}")
    family, given = name_parts(record)
    postcode = postcode_key(record.postcode)
    city = _text_key(record.city)
    if family:
        keys.add(f"fg:{family[:4]}|{given[:1]}")
        if postcode:
            keys.add(f"fp:{family[:2]}|{postcode}")
        if record.birth_year:
            keys.add(f"fy:{family}|{given[:1]}|{record.birth_year}")
        if city:
            keys.add(f"fc:{family}|{given[:1]}|{city}")
    if given:
        keys.add(f"gf:{given[:4]}|{family[:1]}")
        if postcode:
            keys.add(f"gp:{given[:2]}|{postcode}")
    if family and given:
        # Either order: "Wei Zhang" and "Zhang Wei" share this bucket.
        keys.add("n:" + "|".join(sorted((family[:3], given[:3]))))
    if city:
        if family:
            keys.add(f"fct:{family[:3]}|{city}")
        if given:
            keys.add(f"gct:{given[:3]}|{city}")
    street = _text_key(record.street)
    if street and postcode:
        keys.add(f"sp:{street[:6]}|{postcode[:2]}")
    if street and city:
        keys.add(f"sc:{street[:6]}|{city[:3]}")
    company = normalize_company(record.company) if record.company else ""
    if company and family:
        keys.add(f"c:{compact(company)}|{family[:1]}")
    return keys


def candidate_pairs(
    records: list[PersonRecord], rules: MatchRules = DEFAULT_RULES, region: str = "CN"
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``i < j`` that share a bucket; oversized buckets are
    skipped so the work stays near-linear in the number of records."""
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for key in blocking_keys(record, region):
            blocks.setdefault(key, []).append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > rules.max_block_size:
            continue
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                pairs.add((first, second) if first < second else (second, first))
    return pairs


# -- scoring -------------------------------------------------------------------------


@dataclass
class MatchResult:
    """A score in [0, 1] and the reasons a person would give for it."""

    score: float
    reasons: list[str] = field(default_factory=list)

    def is_match(self, rules: MatchRules = DEFAULT_RULES) -> bool:
        return self.score >= rules.threshold


def _display_name(record: PersonRecord) -> str:
    if record.name:
        return record.name
    if has_cjk(record.family_name):
        return f"{record.family_name}{record.given_name}"
    return " ".join(part for part in (record.given_name, record.family_name) if part)


def _name_reason(
    a: PersonRecord, b: PersonRecord, family_sim: float, given_sim: float, agree: float
) -> str:
    if family_sim >= 0.999 and given_sim >= 0.999:
        shown_a, shown_b = _display_name(a), _display_name(b)
        return f"same name {shown_a}" if shown_a == shown_b else f"name {shown_a} = {shown_b}"
    if min(family_sim, given_sim) >= agree:
        return f"similar name {_display_name(a)} ~ {_display_name(b)}"
    return ""


def score_pair(
    a: PersonRecord, b: PersonRecord, rules: MatchRules = DEFAULT_RULES, region: str = "CN"
) -> MatchResult:
    """How likely ``a`` and ``b`` are the same person, with the reasons."""
    reasons: list[str] = []
    floor = 0.0
    emails_a = {email_key(e) for e in a.emails if e.strip()}
    emails_b = {email_key(e) for e in b.emails if e.strip()}
    if emails_a & emails_b and rules.same_email_score > 0:
        floor = rules.same_email_score
        reasons.append(f"same email {sorted(emails_a & emails_b)[0]}")
    phones_a = {phone_key(p, region) for p in a.phones if phone_digits(p)}
    phones_b = {phone_key(p, region) for p in b.phones if phone_digits(p)}
    shared_phones = {p for p in phones_a & phones_b if len(p) >= 7}
    if shared_phones and rules.same_phone_score > 0:
        floor = max(floor, rules.same_phone_score)
        reasons.append(f"same phone ending {sorted(shared_phones)[0][-4:]}")

    total = weight = 0.0

    def add(similarity: float, field_weight: float) -> None:
        nonlocal total, weight
        if similarity >= 0:
            total += similarity * field_weight
            weight += field_weight

    family_a, given_a = name_parts(a)
    family_b, given_b = name_parts(b)
    cut = rules.name_floor
    straight = (_similar(family_a, family_b, cut), _similar(given_a, given_b, cut))
    swapped = (_similar(family_a, given_b, cut), _similar(given_a, family_b, cut))
    family_sim, given_sim = max(straight, swapped, key=lambda pair: sum(max(s, 0) for s in pair))
    add(family_sim, rules.family_name)
    add(given_sim, rules.given_name)
    # Two names written in characters agree only when they read the same (张伟 = 张玮,
    # an input-method slip): 李梓 and 刘子 are two people, however close li and liu are.
    cjk_a, cjk_b = has_cjk(_display_name(a)), has_cjk(_display_name(b))
    agree = 0.999 if cjk_a and cjk_b else NAME_AGREES
    reason = _name_reason(a, b, family_sim, given_sim, agree)
    if reason and (rules.family_name > 0 or rules.given_name > 0):
        reasons.append(reason)

    street_sim = _similar(_text_key(a.street), _text_key(b.street))
    add(street_sim, rules.street)
    if street_sim >= 0.95 and rules.street > 0:
        reasons.append("same address")
    city_sim = _similar(_text_key(a.city), _text_key(b.city))
    add(city_sim, rules.city)
    postcode_a, postcode_b = postcode_key(a.postcode), postcode_key(b.postcode)
    if postcode_a and postcode_b:
        add(jaro_winkler(postcode_a, postcode_b), rules.postcode)
        if postcode_a == postcode_b and rules.postcode > 0:
            reasons.append(f"same postcode {postcode_a}")
    company_a = normalize_company(a.company) if a.company else ""
    company_b = normalize_company(b.company) if b.company else ""
    company_sim = _similar(compact(company_a), compact(company_b))
    add(company_sim, rules.company)
    if company_sim >= 0.999 and rules.company > 0:
        reasons.append(f"same company {strip_legal_suffix(a.company)}")
    if a.birth_year and b.birth_year:
        add(1.0 if a.birth_year == b.birth_year else 0.0, rules.birth_year)
        if a.birth_year == b.birth_year and rules.birth_year > 0:
            reasons.append(f"same birth year {a.birth_year}")

    soft = total / weight * min(1.0, weight / rules.min_evidence) if weight else 0.0
    if (cjk_a or cjk_b) and min(family_sim, given_sim) < agree:
        # A Chinese name is written the same way each time, and a few family names are
        # shared by most people: unless the names agree, address, city, postcode and
        # company only add to a shared email or phone. A common family name in the same
        # city and a look-alike street ("X路N号") would otherwise pass for one person.
        soft *= UNNAMED_FACTOR
    return MatchResult(score=round(max(soft, floor), 4), reasons=reasons)


__all__ = [
    "DEFAULT_RULES",
    "MatchResult",
    "MatchRules",
    "PersonRecord",
    "blocking_keys",
    "candidate_pairs",
    "email_key",
    "jaro_winkler",
    "name_key",
    "name_parts",
    "phone_key",
    "pinyin_of",
    "score_pair",
]
