"""Name helpers: pinyin with surname readings, initials, sort keys and name splitting."""

import pytest

from guanxi.lib.names import (
    compact,
    has_cjk,
    initials_of,
    pinyin_of,
    sort_key,
    split_chinese_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("张伟", True), ("李 Lily", True), ("Zhang Wei", False), ("", False), ("Ｌｉｌｙ", False)],
)
def test_has_cjk_detects_han_characters(text, expected):
    assert has_cjk(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张伟", "zhang wei"),
        ("Zhang Wei", "zhang wei"),
        ("李 Lily", "li lily"),
        ("欧阳娜娜", "ou yang na na"),
        ("吕布", "lv bu"),
        ("  张 伟 ", "zhang wei"),
        ("Ｌｉｌｙ", "lily"),
        ("O'Brien", "obrien"),
        ("Jean-Luc Picard", "jean luc picard"),
        ("", ""),
    ],
)
def test_pinyin_of_gives_lower_case_toneless_syllables(text, expected):
    assert pinyin_of(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单雄信", "shan xiong xin"),
        ("曾国藩", "zeng guo fan"),
        ("解缙", "xie jin"),
        ("仇英", "qiu ying"),
        ("朴槿惠", "piao jin hui"),
        ("区家麟", "ou jia lin"),
        ("查良镛", "zha liang yong"),
        ("乐毅", "yue yi"),
        ("覃志刚", "qin zhi gang"),
        ("尉迟恭", "yu chi gong"),
        ("长孙无忌", "zhang sun wu ji"),
    ],
)
def test_pinyin_of_reads_the_family_name_as_a_surname(name, expected):
    assert pinyin_of(name) == expected


def test_pinyin_of_uses_the_surname_reading_only_for_the_first_character():
    assert pinyin_of("王单") == "wang dan"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("张伟", "zw"), ("Zhang Wei", "zw"), ("欧阳娜娜", "oynn"), ("李 Lily", "ll"), ("", "")],
)
def test_initials_of_takes_the_first_letter_of_each_syllable(text, expected):
    assert initials_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("张伟", "zhangwei"), ("Zhang Wei", "zhangwei"), ("曾国藩", "zengguofan")],
)
def test_compact_is_pinyin_without_spaces(text, expected):
    assert compact(text) == expected


def test_sort_key_files_chinese_names_by_pinyin_among_western_names():
    names = ["Zoe", "张伟", "bob", "王芳", "Alice", "李娜"]

    assert sorted(names, key=sort_key) == ["Alice", "bob", "李娜", "王芳", "张伟", "Zoe"]


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("张伟", ("张", "伟")),
        ("王小明", ("王", "小明")),
        ("欧阳娜娜", ("欧阳", "娜娜")),
        ("司马光", ("司马", "光")),
        ("诸葛亮", ("诸葛", "亮")),
        ("上官婉儿", ("上官", "婉儿")),
        ("令狐冲", ("令狐", "冲")),
        ("欧阳", ("欧", "阳")),
        ("张 伟", ("张", "伟")),
        ("李 Lily", ("李", "Lily")),
        ("张", ("张", "")),
    ],
)
def test_split_chinese_name_puts_the_family_name_first(full, expected):
    assert split_chinese_name(full) == expected


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("John Smith", ("Smith", "John")),
        ("Mary Ann  Lee", ("Lee", "Mary Ann")),
        ("Zhang Wei", ("Wei", "Zhang")),
        ("Smith, John", ("Smith", "John")),
        ("Lily", ("", "Lily")),
        ("", ("", "")),
    ],
)
def test_split_chinese_name_reads_western_names_as_given_then_family(full, expected):
    assert split_chinese_name(full) == expected
