"""Matching accounts: company names with the legal form stripped, website domains and
phones (those of the account's contacts: an account has none of its own).

Pure functions over ``CompanyRecord`` (no database), blocked like the contact matcher so
only accounts sharing a bucket are compared."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from guanxi.lib.companies import normalize_company
from guanxi.lib.matching import MatchResult, jaro_winkler, phone_key

# Above this, two accounts are suggested as one company.
THRESHOLD = 0.85
MAX_BLOCK_SIZE = 200
SAME_NAME = 0.95
SAME_DOMAIN = 0.93
SAME_PHONE = 0.86
# Below this name similarity a different name is not a typo (and is not a reason).
SIMILAR_NAME = 0.92
# A similar name in another province is often a branch with its own account.
PROVINCE_PENALTY = 0.1
# Web mail and site builders say nothing about who a company is.
SHARED_DOMAINS = frozenset(
    {"qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "wixsite.com"}
)


HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class CompanyRules:
    """What each piece of evidence is worth and the threshold (the defaults are the
    constants above). A score of 0 switches that evidence off; ``province_penalty`` 0
    ignores provinces."""

    same_name: float = SAME_NAME
    similar_name: float = SIMILAR_NAME
    same_domain: float = SAME_DOMAIN
    same_phone: float = SAME_PHONE
    province_penalty: float = PROVINCE_PENALTY
    threshold: float = THRESHOLD
    max_block_size: int = MAX_BLOCK_SIZE


DEFAULT_COMPANY_RULES = CompanyRules()


@dataclass(frozen=True)
class CompanyRecord:
    key: int = 0
    name: str = ""
    website: str = ""
    phones: tuple[str, ...] = field(default_factory=tuple)
    province: str = ""
    city: str = ""


def name_key(name: str) -> str:
    """华为技术有限公司, 华为技术 (中国) 有限公司 → 华为技术; "ACME Co., Ltd." → acme."""
    return normalize_company(name or "").replace(" ", "")


def domain_key(website: str) -> str:
    """https://www.Huawei.com/cn/ → huawei.com; '' for no site or a shared host."""
    text = (website or "").strip().lower()
    if not text:
        return ""
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    host = re.sub(r"^(www\d?|m)\.", "", host)
    return "" if host in SHARED_DOMAINS or "." not in host else host


def phone_keys(record: CompanyRecord) -> set[str]:
    keys = set()
    for phone in record.phones:
        digits = phone_key(phone)
        if len(digits) >= 7:
            keys.add(digits[-9:])
    return keys


def blocking_keys(record: CompanyRecord) -> set[str]:
    keys = set()
    name = name_key(record.name)
    if name:
        keys.add(f"n:{name}")
        prefix = name[:2] if HAN.match(name) else name[:4]
        keys.add(f"p:{prefix}")
    domain = domain_key(record.website)
    if domain:
        keys.add(f"d:{domain}")
    keys |= {f"t:{phone}" for phone in phone_keys(record)}
    return keys


def candidate_pairs(
    records: list[CompanyRecord], rules: CompanyRules = DEFAULT_COMPANY_RULES
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, sharing a bucket; oversized buckets skipped."""
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for key in blocking_keys(record):
            blocks.setdefault(key, []).append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if 2 <= len(members) <= rules.max_block_size:
            for position, first in enumerate(members):
                for second in members[position + 1 :]:
                    pairs.add((first, second))
    return pairs


def score_pair(
    a: CompanyRecord, b: CompanyRecord, rules: CompanyRules = DEFAULT_COMPANY_RULES
) -> MatchResult:
    """A score in [0, 1] with the reasons: the same or a very similar name (legal form
    ignored), the same website domain, a shared phone; several of them together score
    higher than any one (1 - the product of their complements). Similar names in
    different provinces count less (a branch is often its own account)."""
    evidence: list[float] = []
    reasons: list[str] = []
    key_a, key_b = name_key(a.name), name_key(b.name)
    name_score = 0.0
    names_count = rules.same_name > 0
    if names_count and key_a and key_a == key_b:
        name_score = rules.same_name
        reasons.append(f"same name {key_a} ({a.name} = {b.name})")
    elif names_count and key_a and key_b:
        similarity = jaro_winkler(key_a, key_b)
        if similarity >= rules.similar_name:
            name_score = similarity * rules.same_name
            reasons.append(f"similar name {a.name} ~ {b.name}")
    different_provinces = a.province and b.province and a.province != b.province
    if name_score and different_provinces and rules.province_penalty > 0:
        name_score = max(name_score - rules.province_penalty, 0.0)
        reasons.append(f"different provinces {a.province} / {b.province}")
    if name_score:
        evidence.append(name_score)
    domain = domain_key(a.website)
    if rules.same_domain > 0 and domain and domain == domain_key(b.website):
        evidence.append(rules.same_domain)
        reasons.append(f"same website {domain}")
    shared = sorted(phone_keys(a) & phone_keys(b))
    if rules.same_phone > 0 and shared:
        evidence.append(rules.same_phone)
        reasons.append(f"same phone ending {shared[0][-4:]}")
    missing = 1.0
    for value in evidence:
        missing *= 1.0 - value
    return MatchResult(round(1.0 - missing, 4) if evidence else 0.0, reasons)
