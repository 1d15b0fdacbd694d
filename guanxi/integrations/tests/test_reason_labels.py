"""The duplicate matchers' English reasons shown in the reader's language: every form
the contact and account matchers emit, the duplicates page and the import warning."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from guanxi.integrations import account_matching
from guanxi.integrations.account_matching import CompanyRecord
from guanxi.integrations.imports.matching import Likely, likely_warning
from guanxi.integrations.models_account_dedupe import AccountPair
from guanxi.integrations.models_dedupe import DuplicatePair
from guanxi.integrations.reason_labels import reason_label, reason_labels
from guanxi.lib.matching import PersonRecord, score_pair
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

# (what a matcher stores, how a zh-hans page shows it)
FORMS = [
    ("same email a.b@example.cn", "邮箱相同：a.b@example.cn"),
    ("same phone ending 8000", "电话尾号相同：8000"),
    ("same name 张伟", "姓名相同：张伟"),
    ("same name Wei Zhang", "姓名相同：Wei Zhang"),
    ("name 张伟 = Wei Zhang", "姓名一致：张伟 = Wei Zhang"),
    ("similar name Jonathan Smith ~ Jonathon Smith", "名称相似：Jonathan Smith ~ Jonathon Smith"),
    ("same address", "地址相同"),
    ("same postcode 310001", "邮编相同：310001"),
    ("same company 华为技术", "公司相同：华为技术"),
    ("same birth year 1980", "出生年份相同：1980"),
    (
        "same name 华为技术 (华为技术有限公司 = 华为技术(中国)有限公司)",
        "名称相同：华为技术（华为技术有限公司 = 华为技术(中国)有限公司）",
    ),
    ("different provinces ZJ / GD", "省份不同：ZJ / GD"),
    ("same website huawei.com", "网站域名相同：huawei.com"),
]


@pytest.mark.parametrize(("reason", "chinese"), FORMS)
def test_each_reason_form_reads_in_chinese_with_its_values(reason, chinese):
    with translation.override("zh-hans"):
        assert reason_label(reason) == chinese


@pytest.mark.parametrize(("reason", "_chinese"), FORMS)
def test_each_reason_form_reads_unchanged_in_english(reason, _chinese):
    with translation.override("en"):
        assert reason_label(reason) == reason


def test_a_reason_of_no_known_form_passes_through():
    with translation.override("zh-hans"):
        assert reason_label("same shoe size 42") == "same shoe size 42"
        assert reason_label("") == ""


def test_every_reason_the_matchers_emit_has_a_translation():
    # given records that agree on everything each matcher compares
    person = PersonRecord(
        name="张伟",
        emails=("a@b.cn",),
        phones=("13800138000",),
        street="中山路1号",
        city="杭州",
        postcode="310001",
        company="华为技术有限公司",
        birth_year=1980,
    )
    first = CompanyRecord(
        name="华为技术有限公司",
        website="https://huawei.com",
        phones=("0571 8888 1234",),
        province="ZJ",
    )
    second = CompanyRecord(
        name="华为技术(中国)有限公司",
        website="www.huawei.com",
        phones=("057188881234",),
        province="GD",
    )
    reasons = [
        *score_pair(person, person).reasons,
        *score_pair(
            PersonRecord(family_name="张", given_name="伟"),
            PersonRecord(family_name="Zhang", given_name="Wei"),
        ).reasons,
        *score_pair(
            PersonRecord(family_name="Smith", given_name="Jonathan"),
            PersonRecord(family_name="Smith", given_name="Jonathon"),
        ).reasons,
        *account_matching.score_pair(first, second).reasons,
    ]
    # then each one is recognised: shown in Chinese, not left in English
    assert len(reasons) == 13
    with translation.override("zh-hans"):
        untranslated = [reason for reason in reasons if reason_label(reason) == reason]
    assert untranslated == []


def test_reasons_are_joined_and_escaped_in_templates():
    template = Template("{% load duplicate_reasons %}{{ reasons|reason_labels }}")
    reasons = ["same email a@b.cn", "same name <b>李</b>"]
    with translation.override("zh-hans"):
        shown = template.render(Context({"reasons": reasons}))
    assert shown == "邮箱相同：a@b.cn; 姓名相同：&lt;b&gt;李&lt;/b&gt;"
    with translation.override("zh-hans"):
        assert reason_labels([]) == ""


@pytest.mark.django_db
def test_duplicates_page_in_chinese_shows_translated_reasons(client):
    # given a Chinese-speaking administrator and a stored contact and account pair
    admin = make_user(role="administrator", language="zh-hans")
    one, two = make_contact(owner=admin), make_contact(owner=admin)
    stored = ["same email a@b.cn", "same name 张伟"]
    DuplicatePair.objects.create(first=one, second=two, score=0.97, reasons=stored)
    first, second = make_account(owner=admin), make_account(owner=admin)
    AccountPair.objects.create(
        first=first, second=second, score=0.93, reasons=["same website huawei.com"]
    )
    client.force_login(admin)

    # when the page is shown
    page = client.get(reverse("integrations:duplicate_list")).content.decode()

    # then the reasons read in Chinese, and what is stored is still English
    assert "邮箱相同：a@b.cn; 姓名相同：张伟" in page
    assert "网站域名相同：huawei.com" in page
    assert "same email" not in page
    assert DuplicatePair.objects.get().reasons == stored


@pytest.mark.django_db
def test_duplicates_page_in_english_shows_reasons_as_stored(client):
    admin = make_user(role="administrator", language="en")
    one, two = make_contact(owner=admin), make_contact(owner=admin)
    DuplicatePair.objects.create(
        first=one, second=two, score=0.97, reasons=["same email a@b.cn", "same address"]
    )
    client.force_login(admin)

    page = client.get(reverse("integrations:duplicate_list")).content.decode()

    assert "same email a@b.cn; same address" in page


def test_import_warning_names_the_reasons_in_the_readers_language():
    likely = Likely("张伟", 0.9, ["same email a@b.cn", "same name 张伟"])
    with translation.override("zh-hans"):
        message = likely_warning(likely, skipped=True)
    assert message == "可能与 张伟 重复（得分 0.90：邮箱相同：a@b.cn, 姓名相同：张伟）；已跳过。"
    with translation.override("en"):
        message = likely_warning(likely, skipped=False)
    assert message == (
        "Possible duplicate of 张伟 (score 0.90: same email a@b.cn, same name 张伟); "
        "created anyway."
    )


@pytest.mark.django_db
def test_create_form_warning_reads_the_reasons_in_the_readers_language(client):
    from guanxi.customers.tests.matrix_rows import formset

    admin = make_user(role="administrator", language="zh-hans")
    make_contact(owner=admin, family_name="张", given_name="伟", emails=[{"value": "zw@qq.com"}])
    client.force_login(admin)
    data = {
        "family_name": "张",
        "given_name": "伟",
        "owner": admin.pk,
        **formset("phones"),
        **formset("emails", [{"kind": "work", "value": "ZW@qq.com"}]),
        **formset("addresses"),
    }

    page = client.post(reverse("customers:contact_create"), data).content.decode()

    assert 'data-testid="possible-duplicate"' in page
    assert "邮箱相同：zw@qq.com" in page
    assert "same email" not in page


def test_a_reason_with_a_line_break_in_a_name_is_translated_too():
    with translation.override("zh-hans"):
        assert reason_label("same name Ann\nMarie") == "姓名相同：Ann\nMarie"
