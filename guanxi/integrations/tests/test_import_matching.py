"""Imports match existing customers the way the create form does: exact identifiers
among the records the importing user can see, the duplicate engine's likely matches as
warnings (created or skipped, as chosen), and no row of a file made twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.core.models import AuditEntry, Role, RoleGrant
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Account, Contact
from guanxi.integrations.imports import services
from guanxi.integrations.models import ExternalRef
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

CONTACTS = "customers.contact"
ACCOUNTS = "customers.account"


@pytest.fixture
def admin():
    return make_user(role="administrator")


def upload(actor, text, target=CONTACTS, **options):
    job = services.start_import(actor=actor, target=target, file=text.encode(), filename="old.csv")
    if options:
        services.set_mapping(actor=actor, job=job, mapping=job.mapping, options=options)
    return job


def check(job):
    return services.dry_run(actor=job.created_by, job=job)


def run(job):
    job = services.start_import_job(actor=job.created_by, job=job)
    services.run_import(job.pk)
    job.refresh_from_db()
    return job


def problems(job):
    return [(e.row, e.column, e.message) for e in job.row_errors.all()]


def counts(job):
    return (job.created_count, job.updated_count, job.skipped_count, job.error_count)


def test_an_email_of_a_contact_the_rep_cannot_see_neither_updates_it_nor_is_found():
    # Given another rep's contact with the email of the file's row
    other = make_contact(owner=make_user(role="sales_rep"), emails=[{"value": "li@x.example"}])
    rep = make_user(role="sales_rep")

    # When the rep imports the row with "link and update"
    job = run(upload(rep, "姓名,邮箱,职位\n李娜,LI@x.example,经理\n", on_duplicate="update"))

    # Then the other rep's contact is untouched and the rep has a contact of their own
    assert counts(job) == (1, 0, 0, 0)
    other.refresh_from_db()
    assert other.title == ""
    assert Contact.objects.get(owner=rep).title == "经理"


def test_an_exact_match_the_user_may_see_but_not_change_is_an_error_on_its_column():
    # Given a role that sees every contact but changes only its own
    role = Role.objects.create(code="importer", name="Importer")
    for action, scope in (("view", "all"), ("add", "own"), ("change", "own")):
        RoleGrant.objects.create(role=role, object_type=CONTACTS, action=action, scope=scope)
    user = make_user()
    user.roles.add(role)
    theirs = make_contact(phones=[{"value": "13812345678"}])

    # When the user imports the same mobile with "link and update"
    job = check(upload(user, "姓名,手机,职位\n王芳,138 1234 5678,经理\n", on_duplicate="update"))

    # Then the row fails, naming the column, and nothing is changed
    assert problems(job) == [(2, "手机", "This matches a contact you may not change.")]
    assert counts(job) == (0, 0, 0, 1)
    theirs.refresh_from_db()
    assert theirs.title == ""


def test_an_old_system_id_of_a_record_the_user_cannot_see_is_an_error_never_a_second_record(
    admin,
):
    first = run(upload(admin, "编号,姓名\nC-1,张伟\n"))
    assert counts(first) == (1, 0, 0, 0)
    rep = make_user(role="sales_rep")

    job = run(upload(rep, "编号,姓名\nC-1,张伟\n", on_duplicate="create"))

    assert problems(job) == [(2, "编号", "This matches a contact you may not change.")]
    assert Contact.objects.count() == 1
    assert ExternalRef.objects.get(external_id="C-1").object_id == Contact.objects.get().pk


def test_accounts_match_by_name_without_the_legal_form_and_by_website(admin):
    huaxin = make_account(owner=admin, name="华信科技有限公司")
    foo = make_account(owner=admin, name="Foo Ltd", website="https://foo.example")
    text = "公司名称,网站,备注\n华信科技,,老客户\nFoo Trading,http://www.foo.example/,网站相同\n新公司,,\n"

    job = run(upload(admin, text, target=ACCOUNTS, on_duplicate="update"))

    assert counts(job) == (1, 2, 0, 0)
    huaxin.refresh_from_db()
    foo.refresh_from_db()
    assert (huaxin.description, foo.description) == ("老客户", "网站相同")
    assert Account.objects.count() == 3


def test_a_contact_row_links_the_visible_account_whatever_its_legal_form(admin):
    huaxin = make_account(owner=admin, name="华信科技有限公司")
    make_account(owner=make_user(role="sales_rep"), name="远景贸易")
    rep = make_user(role="sales_rep")
    rep_huaxin = make_account(owner=rep, name="华信科技（中国）有限公司")

    run(upload(admin, "姓名,公司\n张伟,华信科技\n"))
    run(upload(rep, "姓名,公司\n王芳,华信科技\n李娜,远景贸易\n"))

    assert Contact.objects.get(family_name="张").account_links.get().account == huaxin
    assert Contact.objects.get(family_name="王").account_links.get().account == rep_huaxin
    # the other rep's 远景贸易 is not theirs to link: the rep's import makes its own
    assert Contact.objects.get(family_name="李").account_links.get().account.owner == rep


def test_a_likely_duplicate_is_a_warning_in_the_check_and_created_by_default(admin):
    make_contact(owner=admin, family_name="Zhang", given_name="Wei")

    job = check(upload(admin, "姓名\n张伟\n"))

    assert counts(job) == (1, 0, 0, 0)
    [(row, column, message)] = problems(job)
    assert (row, column) == (2, "姓名")
    assert message.startswith("Possible duplicate of Wei Zhang (score 0.")
    assert "name 张伟 = Wei Zhang" in message and message.endswith("created anyway.")
    assert list(job.row_errors.values_list("kind", flat=True)) == ["warning"]
    job = run(job)
    assert Contact.objects.count() == 2
    assert [m for _r, _c, m in problems(job)] == [message]
    assert list(job.row_errors.values_list("kind", flat=True)) == ["warning"]


def test_likely_duplicates_can_be_skipped_and_are_still_listed(admin):
    make_contact(owner=admin, family_name="Zhang", given_name="Wei")

    job = run(upload(admin, "姓名\n张伟\n欧阳修\n", likely_duplicates="skip"))

    assert counts(job) == (1, 0, 1, 0)
    assert problems(job)[0][2].endswith("; skipped.")
    assert list(Contact.objects.values_list("family_name", flat=True).order_by("pk")) == [
        "Zhang",
        "欧阳",
    ]


def test_likely_duplicates_of_records_the_user_cannot_see_are_not_reported():
    make_contact(family_name="Zhang", given_name="Wei")
    rep = make_user(role="sales_rep")

    job = check(upload(rep, "姓名\n张伟\n", likely_duplicates="skip"))

    assert (counts(job), problems(job)) == ((1, 0, 0, 0), [])


def test_a_likely_duplicate_account_is_warned(admin):
    make_account(owner=admin, name="ACME Trading")

    job = check(upload(admin, "name\nACME Tradng\n", target=ACCOUNTS))

    [(_row, column, message)] = problems(job)
    assert column == "name"
    assert message.startswith("Possible duplicate of ACME Trading")


def test_rows_of_one_file_with_the_same_email_or_phone_make_one_contact(admin):
    text = (
        "姓名,邮箱,手机\n"
        "张伟,zw@x.example,\n"
        "张伟,ZW@x.example,\n"
        "王芳,,13812345678\n"
        "王芳,,138 1234 5678\n"
    )
    # even with "create anyway", which is about records that existed before the file
    job = check(upload(admin, text, on_duplicate="create"))

    assert counts(job) == (2, 0, 2, 0)
    assert problems(job) == [
        (
            3,
            "邮箱",
            "Same value as 张伟, made from an earlier row of this file; not imported twice.",
        ),
        (
            5,
            "手机",
            "Same value as 王芳, made from an earlier row of this file; not imported twice.",
        ),
    ]
    assert counts(run(job)) == (2, 0, 2, 0)
    assert Contact.objects.count() == 2


def test_a_repeated_row_updates_the_first_with_link_and_update(admin):
    job = run(
        upload(
            admin,
            "姓名,邮箱,职位\n张伟,zw@x.example,\n张伟,zw@x.example,经理\n",
            on_duplicate="update",
        )
    )

    assert counts(job) == (1, 1, 0, 0)
    assert Contact.objects.get().title == "经理"


def test_the_likely_check_costs_the_same_however_many_customers_exist(admin):
    def queries_for_one_row():
        job = upload(admin, "姓名,邮箱\n欧阳修,oy@x.example\n")
        with CaptureQueriesContext(connection) as captured:
            check(job)
        return len(captured)

    make_contact(owner=admin, family_name="Li", given_name="Na")
    queries_for_one_row()  # caches warmed: the rules, content types
    few = queries_for_one_row()
    for n in range(30):
        make_contact(owner=admin, family_name="Chen", given_name=f"No{n}")

    assert queries_for_one_row() == few


def test_warnings_are_kept_apart_from_errors_and_never_push_them_out(admin, monkeypatch):
    monkeypatch.setattr(services, "DRY_RUN_KEPT_ERRORS", 2)
    for name in ("Zhang Wei", "Wang Fang", "Li Na"):
        family, given = name.split()
        make_contact(owner=admin, family_name=family, given_name=given)
    # three likely duplicates first, then two rows with a bad email
    text = "姓名,邮箱\n张伟,\n王芳,\n李娜,\n赵六,bad\n钱七,worse\n"

    job = check(upload(admin, text))

    kinds = list(job.row_errors.values_list("kind", "row"))
    assert [row for kind, row in kinds if kind == "error"] == [5, 6]
    assert [row for kind, row in kinds if kind == "warning"] == [2, 3]


def test_the_option_is_on_the_mapping_page_and_in_the_api(client, admin):
    job = upload(admin, "姓名\n张伟\n")
    client.force_login(admin)
    page = client.get(reverse("integrations:import_mapping", args=[job.pk])).content.decode()
    assert 'name="likely_duplicates"' in page

    client.post(
        reverse("integrations:import_mapping", args=[job.pk]),
        {"column_0": "full_name", "on_duplicate": "skip", "likely_duplicates": "skip"},
    )
    job.refresh_from_db()
    assert job.options["likely_duplicates"] == "skip"

    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}
    response = client.put(
        f"/api/v1/imports/{job.pk}/mapping",
        {"mapping": {"姓名": "full_name"}, "likely_duplicates": "create"},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["options"]["likely_duplicates"] == "create"
    with pytest.raises(ValidationError):
        services.set_mapping(
            actor=admin, job=job, mapping=job.mapping, options={"likely_duplicates": "merge"}
        )


def test_someone_elses_record_tagged_like_the_import_is_never_taken_for_an_earlier_row():
    # Given a rep's import, and another rep's contact carrying the import's tag
    rep = make_user(role="sales_rep")
    job = upload(rep, "姓名,邮箱,手机\n陈静,cj@x.example,\n", on_duplicate="create")
    stranger = make_contact(
        owner=make_user(role="sales_rep"),
        emails=[{"value": "cj@x.example"}],
        tags=[f"import:{job.pk}"],
    )

    # When the import runs
    job = run(job)

    # Then the row is a new contact of the rep's, and nothing names the stranger's
    assert counts(job) == (1, 0, 0, 0)
    assert problems(job) == []
    assert Contact.objects.filter(owner=rep).count() == 1
    stranger.refresh_from_db()
    assert stranger.owner != rep


def test_an_account_file_imported_again_to_update_leaves_unchanged_accounts_unsaved(admin):
    text = "公司名称,网站,备注\n华信科技,huaxin.example,老客户\n博远咨询, www.boyuan.example ,\n"
    run(upload(admin, text, target=ACCOUNTS))
    saved = dict(Account.objects.values_list("name", "updated_at"))
    entries = AuditEntry.objects.filter(object_type=ACCOUNTS).count()

    again = run(
        upload(admin, text.replace("老客户", "大客户"), target=ACCOUNTS, on_duplicate="update")
    )

    assert counts(again) == (0, 2, 0, 0)
    now = dict(Account.objects.values_list("name", "updated_at"))
    assert now["博远咨询"] == saved["博远咨询"]  # the same web address, as it is stored
    assert now["华信科技"] != saved["华信科技"]
    changes = AuditEntry.objects.filter(object_type=ACCOUNTS).order_by("pk")[entries:]
    assert [e.changes for e in changes] == [{"description": ["老客户", "大客户"]}]


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "row by row"])
def test_a_bad_value_the_update_does_not_write_is_a_warning_and_the_record_is_updated(
    admin, settings, batched
):
    settings.IMPORT_BATCH_CONTACTS = batched
    make_contact(owner=admin, family_name="张", given_name="伟", phones=[{"value": "13800138000"}])
    text = "姓名,手机,职位,负责人邮箱\n张伟,13800138000,经理,left@example.test\n"

    job = run(upload(admin, text, on_duplicate="update"))

    assert counts(job) == (0, 1, 0, 0)
    assert Contact.objects.get().title == "经理"
    assert [(e.row, e.column, e.kind) for e in job.row_errors.all()] == [
        (2, "负责人邮箱", "warning")
    ]


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "row by row"])
def test_a_phone_many_contacts_share_is_looked_up_in_chunks(settings, monkeypatch, batched):
    """Contacts sharing a placeholder phone are narrowed to the importer's a few ids at
    a time (SQLite refuses too many parameters): the rep's own one, the last, is found."""
    from guanxi.integrations.imports import matching

    monkeypatch.setattr(matching, "ID_CHUNK", 2)
    settings.IMPORT_BATCH_CONTACTS = batched
    others = make_user(role="sales_rep")
    for _ in range(5):
        make_contact(owner=others, phones=[{"value": "13800138000"}])
    rep = make_user(role="sales_rep")
    mine = make_contact(
        owner=rep, family_name="李", given_name="娜", phones=[{"value": "13800138000"}]
    )

    job = run(upload(rep, "姓名,手机,职位\n李娜,13800138000,经理\n", on_duplicate="update"))

    assert counts(job) == (0, 1, 0, 0)
    mine.refresh_from_db()
    assert mine.title == "经理"
