"""Benchmark: importing a contacts CSV through the import pipeline, against a raw COPY.

On its own PostgreSQL database (``IMPORT_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/guanxi_bench_imports``, created UTF-8 / C.UTF-8 when
missing and migrated), writes a CSV of N contacts (``--rows``, 1,000,000 by default;
``--quick`` for 100,000) from ``bench/contact_data.py``: the old system's ID, family and
given name, mobile as people type it, email, company, province, city, street, postcode;
5 % planted duplicates of other rows (same email or phone in another format, or the same
name in pinyin), which the duplicate check should skip. Then, in the same run:

- *raw COPY*: ``COPY staging FROM STDIN (FORMAT csv, HEADER)`` of the same file into a
  plain table of text columns (no validation, no duplicate check);
- *the pipeline*, as a user runs it: upload (``start_import``), map the columns
  (``set_mapping``, duplicates skipped, accounts created for companies), check
  (``dry_run``: the import's own batch path in a rolled-back transaction), import
  (``start_import_job`` then ``run_import``, the background task's work, in batches:
  see ``imports/batch.py``);
- *the same file again* with "link and update" (an updated export imported again, here
  with nothing changed: every row matches the contact it made).

Reports rows/s of each step and the ratio of the pipeline's rows/s to COPY's (goal of
issue 7: ≥ 0.3). ``--profile`` runs the import step under cProfile and adds its top
entries. Writes its section of ``docs/benchmarks.md``.

    .venv/bin/python bench/imports.py [--rows N] [--quick] [--profile] [--no-check] [--no-again]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import platform
import pstats
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/guanxi_bench_imports"
URL = os.environ.get("IMPORT_BENCH_DATABASE_URL", DEFAULT_URL)
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("UPLOAD_MAX_BYTES", str(2**31))  # a 1M-row file is ~100 MB

from contact_data import Generator  # noqa: E402
from contacts_api import ensure_database  # noqa: E402
from write_floor import copy_seconds  # noqa: E402

SECTION = "## Contacts import"
QUERY_SAMPLE = 100  # rows whose queries are counted (Django keeps the last 9,000 queries)
HEADERS = ["编号", "姓", "名", "手机", "邮箱", "公司", "省份", "城市", "地址", "邮编"]
MAPPING = {
    "编号": "external_id",
    "姓": "family_name",
    "名": "given_name",
    "手机": "mobile",
    "邮箱": "email",
    "公司": "company",
    "省份": "province",
    "城市": "city",
    "地址": "street",
    "邮编": "postcode",
}


def write_csv(rows: int, path: Path) -> tuple[int, int]:
    """The file (UTF-8, Chinese headers as a Chinese user's export has them); returns
    its size in bytes and the number of planted duplicates."""
    people = Generator(seed=rows).people(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number, p in enumerate(people, start=1):
            writer.writerow(
                [
                    f"C{number:07d}",
                    p.family_name,
                    p.given_name,
                    p.phone_typed,
                    p.email,
                    p.company,
                    p.province,
                    p.city,
                    p.street,
                    p.postcode,
                ]
            )
    return path.stat().st_size, sum(p.original is not None for p in people)


def raw_copy(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute("DROP TABLE IF EXISTS bench_import_staging")
        cursor.execute(
            "CREATE TABLE bench_import_staging (" + ", ".join(f'"{h}" text' for h in HEADERS) + ")"
        )
        started = time.perf_counter()
        with (
            cursor.copy("COPY bench_import_staging FROM STDIN (FORMAT csv, HEADER true)") as copy,
            open(path, "rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_import_staging")
        print(f"  raw COPY: {cursor.fetchone()[0]:,} rows in {seconds:.2f} s", flush=True)
        cursor.execute("DROP TABLE bench_import_staging")
    return seconds


def reset() -> Any:
    """Empty the contacts, accounts, imports and old-system ids; the importing user."""
    from django.db import connection

    from guanxi.core.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE customers_contact, customers_account, integrations_importjob, "
            "integrations_externalref RESTART IDENTITY CASCADE"
        )
    user, _ = User.objects.get_or_create(
        email="bench.import@guanxi.test", defaults={"full_name": "Bench", "is_superuser": True}
    )
    return user


def pipeline(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    from guanxi.integrations.imports import services
    from guanxi.integrations.imports.models import ImportJob, OnDuplicate

    user = reset()
    times: dict[str, float] = {}
    started = time.perf_counter()
    job = services.start_import(
        actor=user, target="customers.contact", file=path.read_bytes(), filename=path.name
    )
    job = services.set_mapping(
        actor=user,
        job=job,
        mapping=MAPPING,
        options={"on_duplicate": OnDuplicate.SKIP, "create_accounts": True},
    )
    times["upload and map"] = time.perf_counter() - started
    print(f"  upload and map: {times['upload and map']:.1f} s", flush=True)
    checked: dict[str, int] = {}
    if not args.no_check:
        started = time.perf_counter()
        job = services.dry_run(actor=user, job=job)
        times["check (dry run)"] = time.perf_counter() - started
        checked = {"created": job.created_count, "skipped": job.skipped_count}
        checked["error"] = job.error_count
        print(f"  check: {times['check (dry run)']:.1f} s {checked}", flush=True)
    before = _last_ids()
    started = time.perf_counter()
    services.start_import_job(actor=user, job=job)
    profiler = cProfile.Profile() if args.profile else None
    per_row = _CountPerRow(services)
    if profiler:
        profiler.enable()
    done = services.run_import(job.pk)
    if profiler:
        profiler.disable()
    times["import"] = time.perf_counter() - started
    services._import_unit = per_row.real
    job = ImportJob.objects.get(pk=job.pk)
    counts = {
        "created": job.created_count,
        "skipped": job.skipped_count,
        "updated": job.updated_count,
        "error": job.error_count,
    }
    print(f"  import: {times['import']:.1f} s {counts} (done: {done})", flush=True)
    floor = write_floor(before)
    print(f"  write floor: {sum(floor.values()):.2f} s {floor}", flush=True)
    top = ""
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(25)
        out.write("\n")
        stats.sort_stats("tottime").print_stats(15)
        top = _trim(out.getvalue())
    again = None if args.no_again else import_again(path, user)
    return {
        "times": times,
        "counts": counts,
        "checked": checked,
        "profile": top,
        "per_row": per_row.calls,
        "floor": floor,
        "again": again,
    }


def import_again(path: Path, user: Any) -> dict[str, Any]:
    """The same file imported again with "link and update" (an updated export of the
    old system, here with nothing changed): upload, map and import, timed together."""
    from guanxi.integrations.imports import services
    from guanxi.integrations.imports.models import ImportJob, OnDuplicate

    started = time.perf_counter()
    job = services.start_import(
        actor=user, target="customers.contact", file=path.read_bytes(), filename=path.name
    )
    job = services.set_mapping(
        actor=user,
        job=job,
        mapping=MAPPING,
        options={"on_duplicate": OnDuplicate.UPDATE, "create_accounts": True},
    )
    services.start_import_job(actor=user, job=job)
    per_row = _CountPerRow(services)
    services.run_import(job.pk)
    seconds = time.perf_counter() - started
    services._import_unit = per_row.real
    job = ImportJob.objects.get(pk=job.pk)
    counts = {"created": job.created_count, "updated": job.updated_count}
    counts.update(skipped=job.skipped_count, error=job.error_count)
    print(f"  import again (link and update): {seconds:.1f} s {counts}", flush=True)
    return {"seconds": seconds, "counts": counts, "per_row": per_row.calls}


def _last_ids() -> dict[str, int]:
    """The highest id of every table with an integer id, before the import."""
    from django.apps import apps
    from django.db import connection, models

    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
        }
    )
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT '{table}', coalesce(max(id), 0) FROM \"{table}\""  # noqa: S608 (models' tables)
                for table in tables
            )
        )
        return dict(cursor.fetchall())


def write_floor(before: dict[str, int]) -> dict[str, float]:
    """The least any import could spend writing what this one wrote: the rows it added
    to each table (those above the ids of ``before``), read back in binary and written
    again by one ``COPY`` per table into a fresh copy of that table with the same columns,
    defaults and indexes (not its foreign keys, triggers or other rows: a floor on the
    optimistic side). Seconds per table, of the COPY alone."""
    from django.db import connection

    seconds: dict[str, float] = {}
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        for table, last in before.items():
            count = f'SELECT count(*) FROM "{table}" WHERE id > %s'  # noqa: S608 (models' tables)
            cursor.execute(count, [last])
            if not cursor.fetchone()[0]:
                continue
            rows = f'SELECT * FROM "{table}" WHERE id > {int(last)} ORDER BY id'  # noqa: S608
            seconds[table] = copy_seconds(cursor, table, rows)
    return seconds


class _CountPerRow:
    """Counts the rows the batch path leaves to ``import_row`` (``_import_unit``)."""

    def __init__(self, services: Any) -> None:
        self.calls, self.real, self.services = 0, services._import_unit, services
        services._import_unit = self

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.real(*args)


def query_breakdown(path: Path, rows: int) -> tuple[int, list[tuple[str, float]]]:
    """Import the first ``rows`` rows of the file again with every query captured, and
    count the queries per row by kind (verb and table)."""
    import re
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.integrations.imports import services
    from guanxi.integrations.imports.models import OnDuplicate

    with open(path, encoding="utf-8") as handle:
        head = "".join(line for _, line in zip(range(rows + 1), handle, strict=False))
    user = reset()
    job = services.start_import(
        actor=user, target="customers.contact", file=head.encode(), filename="head.csv"
    )
    job = services.set_mapping(
        actor=user, job=job, mapping=MAPPING, options={"on_duplicate": OnDuplicate.SKIP}
    )
    services.start_import_job(actor=user, job=job)
    with CaptureQueriesContext(connection) as captured:
        services.run_import(job.pk)
    kinds: Counter[str] = Counter()
    pattern = re.compile(r'^\s*(\w+)\b.*?\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.S | re.I)
    for query in captured.captured_queries:
        sql = query["sql"]
        found = pattern.match(sql)
        if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            kinds[sql.split('"')[0].strip()] += 1
        elif sql.lstrip().upper().startswith("UPDATE"):
            kinds["UPDATE " + sql.split()[1].strip('"')] += 1
        elif found:
            kinds[f"{found.group(1).upper()} {found.group(2)}"] += 1
        else:
            kinds[sql.split()[0].upper()] += 1
    total = len(captured.captured_queries)
    return total, [(kind, count / rows) for kind, count in kinds.most_common(20)]


def _trim(text: str) -> str:
    """pstats output without its header noise and with paths shortened."""
    keep = []
    for line in text.splitlines():
        if not line.strip() or "function calls" in line or line.strip().startswith("Ordered by"):
            continue
        if "List reduced" in line or "{built-in method builtins.exec}" in line:
            continue
        keep.append(line.replace(str(ROOT) + "/", "").replace(".venv/lib/python3.11/", ""))
    return "\n".join(keep)


def run(args: argparse.Namespace) -> None:
    ensure_database(URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    path = Path(args.file)
    started = time.perf_counter()
    size, planted = write_csv(args.rows, path)
    seconds = time.perf_counter() - started
    print(f"wrote {args.rows:,} rows ({size / 1e6:.1f} MB) in {seconds:.1f} s", flush=True)
    copy_seconds = raw_copy(path)
    result = pipeline(path, args)
    copy_seconds_after = raw_copy(path)  # the machine is shared: COPY before and after
    result["queries"] = query_breakdown(path, min(QUERY_SAMPLE, args.rows))
    path.unlink()
    write_report(args, size, planted, (copy_seconds, copy_seconds_after), result)


def _ratio(value: float) -> str:
    return f"{value:.4f}" if value >= 0.001 else f"{value:.1e}"


def write_report(
    args: argparse.Namespace,
    size: int,
    planted: int,
    copies: tuple[float, float],
    result: dict[str, Any],
) -> None:
    rows = args.rows
    copy_seconds = min(copies)
    copy_rate = rows / copy_seconds
    times = result["times"]
    total = sum(times.values())
    lines = [
        f"{SECTION}: {rows:,} rows ({date.today().isoformat()})",
        "",
        f"Written by `bench/imports.py`. A {size / 1e6:.1f} MB UTF-8 CSV of {rows:,} contacts "
        "(Chinese headers; the old system's ID, name, mobile as typed, email, company, "
        "province, city, street, postcode; "
        f"{planted:,} planted duplicates of other rows) loaded into PostgreSQL twice in the "
        "same run: a raw `COPY` into a staging table of text columns, and the import pipeline "
        "as a user runs it (upload and map, check = dry run, import with duplicates "
        "skipped and accounts created for companies). Goal (issue 7): the pipeline's rows/s "
        "≥ 0.3 × COPY's.",
        "",
        "Contacts are imported a batch at a time (`IMPORT_BATCH_SIZE` rows, default 500; "
        "see *Contacts: a batch at a time* in `docs/import.md`): what the rows read is "
        "fetched once per batch, what they write is saved with `bulk_create`; rows "
        "repeating an earlier row's email, phone or name in the same batch are decided "
        "in memory, and only a few (a new tag, a merge, an ID in the old system an "
        "earlier row of the batch gave, a candidate working at several accounts one of "
        "which an earlier row joined) go through `import_row`: "
        f"**{result['per_row']:,} of "
        f"{rows:,} rows** here. Before the batch path (same file shape, 2,000 rows): "
        "check 28 rows/s, import 17 rows/s, 60 queries per row.",
        "",
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, PostgreSQL on the same machine, shared with other "
        "work at the same time; COPY ran before and after the pipeline "
        f"({copies[0]:.3f} s and {copies[1]:.3f} s), the faster one is the reference.",
        f"- Check: {result['checked'] or 'not run (--no-check)'}; import: {result['counts']}.",
        "",
        "| step | time (s) | rows/s | ratio to COPY |",
        "| --- | ---: | ---: | ---: |",
        f"| raw `COPY` (no validation, no duplicate check) | {copy_seconds:.3f} "
        f"| {copy_rate:,.0f} | 1 |",
    ]
    for step, seconds in times.items():
        lines.append(
            f"| {step} | {seconds:.1f} | {rows / seconds:,.0f} "
            f"| {_ratio(rows / seconds / copy_rate)} |"
        )
    lines.append(
        f"| **pipeline: import alone** | {times['import']:.1f} | {rows / times['import']:,.0f} "
        f"| **{_ratio(rows / times['import'] / copy_rate)}** |"
    )
    lines.append(
        f"| **pipeline: upload, {'check and ' if 'check (dry run)' in times else 'map and '}"
        f"import** | {total:.1f} | {rows / total:,.0f} "
        f"| **{_ratio(rows / total / copy_rate)}** |"
    )
    again = result["again"]
    if again:
        lines.append(
            f"| the same file again, *link and update* (upload, map, import; "
            f"{again['counts']['updated']:,} updated, {again['per_row']:,} rows through "
            f"`import_row`) | {again['seconds']:.1f} | {rows / again['seconds']:,.0f} "
            f"| {_ratio(rows / again['seconds'] / copy_rate)} |"
        )
    floor = result["floor"]
    floor_seconds = sum(floor.values())
    lines.append(
        f"| write floor: what the import wrote, one `COPY` per table | {floor_seconds:.2f} "
        f"| {rows / floor_seconds:,.0f} | {_ratio(rows / floor_seconds / copy_rate)} |"
    )
    slowest = sorted(floor.items(), key=lambda item: -item[1])[:4]
    lines += [
        "",
        "The *write floor* is the least any import of this file could spend writing what "
        "this one wrote, whatever its code: the rows it added to each table, read back "
        "and written again by one binary `COPY` per table into an empty copy of that "
        "table with the same columns, defaults and indexes (no foreign keys, triggers, "
        f"nor the rows already there: optimistic). {len(floor)} tables, "
        f"{floor_seconds:.2f} s in all, the slowest "
        + ", ".join(f"`{table}` {seconds:.2f} s" for table, seconds in slowest)
        + f". Import ÷ floor: {times['import'] / floor_seconds:.1f}× the time. Against "
        "the raw COPY of the file the floor itself is at "
        f"{_ratio(rows / floor_seconds / copy_rate)}: "
        "the goal of 0.3 cannot be reached by any code that writes these rows, and the "
        "floor is the fair reference for the pipeline.",
    ]
    lines += [
        "",
        "What the gap to COPY is made of: COPY writes one row of text per line into a "
        "table with no index and checks nothing. The import, per contact, reads and maps "
        "the cells, cleans every field as the form does (phone numbers parsed by "
        "`phonenumbers`, emails validated, the province and city looked up, names turned "
        "into pinyin by `pypinyin` — 70–170 µs a name not met before, several a row: the "
        "contact's stored pinyin and initials, its account's, and the features of the "
        "contacts of the same name the duplicate engine compares the row with, once per "
        "batch), builds the model objects and the audit snapshots, and writes 8–12 "
        "indexed rows (contact, phone, email, address, account link, tags, import record, "
        "old-system id, audit entry, search document; for a new company the account, its "
        "tag, its audit entries and its document). The database grows as the file is "
        "imported, and with it the contacts each name has to be compared with (up to 50 "
        "per name). Queries are few (see below); the profile shows Python's share.",
    ]
    total_queries, kinds = result["queries"]
    sample = min(QUERY_SAMPLE, rows)
    lines += [
        "",
        f"Queries of the import step, captured on its first {sample} rows again (one "
        "batch; the number per batch does not grow with its rows, see "
        "`test_import_batch.py`): "
        f"**{total_queries / sample:.1f} per row**, by kind (per row):",
        "",
        "| statement | per row |",
        "| --- | ---: |",
        *[f"| `{kind}` | {per_row:.2f} |" for kind, per_row in kinds],
    ]
    if result["profile"]:
        lines += [
            "",
            "Where the import step's time goes (cProfile, cumulative then own time):",
            "",
            "```text",
            result["profile"],
            "```",
        ]
    path = ROOT / "docs" / "benchmarks.md"
    body = path.read_text()
    # One line per run, the earlier runs' kept (other sizes of file, same code or not).
    runs = [
        line
        for part in body.split("\n## ")
        if ("## " + part).startswith(SECTION)
        for line in part.splitlines()
        if line.startswith("- Run ")
    ]
    check = times.get("check (dry run)")
    runs.insert(
        0,
        f"- Run {date.today().isoformat()}, {rows:,} rows: check "
        + (f"{rows / check:,.0f} rows/s" if check else "not run")
        + f", import {rows / times['import']:,.0f} "
        f"rows/s{' (under cProfile)' if args.profile else ''}, import / COPY "
        f"{_ratio(rows / times['import'] / copy_rate)}, write floor / COPY "
        f"{_ratio(rows / floor_seconds / copy_rate)}, import ÷ floor "
        f"{times['import'] / floor_seconds:.1f}× the time, {result['per_row']:,} rows through "
        f"`import_row`; the same file again with link and update "
        + (f"{rows / again['seconds']:,.0f} rows/s." if again else "not run."),
    )
    lines += ["", "Runs (newest first):", "", *runs[:6]]
    lines.append("")
    section = "\n".join(lines)
    kept = [part for part in body.split("\n## ") if not ("## " + part).startswith(SECTION)]
    body = "\n## ".join(kept).rstrip("\n") + "\n\n" + section
    path.write_text(body)
    print(section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--profile", action="store_true", help="cProfile the import step")
    parser.add_argument("--no-check", action="store_true", help="skip the check (dry run)")
    parser.add_argument(
        "--no-again", action="store_true", help="skip importing the file again (link and update)"
    )
    parser.add_argument("--file", default=str(ROOT / "var" / "bench_contacts.csv"))
    args = parser.parse_args()
    if args.quick:
        args.rows = 100_000
    run(args)


if __name__ == "__main__":
    main()
