"""Blocking for the person matcher: which records are worth comparing at all.

``blocking_keys`` names the buckets a record falls in (an email, a phone, name parts
with a city or postcode, a street, a company); ``candidate_pairs`` pairs the records
sharing a bucket. A bucket larger than ``MatchRules.max_block_size`` (a common name in a
big city) is not paired all-with-all: its records are sorted by name, city and street
and each is paired with its next ``WINDOW`` neighbours, so the number of pairs grows
linearly with the records however common a name is.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

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
    return set(feature_pairs([features(record, region) for record in records], rules))


# Pairs handed out per slice of the sorted pair codes (a scan of a million contacts has
# tens of millions of candidate pairs: as Python tuples all at once they took gigabytes).
PAIR_SLICE = 100_000


def feature_pairs(
    found: list[Features], rules: MatchRules = DEFAULT_RULES
) -> Iterator[tuple[int, int]]:
    """``candidate_pairs`` of records' ``features``, each pair once, in index order."""
    codes = pair_codes(found, rules)
    size = max(len(found), 1)
    for start in range(0, len(codes), PAIR_SLICE):
        part = codes[start : start + PAIR_SLICE]
        yield from zip((part // size).tolist(), (part % size).tolist(), strict=True)


def pair_codes(found: list[Features], rules: MatchRules = DEFAULT_RULES) -> npt.NDArray[np.int64]:
    """The candidate pairs as sorted, distinct codes ``i * len(found) + j`` (``i < j``):
    eight bytes a pair. Buckets of one size are paired all at once (all-with-all up to
    ``max_block_size``); larger ones by their neighbours in the two orders."""
    # Most buckets hold one record (an email, a phone): a bucket is its key's hash (two
    # keys of one hash only share a bucket: more pairs to score, none lost) and its one
    # member until a second comes.
    blocks: dict[int, int | list[int]] = {}
    for index, record in enumerate(found):
        for key in feature_keys(record):
            bucket = hash(key)
            held = blocks.get(bucket)
            if held is None:
                blocks[bucket] = index
            elif isinstance(held, int):
                blocks[bucket] = [held, index]
            else:
                held.append(index)
    size = len(found)
    by_size: dict[int, list[list[int]]] = {}
    orders: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    codes: list[npt.NDArray[np.int64]] = []
    for members in blocks.values():
        if isinstance(members, int):
            continue
        if len(members) <= rules.max_block_size:
            by_size.setdefault(len(members), []).append(members)
            continue
        for index in members:
            if index not in orders:
                orders[index] = _orders(found[index])
        for which in (0, 1):
            ranked = np.array(sorted(members, key=lambda i: orders[i][which]), dtype=np.int64)
            for step in range(1, WINDOW + 1):
                codes.append(_codes(ranked[:-step], ranked[step:], size))
    del blocks
    for count, buckets in by_size.items():
        table = np.array(buckets, dtype=np.int64)
        first, second = np.triu_indices(count, 1)
        codes.append(_codes(table[:, first].ravel(), table[:, second].ravel(), size))
    if not codes:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(codes))


def _codes(
    one: npt.NDArray[np.int64], other: npt.NDArray[np.int64], size: int
) -> npt.NDArray[np.int64]:
    return np.minimum(one, other) * size + np.maximum(one, other)


__all__ = [
    "WINDOW",
    "blocking_keys",
    "candidate_pairs",
    "feature_keys",
    "feature_pairs",
    "pair_codes",
]
