"""Matching keys and the pairwise scorer: Chinese and Western names, phones, companies."""

from __future__ import annotations

import pytest

from guanxi.lib.matching import (
    MatchRules,
    PersonRecord,
    blocking_keys,
    candidate_pairs,
    email_key,
    jaro_winkler,
    name_key,
    phone_key,
    score_pair,
)


@pytest.mark.parametrize(
    "record",
    [
        PersonRecord(name="张伟"),
        PersonRecord(family_name="张", given_name="伟"),
        PersonRecord(family_name="Zhang", given_name="Wei"),
        PersonRecord(family_name="ZHANG", given_name="Wei"),
        PersonRecord(name="Wei Zhang"),
        PersonRecord(name="Zhang, Wei"),
    ],
)
def test_every_spelling_of_zhang_wei_has_the_same_name_key(record):
    assert name_key(record) == "wei zhang"


def test_chinese_and_pinyin_name_scores_as_the_same_name_with_a_reason():
    result = score_pair(PersonRecord(name="张伟"), PersonRecord(name="Zhang Wei"))

    assert result.is_match()
    assert result.reasons == ["name 张伟 = Zhang Wei"]


def test_family_name_first_in_latin_matches_western_order():
    result = score_pair(
        PersonRecord(family_name="ZHANG", given_name="Wei", city="Shanghai", street="1 Main Rd"),
        PersonRecord(name="Wei Zhang", city="shanghai", street="1 main rd."),
    )

    assert result.score == 1.0


def test_compound_surname_is_kept_together():
    assert name_key(PersonRecord(name="欧阳娜娜")) == "nana ouyang"


def test_different_people_with_the_same_family_name_score_low():
    result = score_pair(PersonRecord(name="张伟"), PersonRecord(name="张丽娟"))

    assert result.score < MatchRules().threshold


@pytest.mark.parametrize(
    "raw",
    ["+86 138 1234 4229", "13812344229", "138-1234-4229", "(+86) 138 1234 4229", "0086 13812344229",
     "１３８１２３４４２２９"],
)  # fmt: skip
def test_phones_in_every_format_have_the_same_key(raw):
    assert phone_key(raw) == "8613812344229"


def test_same_phone_is_a_strong_reason_naming_its_last_four_digits():
    result = score_pair(
        PersonRecord(name="王芳", phones=("138 1234 4229",)),
        PersonRecord(name="Fang W.", phones=("+8613812344229",)),
    )

    assert result.score == MatchRules().same_phone_score
    assert "same phone ending 4229" in result.reasons


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wei.Zhang@Gmail.com", "weizhang+crm@googlemail.com"),
        ("WEI@example.COM", "wei@example.com"),
    ],
)
def test_email_keys_ignore_case_and_gmail_dots(a, b):
    assert email_key(a) == email_key(b)


def test_dots_matter_outside_gmail():
    assert email_key("wei.zhang@example.com") != email_key("weizhang@example.com")


def test_same_email_gives_the_email_score_and_reason():
    result = score_pair(
        PersonRecord(name="Li Na", emails=("li.na@gmail.com",)),
        PersonRecord(name="Nina Lee", emails=("LiNa@gmail.com",)),
    )

    assert result.score == MatchRules().same_email_score
    assert result.reasons[0] == "same email lina@gmail.com"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("华为技术有限公司", "华为技术"),
        ("Acme Co., Ltd.", "ACME"),
        ("Acme Inc.", "acme limited"),
        ("阿里巴巴（中国）有限公司", "阿里巴巴"),
    ],
)
def test_companies_match_without_their_legal_suffix(a, b):
    result = score_pair(
        PersonRecord(name="李娜", company=a, city="北京"),
        PersonRecord(name="李娜", company=b, city="北京"),
    )

    assert result.score == 1.0
    assert any(reason.startswith("same company") for reason in result.reasons)


def test_blocking_puts_both_name_orders_and_scripts_in_a_shared_bucket():
    keys_a = blocking_keys(PersonRecord(name="张伟", city="上海"))
    keys_b = blocking_keys(PersonRecord(name="Wei Zhang", city="上海"))

    assert keys_a & keys_b


def test_candidate_pairs_only_compare_records_that_share_a_bucket():
    records = [
        PersonRecord(name="张伟", emails=("a@x.cn",)),
        PersonRecord(name="Zhang Wei"),
        PersonRecord(name="Mary Smith", emails=("m@y.com",)),
    ]

    assert candidate_pairs(records) == {(0, 1)}


def test_oversized_blocks_are_skipped():
    records = [PersonRecord(name="张伟") for _ in range(5)]

    assert candidate_pairs(records, MatchRules(max_block_size=4)) == set()


def test_jaro_winkler_known_values():
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert jaro_winkler("", "a") == 0.0
    assert jaro_winkler("abc", "abc") == 1.0


def test_a_shared_chinese_family_name_and_a_look_alike_address_are_not_one_person():
    # Two people of one family name in one city, on look-alike streets, one postcode
    # area: the Latin-name weights would call them the same person.
    a = PersonRecord(
        family_name="陶", given_name="斌英", street="人民路12号", city="杭州", postcode="310001"
    )
    b = PersonRecord(
        family_name="陶", given_name="杰", street="人民路21号", city="杭州", postcode="310002"
    )
    assert not score_pair(a, b).is_match()

    # The same person written in characters and in pinyin still is.
    c = PersonRecord(family_name="Tao", given_name="Jie", street="人民路21号", city="杭州")
    result = score_pair(b, c)
    assert result.is_match() and "name 陶杰 = Jie Tao" in result.reasons

    # And a shared phone still links people whose names differ (a nickname).
    d = PersonRecord(family_name="陶", given_name="小杰", phones=("13812344229",))
    e = PersonRecord(family_name="陶", given_name="杰", phones=("+86 138 1234 4229",))
    assert score_pair(d, e).is_match()


def test_chinese_names_in_characters_agree_only_when_they_read_the_same():
    same_city = {"street": "解放路8号", "city": "杭州", "postcode": "310001"}
    li_zi = PersonRecord(family_name="李", given_name="梓", **same_city)
    liu_zi = PersonRecord(family_name="刘", given_name="子", **same_city)
    result = score_pair(li_zi, liu_zi)
    assert not result.is_match()
    assert not any("name" in reason for reason in result.reasons)

    # An input-method slip (张伟 / 张玮 read the same) is still one person.
    slip = score_pair(
        PersonRecord(family_name="张", given_name="伟", **same_city),
        PersonRecord(family_name="张", given_name="玮", **same_city),
    )
    assert slip.is_match() and slip.reasons[0] == "name 张伟 = 张玮"
