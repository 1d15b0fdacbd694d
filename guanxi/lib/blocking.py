"""Blocking for the person matcher: which records are worth comparing at all.

``blocking_keys`` names the buckets a record falls in (an email, a phone, name parts
with a city or postcode, a street, a company); ``candidate_pairs`` pairs the records
sharing a bucket. A bucket larger than ``MatchRules.max_block_size`` (a common name in a
big city) is not paired all-with-all: its records are sorted by name, city and street
and each is paired with its next ``WINDOW`` neighbours, so the number of pairs grows
linearly with the records however common a name is.
"""

from __future__ import annotations

from guanxi.lib.matching import DEFAULT_RULES, Features, MatchRules, PersonRecord, features


def blocking_keys(record: PersonRecord, region: str = "CN") -> set[str]:
    """The buckets a record falls in; two records are compared only if they share one."""
    return feature_keys(features(record, region))


def feature_keys(found: Features) -> set[str]:
    """``blocking_keys`` of a record's ``features`` (a scan works them out once)."""
    keys = {f"e:{email}" for email in found.emails}
    keys.update(f"p:{digits[-9:]}" for digits in found.phones if len(digits) >= 7)
    family, given = found.family, found.given
    postcode, city = found.postcode, found.city
    if family:
        keys.add(f"fg:{family[:4]}|{given[:1]}")
        if postcode:
            keys.add(f"fp:{family[:2]}|{postcode}")
        if found.birth_year:
            keys.add(f"fy:{family}|{given[:1]}|{found.birth_year}")
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
    street = found.street
    if street and postcode:
        keys.add(f"sp:{street[:6]}|{postcode[:2]}")
    if street and city:
        keys.add(f"sc:{street[:6]}|{city[:3]}")
    if found.company and family:
        keys.add(f"c:{found.company}|{family[:1]}")
    return keys


def _orders(found: Features) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two orders an oversized bucket is read in: by name, then city and street;
    and by street and city, then name (Jon Smith and Jonathan Smith of one street can be
    many names apart in a bucket of Smiths, but are next to each other by address)."""
    name = " ".join(sorted(part for part in (found.family, found.given) if part))
    return (name, found.city, found.street), (found.street, found.city, name)


# Members of an oversized bucket are compared with this many neighbours each in each of
# the two orders (sorted neighbourhood, two passes): the work stays linear however common
# the name, and records that read or live alike still meet.
WINDOW = 4


def candidate_pairs(
    records: list[PersonRecord], rules: MatchRules = DEFAULT_RULES, region: str = "CN"
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``i < j`` that share a bucket. Within a bucket larger
    than ``max_block_size`` only neighbours are paired (``WINDOW`` each, in name order
    and in address order), so the work grows linearly with the number of records."""
    return feature_pairs([features(record, region) for record in records], rules)


def feature_pairs(found: list[Features], rules: MatchRules = DEFAULT_RULES) -> set[tuple[int, int]]:
    """``candidate_pairs`` of records' ``features``."""
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(found):
        for key in feature_keys(record):
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
                orders[index] = _orders(found[index])
        for which in (0, 1):
            pair_neighbours(sorted(members, key=lambda i: orders[i][which]), WINDOW)
    return pairs


__all__ = ["WINDOW", "blocking_keys", "candidate_pairs", "feature_keys", "feature_pairs"]
