"""Blocking for the person matcher: which records are worth comparing at all.

``blocking_keys`` names the buckets a record falls in (an email, a phone, name parts
with a city or postcode, a street, a company); ``candidate_pairs`` pairs the records
sharing a bucket. A bucket larger than ``MatchRules.max_block_size`` (a common name in a
big city) is not paired all-with-all: its records are sorted by name, city and street
and each is paired with its next ``WINDOW`` neighbours, so the number of pairs grows
linearly with the records however common a name is.
"""

from __future__ import annotations

from guanxi.lib.companies import normalize_company
from guanxi.lib.matching import (
    DEFAULT_RULES,
    MatchRules,
    PersonRecord,
    compact_key,
    email_key,
    name_key,
    name_parts,
    phone_key,
    postcode_key,
    text_key,
)


def blocking_keys(record: PersonRecord, region: str = "CN") -> set[str]:
    """The buckets a record falls in; two records are compared only if they share one."""
    keys = {f"e:{email_key(email)}" for email in record.emails if email.strip()}
    for phone in record.phones:
        digits = phone_key(phone, region)
        if len(digits) >= 7:
            keys.add(f"p:{digits[-9:]}")
    family, given = name_parts(record)
    postcode = postcode_key(record.postcode)
    city = text_key(record.city)
    if family:
        keys.add(f"fg:{family[:4]}|{given[:1]}")
        if postcode:
            keys.add(f"fp:{family[:2]}|{postcode}")
        if record.birth_year:
            keys.add(f"fy:{family}|{given[:1]}|{record.birth_year}")
        if city:
            keys.add(f"fc:{family}|{given[:1]}|{city}")
    if given:
        # A typo inside the family name (Smith / Smyth) meets here.
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
    street = text_key(record.street)
    if street and postcode:
        keys.add(f"sp:{street[:6]}|{postcode[:2]}")
    if street and city:
        keys.add(f"sc:{street[:6]}|{city[:3]}")
    company = normalize_company(record.company) if record.company else ""
    if company and family:
        keys.add(f"c:{compact_key(company)}|{family[:1]}")
    return keys


def _orders(record: PersonRecord) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two orders an oversized bucket is read in: by name, then city and street;
    and by street and city, then name (Jon Smith and Jonathan Smith of one street can be
    many names apart in a bucket of Smiths, but are next to each other by address)."""
    name, city, street = name_key(record), text_key(record.city), text_key(record.street)
    return (name, city, street), (street, city, name)


# Members of an oversized bucket are compared with this many neighbours each in each of
# the two orders (sorted neighbourhood, two passes): the work stays linear however common
# the name, and records that read or live alike still meet.
WINDOW = 8


def candidate_pairs(
    records: list[PersonRecord], rules: MatchRules = DEFAULT_RULES, region: str = "CN"
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``i < j`` that share a bucket. Within a bucket larger
    than ``max_block_size`` only neighbours are paired (``WINDOW`` each, in name order
    and in address order), so the work grows linearly with the number of records."""
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for key in blocking_keys(record, region):
            blocks.setdefault(key, []).append(index)
    orders: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    pairs: set[tuple[int, int]] = set()

    def pair_neighbours(members: list[int], reach: int) -> None:
        for position, first in enumerate(members):
            for second in members[position + 1 : position + 1 + reach]:
                pairs.add((first, second) if first < second else (second, first))

    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= rules.max_block_size:
            pair_neighbours(members, len(members))
            continue
        for index in members:
            if index not in orders:
                orders[index] = _orders(records[index])
        for which in (0, 1):
            pair_neighbours(sorted(members, key=lambda i: orders[i][which]), WINDOW)
    return pairs


__all__ = ["WINDOW", "blocking_keys", "candidate_pairs"]
