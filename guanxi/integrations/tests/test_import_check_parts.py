"""A contacts file checked in parts (``imports.check_parts``), each part in its own
rolled-back transaction, finds the same problems and counts as a check in one: rows
repeating an email, phone, name or old-system ID of a row in an earlier part (made by
the batch or by ``import_row``) are judged against it; every part is rolled back
before the next, nothing is kept, and no account is locked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.core.models import Role, RoleGrant
from guanxi.customers.models import Account, Contact
from guanxi.integrations.imports import batch as batch_module
from guanxi.integrations.imports import check_parts, checking, matching, services
from guanxi.integrations.imports.matching import made_by_job
from guanxi.integrations.imports.models import ImportStatus
from guanxi.integrations.tests import test_import_batch as base
from guanxi.integrations.tests.test_import_batch import IDS, OPTIONS, ROWS, _import, _old_refs
from guanxi.integrations.tests.test_import_batch_update import _spy
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db
world = base.world  # the admin, an existing 张伟 at 华信 and his phone


def _checked(settings: Any, admin: Any, options: dict[str, Any], part: int, **more: Any) -> Any:
    settings.IMPORT_CHECK_PART_ROWS = part
    before = (Contact.objects.count(), Account.objects.count())
    job = _import(admin, options, check=True, **more)
    assert (Contact.objects.count(), Account.objects.count()) == before  # nothing kept
    problems = [
        (p.row, p.column, p.value, p.message, p.kind)
        for p in job.row_errors.order_by("row", "kind", "column", "message")
    ]
    counts = (job.created_count, job.updated_count, job.skipped_count, job.error_count)
    return counts, problems


def _in_parts_and_whole(settings: Any, admin: Any, options: dict[str, Any], **more: Any) -> Any:
    """The check's counts and problems, in one part and in parts of 2 and 6 rows."""
    settings.IMPORT_BATCH_SIZE = 2
    whole = _checked(settings, admin, options, 10_000, **more)
    for part in (2, 6):  # ten parts of two rows; four of six (three of two batches)
        assert _checked(settings, admin, options, part, **more) == whole, part
    return whole


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_a_check_in_parts_finds_what_a_check_in_one_does(world, settings, options):
    counts, _problems = _in_parts_and_whole(settings, world, options)
    assert counts[3] >= 4  # the planted errors are there


@pytest.mark.parametrize("options", [OPTIONS[0], OPTIONS[3]], ids=["skip", "update"])
def test_old_system_ids_of_earlier_parts_are_found_in_later_ones(world, settings, options):
    _old_refs(world)
    counts, _problems = _in_parts_and_whole(settings, world, options, ids=IDS)
    assert counts[3] >= 4


def _adds_but_changes_nothing() -> Any:
    role = Role.objects.create(code="adder", name="Adder")
    for object_type in ("customers.contact", "customers.account"):
        for action, scope in (("view", "all"), ("add", "own")):
            RoleGrant.objects.create(role=role, object_type=object_type, action=action, scope=scope)
    importer = make_user()
    importer.roles.add(role)
    return importer


@pytest.mark.parametrize("who", ["admin", "adds, changes nothing"])
def test_contacts_of_earlier_parts_are_updated_only_where_the_importer_may(world, settings, who):
    """ "Link and update": rows repeating an earlier part's email, phone or ID update
    what it made; an importer who may add contacts but change none has those rows
    skipped (and the existing 张伟's the row's error)."""
    _old_refs(world)
    importer = world if who == "admin" else _adds_but_changes_nothing()
    rows = [row.replace("rep@example.test", "") for row in ROWS]
    counts, problems = _in_parts_and_whole(settings, importer, OPTIONS[3], rows=rows, ids=IDS)
    # N-1 again (row 10) updates 李娜 or is the row's error; 李娜's phone again
    # (row 13) updates or skips her.
    assert counts[1 if who == "admin" else 2] >= (3 if who == "admin" else 1)
    refused = (10, "id", "N-1", "This matches a contact you may not change.", "error")
    assert (refused in problems) is (who != "admin")


