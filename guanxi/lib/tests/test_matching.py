"""Matching keys and the pairwise scorer: Chinese and Western names, phones, companies."""

from __future__ import annotations

import pytest

from guanxi.lib.blocking import WINDOW, blocking_keys, candidate_pairs
from guanxi.lib.matching import (
    MatchRules,
    PersonRecord,
    email_key,
    features,
    jaro_winkler,
    name_counts,
    name_key,
    name_weight_share,
    phone_key,
    score_features,
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


def test_a_typo_inside_the_family_name_still_meets_through_the_given_name():
    a = PersonRecord(family_name="Smith", given_name="Jonathan", street="12 High Street")
    b = PersonRecord(family_name="Smyth", given_name="Jonathan", street="12 High Street")

    assert candidate_pairs([a, b]) == {(0, 1)}
    assert score_pair(a, b).is_match()


def test_an_oversized_bucket_is_also_read_in_address_order():
    # Many Smiths between Jon and Jonathan by name; next to each other by address.
    # (Jonaa ... Jonas sort between Jon and Jonathan.)
    smiths = [
        PersonRecord(
            family_name="Smith", given_name=f"Jona{chr(97 + i)}", street=f"{i + 20} Oak Rd"
        )
        for i in range(19)
    ]
    jon = PersonRecord(family_name="Smith", given_name="Jon", street="12 High Street")
    jonathan = PersonRecord(family_name="Smith", given_name="Jonathan", street="12 High Street")

    pairs = candidate_pairs([jon, jonathan, *smiths], MatchRules(max_block_size=4))

    assert (0, 1) in pairs
    assert score_pair(jon, jonathan).is_match()


def test_an_oversized_bucket_pairs_each_record_with_its_next_neighbours_only():
    # Forty people called 张伟, in street order: each meets the next WINDOW of them.
    records = [PersonRecord(name="张伟", street=f"{i:03d} 中山路") for i in range(40)]

    pairs = candidate_pairs(records, MatchRules(max_block_size=4))

    # Name order and address order agree here (one name): the same neighbours.
    assert (0, 1) in pairs and (0, WINDOW) in pairs
    assert (0, WINDOW + 1) not in pairs
    assert len(pairs) == sum(min(WINDOW, 39 - i) for i in range(40))


def test_a_bucket_within_the_size_limit_pairs_all_its_records():
    records = [PersonRecord(name="张伟", street=f"{i:03d} 中山路") for i in range(WINDOW + 4)]

    pairs = candidate_pairs(records, MatchRules(max_block_size=WINDOW + 4))

    assert (0, WINDOW + 3) in pairs
    assert len(pairs) == (WINDOW + 4) * (WINDOW + 3) // 2


def test_jaro_winkler_known_values():
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert jaro_winkler("", "a") == 0.0
    assert jaro_winkler("abc", "abc") == 1.0
    # Winkler's prefix bonus only above a Jaro similarity of 0.7 (jellyfish, as defined
    # by Winkler; the earlier hand-written version always added it: 0.733 here).
    assert jaro_winkler("abcd", "abxy") == pytest.approx(2 / 3)


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


# --- disagreement counts: the scan's precision on ordinary CRM data ----------------------


def test_one_given_name_in_one_city_on_two_streets_is_two_people():
    # The raw similarities of two unrelated streets and postcodes of one city add up to
    # a match unless disagreeing fields count as disagreement.
    a = PersonRecord(
        family_name="Weber",
        given_name="Julia",
        street="新华路139号",
        city="成都",
        postcode="610343",
    )
    b = PersonRecord(family_name="Kelly", given_name="Julia", street="长江路583号", city="成都",
                     postcode="610749")  # fmt: skip

    result = score_pair(a, b)
    assert not result.is_match()
    assert result.score < 0.5


def test_two_house_numbers_on_one_road_are_two_addresses():
    home = {"family_name": "李", "given_name": "雨", "city": "宁波"}
    one = PersonRecord(street="黄河路365号", postcode="315728", **home)
    same = PersonRecord(street="黄河路365号", postcode="315728", **home)
    other = PersonRecord(street="黄河路136号", postcode="315372", **home)

    assert "same address" in score_pair(one, same).reasons
    assert "same address" not in score_pair(one, other).reasons
    assert score_pair(one, same).score - score_pair(one, other).score > 0.1


def test_different_emails_and_phones_weigh_against_a_shared_name():
    name = {"family_name": "King", "given_name": "Elizabeth", "city": "武汉"}
    bare = score_pair(PersonRecord(**name), PersonRecord(**name))
    apart = score_pair(
        PersonRecord(emails=("ek@a.com",), phones=("13812344229",), **name),
        PersonRecord(emails=("liz@b.com",), phones=("13998765432",), **name),
    )

    assert apart.score < bare.score
    assert not apart.is_match()
    # Switched off (weight 0), they do not count.
    off = MatchRules(different_email=0, different_phone=0)
    assert (
        score_pair(
            PersonRecord(emails=("ek@a.com",), **name),
            PersonRecord(emails=("liz@b.com",), **name),
            off,
        ).score
        == bare.score
    )


def test_same_person_with_a_new_phone_still_matches_on_name_and_address():
    home = {
        "street": "中山路12号",
        "city": "杭州",
        "postcode": "310001",
        "company": "华信科技有限公司",
    }
    before = PersonRecord(family_name="王", given_name="芳", phones=("13812344229",), **home)
    after = PersonRecord(family_name="王", given_name="芳", phones=("13998765432",), **home)

    assert score_pair(before, after).is_match()


def test_features_scoring_equals_pair_scoring():
    a = PersonRecord(name="张伟", emails=("zw@qq.com",), street="人民路1号", city="上海")
    b = PersonRecord(name="Wei Zhang", phones=("13812344229",), street="人民路1号", city="上海")

    assert score_features(features(a), features(b)) == score_pair(a, b)


def test_a_different_house_number_on_the_same_road_gives_the_street_no_credit():
    home = {"family_name": "Carter", "given_name": "Felix", "city": "长沙"}
    no_street = score_pair(PersonRecord(**home), PersonRecord(**home))
    numbers = score_pair(
        PersonRecord(street="解放路190号", **home), PersonRecord(street="解放路417号", **home)
    )
    # The street is compared and disagrees: the score falls as for any other street.
    other_road = score_pair(
        PersonRecord(street="解放路190号", **home), PersonRecord(street="人民路695号", **home)
    )

    assert numbers.score == other_road.score < no_street.score


def test_six_digit_postcodes_agree_only_when_equal_other_postcodes_allow_a_typo():
    def postcode_score(a: str, b: str) -> float:
        name = {"family_name": "Murphy", "given_name": "Sharon", "city": "成都"}
        return score_pair(PersonRecord(postcode=a, **name), PersonRecord(postcode=b, **name)).score

    # 610031 and 610631 are two districts of Chengdu: as far apart as 610031 and 100080.
    assert postcode_score("610031", "610631") == postcode_score("610031", "100080")
    assert postcode_score("610031", "610031") > postcode_score("610031", "610631")
    # A four-digit postcode with two digits swapped (a typo) still counts partly.
    assert postcode_score("2615", "2651") > postcode_score("2615", "3000")


def test_two_companies_named_after_one_pattern_disagree():
    name = {"family_name": "Murphy", "given_name": "Sharon", "city": "成都"}
    same_pattern = score_pair(
        PersonRecord(company="宏图188实业有限公司", **name),
        PersonRecord(company="同创1098实业有限公司", **name),
    )
    unrelated = score_pair(
        PersonRecord(company="宏图188实业有限公司", **name),
        PersonRecord(company="Siemens AG", **name),
    )

    assert same_pattern.score == unrelated.score
    assert "same company" not in " ".join(same_pattern.reasons)


def test_name_counts_count_a_name_in_either_order_and_script():
    records = [PersonRecord(name="张伟"), PersonRecord(name="Wei Zhang"), PersonRecord(name="王芳")]

    assert name_counts([*records, PersonRecord(emails=("x@y.cn",))]) == [2, 2, 1, 0]


def test_a_name_keeps_less_of_its_weight_the_more_people_bear_it():
    assert name_weight_share(1) == name_weight_share(2) == 1.0
    assert 1.0 > name_weight_share(3) > name_weight_share(40) > 0


def test_a_common_name_in_one_city_is_not_one_person_unless_more_agrees():
    def scored(street_b: str, bearers: int) -> float:
        a = PersonRecord(name="张伟", city="北京", street="人民路1号")
        b = PersonRecord(name="张伟", city="北京", street=street_b)
        others = [PersonRecord(name="张伟", city="上海") for _ in range(bearers - 2)]
        records = [a, b, *others]
        counts = name_counts(records)
        first, second = features(a, name_count=counts[0]), features(b, name_count=counts[1])
        return score_features(first, second).score

    threshold = MatchRules().threshold
    # Two of the name in the whole base, in one city: suggested.
    assert scored("人民路2号", bearers=2) >= threshold
    # Forty bear it: the same name and city alone is no longer enough ...
    assert scored("人民路2号", bearers=40) < threshold
    # ... but the same name at the same door still is.
    assert scored("人民路1号", bearers=40) >= threshold


def test_a_typo_of_a_common_name_counts_no_more_than_the_name_itself():
    # Forty John Smiths in the base, one Jonh Smith: the typo's rarity is no evidence.
    home = {"city": "上海", "street": "长江路5号"}
    a = PersonRecord(given_name="John", family_name="Smith", **home)
    exact = PersonRecord(given_name="John", family_name="Smith", street="延安路9号", city="上海")
    typo = PersonRecord(given_name="Jonh", family_name="Smith", street="延安路9号", city="上海")
    crowd = [PersonRecord(given_name="John", family_name="Smith") for _ in range(38)]
    counts = name_counts([a, exact, typo, *crowd])

    def scored(other: PersonRecord, count: int) -> float:
        first, second = features(a, name_count=counts[0]), features(other, name_count=count)
        return score_features(first, second).score

    assert scored(typo, counts[2]) <= scored(exact, counts[1]) < MatchRules().threshold


def test_a_unit_or_room_number_more_is_the_same_door():
    name = {"family_name": "王", "given_name": "芳", "city": "杭州"}
    door = PersonRecord(street="中山路153号", **name)
    flat = PersonRecord(street="中山路153号2单元301室", **name)
    next_door = PersonRecord(street="中山路155号2单元301室", **name)
    no_street = PersonRecord(**name)

    assert score_pair(door, flat).score >= score_pair(door, no_street).score
    assert score_pair(door, next_door).score < score_pair(door, no_street).score
