"""Imports: reading files in every common shape, guessing the mapping, the dry run,
the import itself, resuming after a crash and rolling back."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from guanxi.core.models import Tag, TrashItem
from guanxi.customers.models import Account, Contact
from guanxi.integrations.imports import services
from guanxi.integrations.imports.fields import parse_date, split_full_name
from guanxi.integrations.imports.mapping import guess_mapping
from guanxi.integrations.imports.models import ImportRecord, ImportStatus
from guanxi.integrations.imports.reading import read_table
from guanxi.integrations.imports.selectors import get_import_for
from guanxi.testing.customers import make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

CONTACTS = "customers.contact"
CHINESE_CSV = (
    "姓名,手机,邮箱,公司,省,市,生日,标签\n"
    "张伟,138 1234 5678,ZW@huaxin.example,华信科技,北京,,1985年3月5日,VIP\n"
    "王芳,13912345678,wf@huaxin.example,华信科技,,,1990/7/1,\n"
    "\n"
    "李娜,12345,ln@example,,火星,,不是日期,\n"
)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def admin(db):
    return make_user(role="administrator", full_name="Admin")


def run(job):
    job = services.start_import_job(actor=job.created_by, job=job)
    services.run_import(job.pk)
    job.refresh_from_db()
    return job


def upload(actor, content, filename="contacts.csv"):
    return services.start_import(actor=actor, target=CONTACTS, file=content, filename=filename)


def test_gbk_csv_with_chinese_names_is_read():
    table = read_table(CHINESE_CSV.encode("gbk"), "old.csv")
    assert table.encoding == "gb18030"
    assert table.delimiter == ","
    assert table.headers[:3] == ["姓名", "手机", "邮箱"]
    assert [line for line, _cells in table.rows] == [2, 3, 5]  # the empty line is skipped
    assert table.rows[0][1][0] == "张伟"


def test_utf8_with_bom_and_semicolons_is_read():
    table = read_table("\ufeffName;Email\nWei Zhang;wz@example.test\n".encode(), "x.csv")
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ";")
    assert table.headers == ["Name", "Email"]
    assert table.rows == [(2, ["Wei Zhang", "wz@example.test"])]


def test_tab_and_pipe_delimiters_are_sniffed():
    assert read_table(b"a\tb\n1\t2\n").delimiter == "\t"
    assert read_table(b"a|b\n1|2\n").delimiter == "|"


def test_xlsx_first_sheet_is_read_with_numbers_and_dates_as_text():
    from datetime import datetime

    content = xlsx_bytes([["姓名", "手机", "生日"], ["张伟", 13812345678, datetime(1985, 3, 5)]])
    table = read_table(content, "c.xlsx")
    assert table.rows == [(2, ["张伟", "13812345678", "1985-03-05"])]


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"PK\x03\x04not really a zip", b"a,a\n1,2\n", b"a,b\n1,2,3\n"],
)
def test_malformed_files_are_refused_with_a_reason(content):
    with pytest.raises(ValidationError) as error:
        read_table(content, "bad.csv")
    assert "file" in error.value.message_dict


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024-03-05", (2024, 3, 5)),
        ("2024/3/5", (2024, 3, 5)),
        ("2024年3月5日", (2024, 3, 5)),
        ("05.03.2024", (2024, 3, 5)),
        ("3/5/2024", (2024, 3, 5)),  # month first
        ("13/5/2024", (2024, 5, 13)),  # cannot be month first
        ("20240305", (2024, 3, 5)),
    ],
)
def test_dates_in_chinese_and_western_formats(text, expected):
    assert parse_date(text).timetuple()[:3] == expected


def test_full_names_are_split_in_chinese_and_western_order():
    assert split_full_name("张伟") == ("张", "伟")
    assert split_full_name("欧阳修") == ("欧阳", "修")
    assert split_full_name("Wei Zhang") == ("Zhang", "Wei")
    assert split_full_name("ZHANG, Wei") == ("ZHANG", "Wei")


def test_mapping_is_guessed_from_chinese_and_english_headers():
    headers = ["姓名", "手机", "E-mail", "公司名称", "省份", "城市", "备注", "标签", "Unknown"]
    assert guess_mapping(CONTACTS, headers) == {
        "姓名": "full_name",
        "手机": "mobile",
        "E-mail": "email",
        "公司名称": "company",
        "省份": "province",
        "城市": "city",
        "备注": "description",
        "标签": "tags",
    }
    assert guess_mapping("customers.account", ["公司", "行业"]) == {
        "公司": "name",
        "行业": "industry",
    }


def test_dry_run_writes_nothing_and_reports_every_bad_row(admin):
    job = upload(admin, CHINESE_CSV.encode("gbk"))
    job = services.dry_run(actor=admin, job=job)
    assert Contact.objects.count() == 0
    assert Account.objects.count() == 0
    assert not Tag.objects.filter(name=f"import:{job.pk}").exists()
    assert job.status == ImportStatus.DRY_RUN_DONE
    assert (job.created_count, job.error_count) == (2, 1)
    errors = {(e.row, e.column, e.value) for e in job.row_errors.all()}
    assert (5, "手机", "12345") in errors
    assert (5, "邮箱", "ln@example") in errors
    assert (5, "生日", "不是日期") in errors or (5, "省", "火星") in errors


def test_import_creates_exactly_the_good_rows_normalised_and_tagged(admin):
    job = upload(admin, CHINESE_CSV.encode("gbk"))
    job = run(job)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.error_count, job.next_row) == (2, 1, 3)
    zhang = Contact.objects.get(family_name="张", given_name="伟")
    assert [p.value for p in zhang.phones.all()] == ["+8613812345678"]
    assert [e.value for e in zhang.emails.all()] == ["zw@huaxin.example"]
    assert zhang.birthday.isoformat() == "1985-03-05"
    assert sorted(t.name for t in zhang.tags.all()) == ["VIP", f"import:{job.pk}"]
    company = Account.objects.get(name="华信科技")  # created once, linked twice
    assert company.contact_links.count() == 2
    assert Contact.objects.count() == 2
    assert ImportRecord.objects.filter(job=job).count() == 3
    assert {e.row for e in job.row_errors.all()} == {5}


def test_xlsx_import_of_accounts(admin):
    content = xlsx_bytes(
        [["公司", "行业", "网址"], ["华信科技有限公司", "Technology", "huaxin.example"]]
    )
    job = services.start_import(
        actor=admin, target="customers.account", file=content, filename="a.xlsx"
    )
    job = run(job)
    assert list(job.row_errors.values_list("column", "message")) == []
    assert job.created_count == 1
    account = Account.objects.get()
    assert (account.name, account.industry) == ("华信科技有限公司", "technology")


def test_duplicates_are_skipped_or_updated_as_chosen(admin):
    existing = make_contact(
        owner=admin, family_name="张", given_name="伟", emails=[{"value": "zw@huaxin.example"}]
    )
    content = "姓名,邮箱,职位\n张伟,zw@huaxin.example,经理\n".encode()
    job = run(upload(admin, content))
    assert (job.created_count, job.skipped_count) == (0, 1)
    job = upload(admin, content)
    services.set_mapping(
        actor=admin, job=job, mapping=job.mapping, options={"on_duplicate": "update"}
    )
    job = run(job)
    existing.refresh_from_db()
    assert (job.updated_count, existing.title) == (1, "经理")
    assert Contact.objects.count() == 1


def test_an_import_killed_mid_batch_resumes_without_losing_or_doubling_a_row(
    admin, settings, monkeypatch
):
    settings.IMPORT_BATCH_SIZE = 2
    lines = ["姓名,手机"] + [f"客户{i},1381234{i:04d}" for i in range(7)]
    job = upload(admin, "\n".join(lines).encode())
    settings.IMPORT_BATCH_CONTACTS = False  # the per-row path (batches: test_import_batch)
    real = services.import_row
    calls = {"n": 0}

    def crash_in_batch_two(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:  # the second row of the second batch
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "import_row", crash_in_batch_two)
    job = run(job)
    assert job.status == ImportStatus.FAILED
    assert job.next_row == 2  # only the first batch committed
    assert Contact.objects.count() == 2
    monkeypatch.setattr(services, "import_row", real)
    job = run(job)  # resume
    assert job.status == ImportStatus.DONE
    names = sorted(Contact.objects.values_list("family_name", flat=True))
    assert names == [f"客户{i}" for i in range(7)]
    assert job.created_count == 7
    assert ImportRecord.objects.filter(job=job).count() == 7


def test_running_the_task_twice_does_not_double(admin):
    job = upload(admin, "姓名\n张伟\n王芳\n".encode())
    job = run(job)
    assert services.run_import(job.pk) is False
    assert Contact.objects.count() == 2


def test_rollback_trashes_exactly_the_imported_records(admin):
    other = make_contact(owner=admin, family_name="赵", given_name="六")
    job = run(upload(admin, CHINESE_CSV.encode("gbk")))
    assert services.rollback_import(actor=admin, job=job) == 3
    assert list(Contact.objects.all()) == [other]
    assert not Account.objects.exists()
    assert TrashItem.objects.count() == 3
    job.refresh_from_db()
    assert job.status == ImportStatus.ROLLED_BACK


def test_a_marketer_without_add_on_contacts_cannot_import():
    marketer = make_user(role="marketer")
    with pytest.raises(PermissionDenied):
        upload(marketer, "姓名\n张伟\n".encode())
    assert not services.ImportJob.objects.exists()


def test_another_user_cannot_see_or_run_your_import(admin):
    rep = make_user(role="sales_rep")
    other = make_user(role="sales_rep")
    job = upload(rep, "姓名\n张伟\n".encode())
    with pytest.raises(Http404):
        get_import_for(other, job.pk)
    with pytest.raises(PermissionDenied):
        services.dry_run(actor=other, job=job)
    assert get_import_for(admin, job.pk) == job


def test_files_over_the_upload_limit_are_refused(admin, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        upload(admin, "姓名\n张伟\n王芳\n".encode())


def test_a_worker_killed_outright_leaves_the_checkpoint_and_the_next_run_continues(
    admin, settings, monkeypatch
):
    """kill -9 runs no handler: the job stays "importing" with the last committed
    checkpoint; running the task again (or Resume) finishes it."""
    settings.IMPORT_BATCH_SIZE = 3
    lines = ["姓名,邮箱"] + [f"客户{i},c{i}@example.test" for i in range(8)]
    job = services.start_import_job(actor=admin, job=upload(admin, "\n".join(lines).encode()))
    settings.IMPORT_BATCH_CONTACTS = False  # the per-row path (batches: test_import_batch)
    real = services.import_row
    calls = {"n": 0}

    def killed(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # not an Exception: nothing marks the job failed
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "import_row", killed)
    with pytest.raises(KeyboardInterrupt):
        services.run_import(job.pk)
    job.refresh_from_db()
    assert (job.status, job.next_row, Contact.objects.count()) == ("importing", 3, 3)
    monkeypatch.setattr(services, "import_row", real)
    assert services.run_import(job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.next_row, job.created_count) == ("done", 8, 8)
    emails = sorted(Contact.objects.values_list("emails__value", flat=True))
    assert emails == sorted(f"c{i}@example.test" for i in range(8))


def test_the_old_systems_id_makes_a_second_import_of_the_file_find_its_records(admin):
    content = "客户编号,姓名,手机\nA-1,张伟,13812345678\nA-2,王芳,13912345678\n".encode()
    first = run(upload(admin, content))
    assert first.created_count == 2
    again = upload(admin, content)
    assert again.mapping["客户编号"] == "external_id"
    services.set_mapping(
        actor=admin, job=again, mapping=again.mapping, options={"on_duplicate": "create"}
    )
    again = run(again)
    assert (again.created_count, again.skipped_count, Contact.objects.count()) == (0, 2, 2)
    services.rollback_import(actor=admin, job=first)
    third = run(upload(admin, content))  # the trashed records' ids are taken over
    assert third.created_count == 2
    assert Contact.objects.count() == 2
