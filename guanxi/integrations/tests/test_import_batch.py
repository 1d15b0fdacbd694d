"""Contacts imported a batch at a time (``imports.batch``) end exactly as they do row by
row (``import_row``): the same contacts, phones, emails, addresses, account links and
primary contacts, tags, audit entries, search documents, import records, problems and
counts, for a file with planted errors and duplicates, in the import and in the check;
the queries of a batch do not grow with its rows; a batch killed mid-way resumes."""

from __future__ import annotations

from ast import literal_eval
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from guanxi.core.models import AuditEntry, CustomField, SearchDocument, Tag, User
from guanxi.core.services.trash import trash_record
from guanxi.customers.models import Account, Contact, ContactPhone
from guanxi.integrations.imports import batch as batch_module
from guanxi.integrations.imports import services
from guanxi.integrations.imports.models import ImportRecord
from guanxi.integrations.models import ExternalRef
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

HEADERS = "family,given,mobile,email,company,province,city,birthday,tags,owner,level"
MAPPING = {
    "family": "family_name",
    "given": "given_name",
    "mobile": "mobile",
    "email": "email",
    "company": "company",
    "province": "province",
    "city": "city",
    "birthday": "birthday",
    "tags": "tags",
    "owner": "owner_email",
    "level": "custom:level",
}
ROWS = [
    "张,伟,13800000001,,,,,,,,",  # the existing 张伟's phone: a duplicate
    "李,娜,13900000002,ln@new.example,华信科技,北京,北京,1990-01-02,VIP,,gold",  # joins 华信
    "王,芳,13900000003,wf@new.example,天成贸易有限公司,,,,VIP，新标签,,",  # a new tag
    "赵,六,13900000004,,天成贸易,,,,,rep@example.test,",  # the account made just before
    "钱,七,12345,bad@,,火星,,不是日期,,,",  # bad phone, email, province, birthday
    "孙,八,13900000008,WF@new.example,,,,,,,",  # row 3's email: same in file
    ",,13900000009,,,,,,,,",  # no name
    "Zhang,Wei,13900000010,wei@x.example,Huaxin Ltd,,,,,,",  # 张伟 in pinyin: likely
    "周,九,13900000011,zj@new.example,天成贸易有限公司,广东,广州,,vip,,",
    "吴,十,13900000012,,,,,,,nobody@example.test,",  # no such owner
    "郑,一,13900000013,zy@new.example,博远咨询,,,2999-01-01,,,",  # a birthday to come
    "李,娜,139 0000 0002,,,,,,,,",  # row 2's phone typed otherwise, another batch
    "冯,二,+86 139 0000 0014,fe@new.example,华信科技有限公司,,,,,,silver",  # 华信 again
    "陈,三,13900000015,cs@new.example,博远咨询,,,,,,",  # row 11's company (never made)
    "褚,四,13900000017,,博远咨询有限公司,,,,,,",  # row 14's new account, same batch
    "卫,五,13900000018,,华信科技,,,,,,",  # 华信 twice in one batch: the last is primary
    "张,伟,13900000016,zw2@new.example,,,,,,,",  # 张伟 again: likely, other phone
    "蒋,六,13900000019,FE@new.example,,,,,,,",  # 冯二's email, same batch: from memory
    "韩,梅,13900000020,,博远咨询,广东,广州,1980-02-03,,,",
    "韩,梅,13900000021,hm@x.example,博远咨询,广东,广州,,,,",  # likely: from memory
]


# IDs in the old system for the rows above: OLD-1 names the existing 张伟 (a ref made
# by an earlier import), OLD-2 a contact now in the trash; N-1 twice in the file.
IDS = ["", "N-1", "OLD-1", "N-2", "N-3", "", "N-4", "OLD-2", "N-1", "N-5", "", "N-6",
       "OLD-1", "N-7", "N-8", "", "N-9", "N-10", "N-11", "N-12"]  # fmt: skip


@pytest.fixture
def world(db):
    admin = make_user(role="administrator", full_name="Admin")
    make_user(role="sales_rep", email="rep@example.test")
    Tag.objects.create(name="VIP")
    CustomField.objects.create(
        object_type="customers.contact", key="level", label="Level", field_type="text"
    )
    huaxin = make_account(name="华信科技有限公司", owner=admin)
    make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        phones=[{"value": "13800000001"}],
        emails=[{"value": "zw@old.example"}],
        accounts=[{"account": huaxin, "is_primary": True}],
    )
    return admin


