"""Company helpers: legal-suffix stripping and the duplicate-matching key."""

import pytest

from guanxi.lib.companies import normalize_company, strip_legal_suffix


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("北京字节跳动科技有限公司", "北京字节跳动科技"),
        ("平安银行股份有限公司", "平安银行"),
        ("某某科技有限责任公司", "某某科技"),
        ("华为集团有限公司", "华为集团"),
        ("华为集团", "华为集团"),
        ("西门子（中国）有限公司", "西门子"),
        ("西门子(中国)有限公司", "西门子"),
        ("阿里巴巴（中国）网络技术有限公司", "阿里巴巴（中国）网络技术"),
    ],
)
def test_strip_legal_suffix_removes_chinese_legal_forms(name, expected):
    assert strip_legal_suffix(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Co., Ltd.", "Acme"),
        ("Acme Co. Ltd", "Acme"),
        ("Acme Co.,Ltd.", "Acme"),
        ("Acme Ltd", "Acme"),
        ("Acme Ltd.", "Acme"),
        ("Acme Limited", "Acme"),
        ("Acme, Inc.", "Acme"),
        ("Acme Inc", "Acme"),
        ("Acme Corp", "Acme"),
        ("Acme Corporation", "Acme"),
        ("Acme LLC", "Acme"),
        ("Acme GmbH", "Acme"),
        ("Siemens AG", "Siemens"),
        ("Nestlé S.A.", "Nestlé"),
        ("Danone SA", "Danone"),
        ("Total SAS", "Total"),
        ("Philips B.V.", "Philips"),
        ("Shell BV", "Shell"),
        ("BP PLC", "BP"),
        ("Qantas Pty Ltd", "Qantas"),
        ("Sony KK", "Sony"),
        ("Acme Co.", "Acme"),
        ("acme co., ltd.", "acme"),
        ("Siemens (China) Co., Ltd.", "Siemens"),
        ("  Acme Holdings Ltd.  ", "Acme Holdings"),
    ],
)
def test_strip_legal_suffix_removes_western_legal_forms(name, expected):
    assert strip_legal_suffix(name) == expected


@pytest.mark.parametrize(
    "name",
    ["Acme Ltdx", "Ultd Holdings", "Coltd", "Bag", "Acme Group", "Ltd", "有限公司", "Limited"],
)
def test_strip_legal_suffix_keeps_words_that_only_look_like_legal_forms(name):
    assert strip_legal_suffix(name) == name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ACME Co., Ltd.", "acme"),
        ("Acme", "acme"),
        ("  Acme   Holdings  Ltd ", "acme holdings"),
        ("AT&T Inc.", "att"),
        ("Johnson & Johnson", "johnson johnson"),
        ("Acme-Tech GmbH", "acme tech"),
        ("ＡＣＭＥ有限公司", "acme"),
        ("西门子（中国）有限公司", "西门子"),
    ],
)
def test_normalize_company_gives_a_matching_key(name, expected):
    assert normalize_company(name) == expected


def test_normalize_company_gives_spellings_of_one_company_the_same_key():
    assert normalize_company("ACME Co., Ltd.") == normalize_company("Acme")
