"""Chinese public holidays and make-up working days (调休) for 2025 and 2026, as the
State Council's notices published them (国务院办公厅关于2025年/2026年部分节假日安排的通知).

This is seed data: the service module copies it into its editable calendar rows, where
administrators correct it and add later years as each notice comes out.
"""

from __future__ import annotations

from datetime import date, timedelta


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# name (English, Chinese) -> the days off
HOLIDAYS: dict[int, list[tuple[str, str, list[date]]]] = {
    2025: [
        ("New Year's Day", "元旦", [date(2025, 1, 1)]),
        ("Spring Festival", "春节", _days(date(2025, 1, 28), date(2025, 2, 4))),
        ("Qingming Festival", "清明节", _days(date(2025, 4, 4), date(2025, 4, 6))),
        ("Labour Day", "劳动节", _days(date(2025, 5, 1), date(2025, 5, 5))),
        ("Dragon Boat Festival", "端午节", _days(date(2025, 5, 31), date(2025, 6, 2))),
        (
            "National Day and Mid-Autumn Festival",
            "国庆节、中秋节",
            _days(date(2025, 10, 1), date(2025, 10, 8)),
        ),
    ],
    2026: [
        ("New Year's Day", "元旦", _days(date(2026, 1, 1), date(2026, 1, 3))),
        ("Spring Festival", "春节", _days(date(2026, 2, 15), date(2026, 2, 23))),
        ("Qingming Festival", "清明节", _days(date(2026, 4, 4), date(2026, 4, 6))),
        ("Labour Day", "劳动节", _days(date(2026, 5, 1), date(2026, 5, 5))),
        ("Dragon Boat Festival", "端午节", _days(date(2026, 6, 19), date(2026, 6, 21))),
        ("Mid-Autumn Festival", "中秋节", _days(date(2026, 9, 25), date(2026, 9, 27))),
        ("National Day", "国庆节", _days(date(2026, 10, 1), date(2026, 10, 7))),
    ],
}

# Weekend days worked instead of holidays.
MAKEUP_WORKDAYS: dict[int, list[date]] = {
    2025: [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ],
    2026: [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ],
}


def holiday_dates(years: tuple[int, ...] = (2025, 2026)) -> frozenset[date]:
    return frozenset(day for year in years for _en, _zh, days in HOLIDAYS[year] for day in days)


def makeup_dates(years: tuple[int, ...] = (2025, 2026)) -> frozenset[date]:
    return frozenset(day for year in years for day in MAKEUP_WORKDAYS[year])