def _import(
    admin: Any,
    options: dict[str, Any],
    *,
    check: bool = False,
    ids: list[str] | None = None,
    rows: list[str] = ROWS,
) -> Any:
    if ids is not None:  # the file with an "id" column (ID in the old system)
        lines = [HEADERS + ",id", *[f"{row},{ext}" for row, ext in zip(rows, ids, strict=True)]]
        mapping = {**MAPPING, "id": "external_id"}
    else:
        lines, mapping = [HEADERS, *rows], MAPPING
    job = services.start_import(
        actor=admin, target="customers.contact", file="\n".join(lines).encode(),
        filename="people.csv",
    )  # fmt: skip
    job = services.set_mapping(actor=admin, job=job, mapping=mapping, options=options)
    if check:
        return services.dry_run(actor=admin, job=job)
    job = services.start_import_job(actor=admin, job=job)
    services.run_import(job.pk)
    job.refresh_from_db()
    return job


def _state(job: Any, since: int) -> dict[str, Any]:
    """Everything the import wrote, without primary keys of the records it made."""
    contacts = []
    for c in Contact.objects.prefetch_related("phones", "emails", "addresses", "tags"):
        contacts.append(
            (
                c.full_name,
                c.family_name,
                c.given_name,
                c.name_pinyin,
                c.name_initials,
                c.birthday,
                c.owner_id,
                c.team_id,
                c.description,
                c.custom_fields,
                [(p.kind, p.value, p.is_primary) for p in c.phones.order_by("pk")],
                [(e.kind, e.value, e.is_primary) for e in c.emails.order_by("pk")],
                [(a.province, a.city, a.is_primary) for a in c.addresses.order_by("pk")],
                [
                    (link.account.name, link.role, link.is_primary, link.is_current)
                    for link in c.account_links.order_by("pk")
                ],
                sorted(t.name for t in c.tags.all()),
            )
        )
    accounts = [
        (
            a.name,
            a.name_key,
            a.owner_id,
            a.team_id,
            sorted(t.name for t in a.tags.all()),
            [(link.contact.full_name, link.is_primary) for link in a.contact_links.order_by("pk")],
        )
        for a in Account.objects.order_by("name")
    ]
    names = {("customers.contact", c.pk): c.full_name for c in Contact.objects.all()}
    names.update({("customers.account", a.pk): a.name for a in Account.objects.all()})
    documents = sorted(
        (d.object_type, names.get((d.object_type, d.object_id)), d.title, d.subtitle, d.text)
        for d in SearchDocument.objects.filter(
            object_type__in=["customers.contact", "customers.account"]
        )
    )
    audit = [
        (e.actor_id, e.event, e.object_type, e.object_repr, e.changes)
        for e in AuditEntry.objects.filter(pk__gt=since)
        .exclude(object_type="integrations.importjob")
        .order_by("pk")
    ]
    records = [
        (
            r.row,
            r.content_type.model,
            names[(r.content_type.model_class()._meta.label_lower, r.object_id)],
        )
        for r in ImportRecord.objects.filter(job=job).order_by("pk")
    ]
    problems = [
        (p.row, p.column, p.value, p.message, p.kind, p.dry_run)
        for p in job.row_errors.order_by("row", "pk")
    ]
    counts = (job.created_count, job.updated_count, job.skipped_count, job.error_count)
    phones = {
        c.pk: (c.full_name, [p.value for p in c.phones.all()])
        for c in Contact.objects.prefetch_related("phones")
    }  # two rows may bear one name: the contact's phones tell them apart
    refs = sorted(
        (r.source, r.external_id, phones.get(r.object_id))
        for r in ExternalRef.objects.filter(content_type__model="contact")
    )
    state = {
        "contacts": sorted(contacts, key=repr),
        "accounts": accounts,
        "documents": documents,
        "audit": audit,
        "records": records,
        "problems": problems,
        "counts": counts,
        "status": job.status,
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "refs": refs,
    }
    # The two runs are two jobs: their tags differ by the job's id only.
    tag = f"import:{job.pk}"
    return {key: repr(value).replace(tag, "import:<job>") for key, value in state.items()}