def test_each_part_is_rolled_back_before_the_next_and_locks_no_account(
    world, settings, monkeypatch
):
    """Rows joining the existing 华信 and new companies, none left to ``import_row``
    (which locks an account it links to, as the import does); only PostgreSQL writes
    ``FOR UPDATE``, so the lock is looked for there."""
    settings.IMPORT_BATCH_SIZE = 2
    settings.IMPORT_CHECK_PART_ROWS = 4
    seen: list[int] = []
    real = batch_module.ContactBatch.keep_part

    def spy(self: Any) -> None:
        seen.append(made_by_job(self.job, Contact).count())
        real(self)

    monkeypatch.setattr(batch_module.ContactBatch, "keep_part", spy)
    companies = ["华信科技" if i % 2 else f"新公司{i}" for i in range(18)]
    rows = [f"{row[: row.index(',')]},{i},1390000{i:04d},,{company},,,,,,"
            for i, (row, company) in enumerate(zip(ROWS[:18], companies, strict=True))]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        job = _import(world, OPTIONS[0], check=True, rows=rows)
    assert job.created_count > 8
    # Four parts before the last: each holds only what its own rows made.
    assert len(seen) == 4 and all(0 < count <= 4 for count in seen), seen
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"].upper()]
    assert not [sql for sql in locks if "customers_account" in sql], locks


def test_an_update_of_an_earlier_parts_contact_the_service_refuses_is_the_rows_error(
    world, settings
):
    """Row 3 updates 甲一 (part 1) with a birthday to come: ``update_contact`` refuses
    it (the row's error); rows 5 and 6 update him with one that has been."""
    rows = ["甲,一,13911110001,,,,,,,,", "乙,二,13911110002,,,,,,,,",
            "丙,三,13911110001,,,,,2999-01-01,,,", "丁,四,13911110004,,,,,,,,",
            "甲,一,13911110001,,,,,1980-01-01,,,",
            "甲,一,13911110001,,,,,1980-01-01,,,"]  # fmt: skip
    counts, problems = _in_parts_and_whole(settings, world, OPTIONS[3], rows=rows)
    assert counts == (3, 2, 0, 1)
    assert (4, "birthday", "2999-01-01", "A birthday cannot be in the future.", "error") in [
        p[:5] for p in problems
    ]


def test_an_old_system_id_of_an_earlier_parts_contact_the_importer_cannot_see(world, settings):
    """An importer who gives contacts to others but sees only their own: Z-1 again in a
    later part names a contact they cannot see, the row's error."""
    role = Role.objects.create(code="giver", name="Giver")
    for object_type in ("customers.contact", "customers.account"):
        for action, scope in (
            ("view", "own"),
            ("add", "own"),
            ("change", "own"),
            ("assign", "all"),
        ):
            RoleGrant.objects.create(role=role, object_type=object_type, action=action, scope=scope)
    importer = make_user()
    importer.roles.add(role)
    make_user(email="bob@example.test")
    rows = ["甲,一,13911110001,,,,,,,bob@example.test,", "乙,二,13911110002,,,,,,,,",
            "丙,三,13911110003,,,,,,,,", "丁,四,13911110004,,,,,,,,"]  # fmt: skip
    counts, problems = _in_parts_and_whole(
        settings, importer, OPTIONS[0], rows=rows, ids=["Z-1", "", "Z-1", ""]
    )
    assert counts[3] == 1 and problems[0][:2] == (4, "id")


def test_a_tag_an_earlier_part_made_is_there_for_the_later_ones(world, settings, monkeypatch):
    """The first 韩梅 names a new tag (``import_row`` makes it); the second, in a later
    part, finds it and is decided by the batch: scored against the first 韩梅."""
    rows = ["韩,梅,13911110005,,博远咨询,广东,广州,,新标签X,,", "乙,二,13911110002,,,,,,,,",
            "韩,梅,13911110007,,博远咨询,广东,广州,,新标签X,,",
            "丁,四,13911110004,,,,,,,,"]  # fmt: skip
    settings.IMPORT_BATCH_SIZE = 2
    whole = _checked(settings, world, OPTIONS[0], 10_000, rows=rows)
    assert "Possible duplicate of 韩梅" in str(whole[1])
    calls = _spy(monkeypatch)  # the rows left to ``import_row``
    assert _checked(settings, world, OPTIONS[0], 2, rows=rows) == whole
    assert calls == [2]  # line 2, the tag's first row; not line 4


