"""Phone helpers: E.164 normalisation of Chinese and Western input, digits and display."""

import pytest

from guanxi.lib.phones import format_phone, normalize_phone, phone_digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("13812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("(010) 6552 8888", "+861065528888"),
        ("010-65528888", "+861065528888"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+44 20 7946 0958", "+442079460958"),
        ("  +86 138 1234 5678  ", "+8613812345678"),
    ],
)
def test_normalize_phone_accepts_common_chinese_and_western_forms(raw, expected):
    assert normalize_phone(raw) == expected


def test_normalize_phone_reads_numbers_without_prefix_in_the_given_region():
    assert normalize_phone("(415) 555-2671", region="US") == "+14155552671"
    assert normalize_phone("020 7946 0958", region="gb") == "+442079460958"


@pytest.mark.parametrize("raw", ["12", "+86 123", "abc", "", "138 1234 567", "+1 (415) 555-267"])
def test_normalize_phone_refuses_what_is_not_a_valid_number(raw):
    with pytest.raises(ValueError) as excinfo:
        normalize_phone(raw)

    assert str(excinfo.value) == f"Not a valid phone number for region CN: {raw!r}"


def test_normalize_phone_error_names_the_region_it_read_in():
    with pytest.raises(ValueError, match=r"^Not a valid phone number for region US: '12'$"):
        normalize_phone("12", region="US")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+86 138-1234-5678", "8613812345678"),
        ("(010) 6552 8888", "01065528888"),
        ("１３８ ５６７８", "1385678"),
        ("no digits", ""),
    ],
)
def test_phone_digits_keeps_only_the_digits(value, expected):
    assert phone_digits(value) == expected


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+8613812345678", "+86 138 1234 5678"),
        ("+861065528888", "+86 10 6552 8888"),
        ("+14155552671", "+1 415-555-2671"),
        ("+442079460958", "+44 20 7946 0958"),
    ],
)
def test_format_phone_gives_the_international_display_form(e164, expected):
    assert format_phone(e164) == expected


def test_format_phone_returns_unparseable_input_unchanged():
    assert format_phone("not a number") == "not a number"