def _both_ways(
    settings: Any,
    admin: Any,
    options: dict[str, Any],
    check: bool = False,
    monkeypatch: Any = None,
    ids: list[str] | None = None,
    calls: list[int] | None = None,
    rows: list[str] = ROWS,
) -> Any:
    """The state after importing the file row by row (then rolled back), and batch by
    batch; with ``monkeypatch``, checks that no batch fell back to row by row whole."""
    settings.IMPORT_BATCH_SIZE = 6
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        settings.IMPORT_BATCH_CONTACTS = False
        per_row = _state(_import(admin, options, check=check, ids=ids, rows=rows), since)
        transaction.set_rollback(True)
    settings.IMPORT_BATCH_CONTACTS = True
    per_row_calls: list[int] = calls if calls is not None else []
    if monkeypatch is not None:
        real = services._import_unit

        def spy(actor: Any, job: Any, table: Any, unit: Any) -> Any:
            per_row_calls.append(unit[0][0])
            return real(actor, job, table, unit)

        monkeypatch.setattr(services, "_import_unit", spy)
    batched = _state(_import(admin, options, check=check, ids=ids, rows=rows), since)
    # A batch that failed and was redone row by row would call it for all its rows;
    # the batch leaves only a few to ``import_row`` (a new tag, merges).
    if monkeypatch is not None:
        lines = range(2, len(rows) + 2)  # line 1 is the header
        batches = [set(lines[i : i + 6]) for i in range(0, len(lines), 6)]
        # The spy sees the rows left to ``import_row`` (the new tag's row at least, in
        # the file above without IDs; with IDs that row may be skipped as a known record).
        assert per_row_calls or ids is not None or rows is not ROWS
        assert not any(b <= set(per_row_calls) for b in batches)
    return per_row, batched