@pytest.mark.parametrize("cap", [50, 1])
def test_a_likely_duplicate_of_an_earlier_parts_contact_is_found_first(
    world, settings, monkeypatch, cap
):
    """Han Mei (part 1) and 韩梅 (part 2, first batch) score alike against the 韩梅 of
    part 2's second batch: as in one transaction, the earlier-made Han Mei is named.
    With ``cap`` candidates a name (50 as shipped), no more of a name are kept."""
    for module in (batch_module, check_parts, matching):
        monkeypatch.setattr(module, "LIKELY_CANDIDATES", cap)
    people = ["Han,Mei,13911110001,,博远咨询,广东,广州,,,,",
              "Han,Mei,13911110002,,博远咨询,广东,广州,,,,",
              "乙,二,13911110003,,,,,,,,", "丙,三,13911110004,,,,,,,,",
              "韩,梅,13911110005,,博远咨询,广东,广州,,,,", "丁,四,13911110006,,,,,,,,",
              "韩,梅,13911110007,,博远咨询,广东,广州,,,,", "戊,五,13911110008,,,,,,,,"]  # fmt: skip
    settings.IMPORT_BATCH_SIZE = 2
    whole = _checked(settings, world, OPTIONS[0], 10_000, rows=people)
    kept: list[Any] = []
    real = batch_module.ContactBatch.keep_part

    def spy(self: Any) -> None:
        real(self)
        kept.append(self.earlier)

    monkeypatch.setattr(batch_module.ContactBatch, "keep_part", spy)
    assert _checked(settings, world, OPTIONS[0], 4, rows=people) == whole
    assert max(len(named) for named in kept[0].by_name.values()) == min(2, cap)  # Han Mei
    warnings = {row: message for row, _c, _v, message, _k in whole[1]}
    assert warnings[3].startswith("Possible duplicate of Mei Han"), warnings
    assert warnings[6].startswith("Possible duplicate of Mei Han"), warnings
    assert warnings[8].startswith("Possible duplicate of Mei Han"), warnings


def test_a_check_in_the_background_shows_how_far_it_has_got(
    world, settings, client, django_capture_on_commit_callbacks, monkeypatch
):
    settings.IMPORT_BATCH_SIZE = 2
    settings.IMPORT_CHECK_PART_ROWS = 6  # 20 rows: parts of 6, 6, 6 and 2
    settings.IMPORT_CHECK_INLINE_ROWS = 2
    content = "\n".join([base.HEADERS, *ROWS]).encode()
    job = services.start_import(
        actor=world, target="customers.contact", file=content, filename="people.csv"
    )
    job = services.set_mapping(actor=world, job=job, mapping=base.MAPPING, options=OPTIONS[0])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        checking.check(actor=world, job=job)
    client.force_login(world)
    detail = reverse("integrations:import_detail", args=[job.pk])
    shown: list[str | None] = []
    real = batch_module.ContactBatch.keep_part

    def spy(self: Any) -> None:  # the page, asked for at the end of each part but the last
        found = re.search(r'import-checked-rows">(\d+) / 20<', client.get(detail).content.decode())
        shown.append(found.group(1) if found else None)
        real(self)

    monkeypatch.setattr(batch_module.ContactBatch, "keep_part", spy)
    queued[0]()  # the worker runs the check
    assert shown == [None, "6", "12"]
    job.refresh_from_db()
    assert (job.status, job.checked_rows) == (ImportStatus.DRY_RUN_DONE, 20)
    assert client.get(f"/api/v1/imports/{job.pk}").json()["checked_rows"] == 20
