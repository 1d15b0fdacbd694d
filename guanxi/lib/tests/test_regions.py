"""Region data: 34 provincial-level divisions, their cities, choices and look-ups."""

import pytest

from guanxi.lib.regions import (
    CITIES,
    PROVINCES,
    City,
    Province,
    city_choices,
    find_province,
    is_valid_city,
    province_choices,
)

MUNICIPALITIES_AND_SARS = {"11", "12", "31", "50", "81", "82"}


def test_provinces_are_34_with_unique_codes():
    codes = [province.code for province in PROVINCES]

    assert len(PROVINCES) == 34
    assert len(set(codes)) == 34
    assert all(len(code) == 2 and code.isdigit() for code in codes)


def test_every_province_has_at_least_one_city():
    assert set(CITIES) == {province.code for province in PROVINCES}
    assert all(len(CITIES[province.code]) >= 1 for province in PROVINCES)


def test_mainland_provinces_list_all_333_prefecture_level_divisions():
    mainland = [code for code in CITIES if code not in MUNICIPALITIES_AND_SARS | {"71"}]

    assert sum(len(CITIES[code]) for code in mainland) == 333


def test_city_names_are_unique_within_a_province_and_have_no_trailing_shi():
    for cities in CITIES.values():
        assert len({city.name_zh for city in cities}) == len(cities)
        assert all(not city.name_zh.endswith("市") and city.name_en for city in cities)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("11", City("北京", "Beijing")),
        ("12", City("天津", "Tianjin")),
        ("31", City("上海", "Shanghai")),
        ("50", City("重庆", "Chongqing")),
        ("81", City("香港", "Hong Kong")),
        ("82", City("澳门", "Macau")),
    ],
)
def test_municipality_is_its_own_single_city(code, expected):
    assert CITIES[code] == (expected,)


@pytest.mark.parametrize(
    ("code", "capital"),
    [
        ("44", City("广州", "Guangzhou")),
        ("32", City("南京", "Nanjing")),
        ("51", City("成都", "Chengdu")),
        ("15", City("呼和浩特", "Hohhot")),
        ("65", City("乌鲁木齐", "Urumqi")),
        ("54", City("拉萨", "Lhasa")),
        ("71", City("台北", "Taipei")),
    ],
)
def test_provincial_capital_comes_first(code, capital):
    assert CITIES[code][0] == capital


def test_province_choices_are_code_and_english_label_by_default():
    choices = province_choices()

    assert len(choices) == 34
    assert choices[0] == ("11", "Beijing")
    assert ("44", "Guangdong") in choices
    assert choices[-1] == ("82", "Macau")


def test_province_choices_in_chinese():
    choices = province_choices("zh-hans")

    assert choices[0] == ("11", "北京")
    assert ("44", "广东") in choices


def test_city_choices_value_is_the_chinese_name():
    assert city_choices("44")[:3] == [
        ("广州", "Guangzhou"),
        ("韶关", "Shaoguan"),
        ("深圳", "Shenzhen"),
    ]
    assert city_choices("44", "zh-hans")[:2] == [("广州", "广州"), ("韶关", "韶关")]
    assert len(city_choices("44")) == 21


def test_city_choices_for_an_unknown_province_are_empty():
    assert city_choices("99") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("44", "44"),
        ("广东", "44"),
        ("广东省", "44"),
        ("Guangdong", "44"),
        ("guangdong province", "44"),
        (" GUANGDONG ", "44"),
        ("北京市", "11"),
        ("上海", "31"),
        ("广西壮族自治区", "45"),
        ("Guangxi Zhuang Autonomous Region", "45"),
        ("内蒙古自治区", "15"),
        ("Inner Mongolia", "15"),
        ("新疆维吾尔自治区", "65"),
        ("宁夏回族自治区", "64"),
        ("西藏自治区", "54"),
        ("Xizang", "54"),
        ("Shaanxi", "61"),
        ("Shanxi", "14"),
        ("台湾省", "71"),
        ("香港特别行政区", "81"),
        ("Hong Kong SAR", "81"),
        ("Macao", "82"),
    ],
)
def test_find_province_accepts_code_chinese_and_english_names(text, code):
    province = find_province(text)

    assert isinstance(province, Province)
    assert province.code == code


@pytest.mark.parametrize("text", ["", "  ", "99", "广", "Atlantis", "海南藏族自治州"])
def test_find_province_returns_none_for_unknown_text(text):
    assert find_province(text) is None


@pytest.mark.parametrize(
    ("code", "city"),
    [
        ("44", "深圳"),
        ("44", "深圳市"),
        ("44", "Shenzhen"),
        ("44", "shenzhen city"),
        ("11", "北京市"),
        ("11", "Beijing"),
        ("22", "吉林市"),
        ("22", "延边朝鲜族自治州"),
        ("22", "Yanbian Korean Autonomous Prefecture"),
        ("61", "Xi'an"),
        ("61", "xian"),
        ("14", "Luliang"),
        ("15", "锡林郭勒盟"),
        ("65", "阿克苏地区"),
        ("63", "海南藏族自治州"),
    ],
)
def test_is_valid_city_accepts_chinese_and_english_names(code, city):
    assert is_valid_city(code, city) is True


@pytest.mark.parametrize(
    ("code", "city"),
    [("44", "北京"), ("99", "北京"), ("11", "朝阳区"), ("44", ""), ("44", "深"), ("44", "Shen")],
)
def test_is_valid_city_refuses_cities_outside_the_province(code, city):
    assert is_valid_city(code, city) is False