OPTIONS = [
    {"on_duplicate": "skip", "likely_duplicates": "create", "create_accounts": True},
    {"on_duplicate": "skip", "likely_duplicates": "skip", "create_accounts": True},
    {"on_duplicate": "create", "likely_duplicates": "create", "create_accounts": True},
    {"on_duplicate": "update", "likely_duplicates": "create", "create_accounts": True},
    {"on_duplicate": "skip", "likely_duplicates": "create", "create_accounts": False},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_a_batch_imports_exactly_what_row_by_row_would(world, settings, options, monkeypatch):
    per_row, batched = _both_ways(settings, world, options, monkeypatch=monkeypatch)
    assert literal_eval(per_row["counts"])[3] >= 4  # the planted errors are there
    for key in per_row:
        assert batched[key] == per_row[key], key


@pytest.mark.parametrize("options", OPTIONS[:2], ids=["likely-create", "likely-skip"])
def test_the_check_finds_exactly_what_row_by_row_would(world, settings, options, monkeypatch):
    per_row, batched = _both_ways(settings, world, options, check=True, monkeypatch=monkeypatch)
    assert per_row["problems"] != "[]" and "DRY_RUN_DONE" in per_row["status"].upper()
    assert per_row["records"] == "[]"  # nothing kept
    for key in per_row:
        assert batched[key] == per_row[key], key


def _old_refs(admin: Any) -> None:
    """OLD-1: the existing 张伟 by an earlier import; OLD-2: a contact since trashed."""
    contact_type = ContentType.objects.get_for_model(Contact)
    gone = make_contact(owner=admin, family_name="旧", given_name="人")
    for external_id, contact in (("OLD-1", Contact.objects.get(given_name="伟")), ("OLD-2", gone)):
        ExternalRef.objects.create(
            source="import", external_id=external_id, content_type=contact_type,
            object_id=contact.pk,
        )  # fmt: skip
    trash_record(actor=admin, obj=gone)


@pytest.mark.parametrize(
    "options", [OPTIONS[0], OPTIONS[2], OPTIONS[3]], ids=["skip", "create", "update"]
)
def test_ids_in_the_old_system_are_batched_exactly_as_row_by_row(
    world, settings, options, monkeypatch
):
    _old_refs(world)
    calls: list[int] = []
    per_row, batched = _both_ways(
        settings, world, options, monkeypatch=monkeypatch, ids=IDS, calls=calls
    )
    assert "('import', 'N-1', ('李娜', ['+8613900000002']))" in per_row["refs"]  # the first N-1
    assert "'OLD-2', ('Wei Zhang'" in per_row["refs"]  # taken over from the trash
    # Rows with IDs are decided by the batch too; "link and update" merges per row.
    assert len(calls) <= (8 if options["on_duplicate"] == "update" else 4)
    for key in per_row:
        assert batched[key] == per_row[key], key


LONG = "A" * 99
MORE_IDS = {
    # the same id twice in one batch (rows 2 and 4, 3 and 5), a trashed record's id
    # twice in one batch, ids that differ only by spaces
    "repeated": ["", "N-1", "R-1", "N-1", "R-1", "OLD-2", "OLD-2", "X", " X", "X ",
                 "", "", "", "", "", "", "", "", "", ""],
    # ids cut at 100 characters (the same once cut; one ending in a space once cut)
    "long": ["", LONG + "BZ", LONG + "BY", LONG + " ", LONG + " Q", "\u3000Y", "Y", "Y",
             "", "", "", "", "", "", "", "", "", "", "", ""],
    # a row with errors, then its id again; an existing id twice in one batch
    "after an error": ["", "", "E", "", "E", "E", "OLD-1", "OLD-1", "OLD-2", "", "", "",
                       "OLD-2", "OLD-2", "", "", "", "", "", ""],
}  # fmt: skip


@pytest.mark.parametrize("options", [OPTIONS[0], OPTIONS[3]], ids=["skip", "update"])
@pytest.mark.parametrize("layout", list(MORE_IDS))
def test_repeated_long_and_spaced_old_system_ids_are_batched_as_row_by_row(
    world, settings, options, layout, monkeypatch
):
    _old_refs(world)
    per_row, batched = _both_ways(
        settings, world, options, monkeypatch=monkeypatch, ids=MORE_IDS[layout]
    )
    for key in per_row:
        assert batched[key] == per_row[key], key


def test_an_old_system_id_of_a_contact_the_importer_cannot_see_is_the_rows_error(
    world, settings, monkeypatch
):
    _old_refs(world)
    rep = User.objects.get(email="rep@example.test")
    per_row, batched = _both_ways(settings, rep, OPTIONS[0], monkeypatch=monkeypatch, ids=IDS)
    assert "This matches a contact you may not change." in per_row["problems"]
    for key in per_row:
        assert batched[key] == per_row[key], key


def test_the_check_writes_no_audit_entries_or_search_documents_for_batched_rows(
    world, settings, monkeypatch
):
    from guanxi.customers.services import bulk_contacts

    settings.IMPORT_BATCH_SIZE = 6
    indexed: list[int] = []
    real = bulk_contacts.index_objects

    def spy(model: Any, objects: list[Any]) -> int:
        indexed.append(len(objects))
        return real(model, objects)

    monkeypatch.setattr(bulk_contacts, "index_objects", spy)
    checked = _import(world, OPTIONS[0], check=True)
    after_check = len(indexed)
    _import(world, OPTIONS[0])

    assert checked.created_count > 0 and after_check == 0
    assert sum(indexed) > 0  # the import itself writes them


def test_a_candidate_met_by_several_rows_has_its_features_worked_out_once(
    world, settings, monkeypatch
):
    """Three rows named 张伟 (the existing one's name) in one batch: each is scored
    against the existing 张伟 and the earlier rows' contacts, whose features are
    worked out once each."""
    settings.IMPORT_BATCH_SIZE = 10
    worked_out: list[str] = []
    real = batch_module.features

    def spy(record: Any, **options: Any) -> Any:
        worked_out.append(record.phones[0] if record.phones else "")
        return real(record, **options)

    monkeypatch.setattr(batch_module, "features", spy)
    lines = ["family,given,mobile", *[f"张,伟,1390000020{i}" for i in range(3)]]
    job = services.start_import(
        actor=world, target="customers.contact", file="\n".join(lines).encode(),
        filename="zw.csv",
    )  # fmt: skip
    job = services.set_mapping(
        actor=world, job=job, mapping={"family": "family_name", "given": "given_name",
        "mobile": "mobile"}, options=OPTIONS[0],
    )  # fmt: skip
    services.run_import(services.start_import_job(actor=world, job=job).pk)
    job.refresh_from_db()

    assert job.created_count == 3
    # The existing 张伟 and the first two rows' contacts (met by the rows after them),
    # once each.
    assert sorted(worked_out) == ["+8613800000001", "+8613900000200", "+8613900000201"]


@pytest.mark.parametrize("links", [1, 2], ids=["one account", "two accounts"])
def test_a_candidate_at_an_account_an_earlier_row_joined_is_scored_as_row_by_row(
    world, settings, links, monkeypatch
):
    """An earlier row of the batch joins 华信 (its primary contact from then on). A 韩梅
    working there is a later row's candidate: with 华信 her only account the batch
    scores her itself; with a second account (her primary one until then) which of the
    two the engine knows her by may have changed, and the row goes through
    ``import_row``. Both end as row by row."""
    huaxin = Account.objects.get(name="华信科技有限公司")
    accounts = [{"account": huaxin, "is_primary": True}]
    if links == 2:
        accounts.insert(0, {"account": make_account(name="博远咨询有限公司", owner=world)})
    make_contact(owner=world, family_name="韩", given_name="梅", accounts=accounts,
                 phones=[{"value": "13700000099"}],
                 addresses=[{"province": "44", "city": "广州"}])  # fmt: skip
    rows = [
        "李,娜,13900000002,ln@new.example,华信科技,,,,,,",
        "韩,梅,13900000021,hm@x.example,华信科技有限公司,广东,广州,,,,",
        "王,五,13900000022,,,,,,,,",
    ]
    calls: list[int] = []
    per_row, batched = _both_ways(
        settings, world, OPTIONS[0], monkeypatch=monkeypatch, calls=calls, rows=rows
    )

    assert calls == ([] if links == 1 else [3])
    # Known by 华信 she shares the row's company; by 博远 (once 李娜 took 华信's
    # primary flag) only its name.
    assert "Possible duplicate of 韩梅" in per_row["problems"]
    assert ("same company 华信科技" in per_row["problems"]) is (links == 1)
    for key in per_row:
        assert batched[key] == per_row[key], key


@pytest.mark.parametrize("stored", ["+86013700000099", "+4402079460000"])
def test_a_candidates_phone_stored_other_than_as_e164_is_read_as_row_by_row(
    world, settings, stored
):
    """A phone written other than by the services (raw SQL, an older version) is parsed
    again, as row by row: the same number typed in the file still finds her."""
    her = make_contact(owner=world, family_name="韩", given_name="梅",
                       phones=[{"value": "13700000099"}])  # fmt: skip
    ContactPhone.objects.filter(contact=her).update(value=stored)
    typed = "13700000099" if stored.startswith("+86") else "+44 20 7946 0000"
    rows = [f"韩,梅,{typed},,,,,,,,", "王,五,13900000022,,,,,,,,"]

    per_row, batched = _both_ways(settings, world, OPTIONS[0], rows=rows)

    assert "Possible duplicate of 韩梅" in per_row["problems"]
    assert "same phone" in per_row["problems"]
    assert batched["problems"] == per_row["problems"]


def test_most_rows_of_the_file_are_decided_by_the_batch(world, settings, monkeypatch):
    """The comparison above is worth something only if the batch decided rows."""
    per_row_calls = []
    real = services._import_unit

    def spy(actor, job, table, unit):
        per_row_calls.append(unit[0][0])
        return real(actor, job, table, unit)

    monkeypatch.setattr(services, "_import_unit", spy)
    settings.IMPORT_BATCH_SIZE = 6
    job = _import(world, OPTIONS[0])
    assert job.created_count > 0
    # Per row: the new tag, and the rows repeating an earlier row of their batch.
    assert 0 < len(per_row_calls) <= 4 < len(ROWS)


def _unique_rows(count: int, start: int = 0) -> bytes:
    lines = ["family,given,mobile,email,company,province,city"]
    for i in range(start, start + count):
        company = f"公司{i // 2}有限公司"  # two people per new company
        given = f"{'甲乙丙丁戊己庚辛'[i % 8]}{i}"
        lines.append(f"客户{i},{given},1390000{i:04d},c{i}@x.example,{company},广东,广州")
    return "\n".join(lines).encode()


def _mapped_and_started(admin: Any, job: Any, **more: str) -> Any:
    """A job of ``_unique_rows`` mapped (duplicates skipped) and queued to import."""
    mapping = {
        "family": "family_name",
        "given": "given_name",
        "mobile": "mobile",
        "email": "email",
        "company": "company",
        **more,
    }
    job = services.set_mapping(
        actor=admin, job=job, mapping=mapping, options={"on_duplicate": "skip"}
    )
    return services.start_import_job(actor=admin, job=job)


def _queries_of_one_batch(admin: Any, content: bytes) -> int:
    job = services.start_import(
        actor=admin, target="customers.contact", file=content, filename="many.csv"
    )
    job = _mapped_and_started(admin, job, province="province", city="city")
    with CaptureQueriesContext(connection) as captured:
        services.run_import(job.pk)
    job.refresh_from_db()
    assert (job.created_count, job.error_count) == (job.total_rows, 0)
    return len(captured.captured_queries)


def test_the_queries_of_a_batch_do_not_grow_with_its_rows(world, settings):
    settings.IMPORT_BATCH_SIZE = 1000
    _queries_of_one_batch(world, _unique_rows(1, start=900))  # content types, rules cached
    small = _queries_of_one_batch(world, _unique_rows(5))
    # 30: six times as many rows, within SQLite's 999 parameters per INSERT (beyond,
    # bulk_create splits its INSERTs there, not on PostgreSQL).
    large = _queries_of_one_batch(world, _unique_rows(30, start=100))
    assert large == small
    assert small < 60  # about one row's worth before batches


def test_a_failing_batch_is_redone_row_by_row_and_problems_stay_per_row(
    world, settings, monkeypatch
):
    settings.IMPORT_BATCH_SIZE = 6
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        settings.IMPORT_BATCH_CONTACTS = False
        per_row = _state(_import(world, OPTIONS[0]), since)
        transaction.set_rollback(True)
    settings.IMPORT_BATCH_CONTACTS = True
    real = batch_module.save_new_records
    calls = {"n": 0}

    def fails_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("a constraint the batch did not foresee")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_module, "save_new_records", fails_once)
    redone = _state(_import(world, OPTIONS[0]), since)
    assert calls["n"] > 1
    assert redone == per_row


def test_a_batch_killed_mid_way_resumes_without_losing_or_doubling_a_row(
    world, settings, monkeypatch
):
    """kill -9 in the middle of writing the second batch: the first stays, the second
    is redone whole by the next run."""
    settings.IMPORT_BATCH_SIZE = 4
    content = _unique_rows(10, start=500)
    job = services.start_import(
        actor=world, target="customers.contact", file=content, filename="kill.csv"
    )
    job = _mapped_and_started(world, job)
    real = batch_module.save_new_records
    calls = {"n": 0}

    def killed(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            real(*args, **kwargs)  # written, then the worker dies before the commit
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_module, "save_new_records", killed)
    with pytest.raises(KeyboardInterrupt):
        services.run_import(job.pk)
    job.refresh_from_db()
    made = Contact.objects.filter(family_name__startswith="客户")
    assert (job.status, job.next_row, made.count()) == ("importing", 4, 4)
    monkeypatch.setattr(batch_module, "save_new_records", real)
    assert services.run_import(job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 10)
    assert sorted(made.values_list("family_name", flat=True)) == sorted(
        f"客户{i}" for i in range(500, 510)
    )
    assert ImportRecord.objects.filter(job=job, content_type__model="contact").count() == 10
    assert Account.objects.filter(name__startswith="公司").count() == 5


def test_a_name_many_contacts_bear_loads_only_the_candidates_a_row_can_reach(
    world, settings, monkeypatch
):
    # Four more 张伟 (and 韩梅) than a row is scored against: the batch loads each name's
    # first ones only and still decides every row as row by row does.
    from guanxi.integrations.imports import matching

    for module in (batch_module, matching):
        monkeypatch.setattr(module, "LIKELY_CANDIDATES", 2)
    for i in range(4):
        for family, given in (("张", "伟"), ("韩", "梅")):
            make_contact(owner=world, family_name=family, given_name=given,
                         phones=[{"value": f"1370000{i:04d}"}])  # fmt: skip
    loaded: list[int] = []
    real = batch_module.ContactBatch._load_candidates

    def spy(self: Any, prepared: Any) -> None:
        real(self, prepared)
        loaded.extend(len(found) for found in self.candidates.values())

    monkeypatch.setattr(batch_module.ContactBatch, "_load_candidates", spy)

    per_row, batched = _both_ways(settings, world, OPTIONS[0])

    assert loaded and max(loaded) == 2
    for key in per_row:
        assert batched[key] == per_row[key], key
