"""Chinese-aware person names: pinyin for search and sorting, and family/given splitting.

A name that starts with a Han character is read as Chinese (family name first); any
other name is read as Western ("Given Family").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
# Outside Han runs a word is a run of letters or digits; apostrophes are dropped first
# so "O'Brien" stays one word.
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"['’]")

COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙", "慕容",
        "长孙", "宇文", "夏侯", "令狐", "万俟", "端木", "澹台", "呼延", "轩辕", "独孤",
    }
)  # fmt: skip

# Surname readings that differ from the everyday reading pypinyin picks.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "乐": "yue",
    "覃": "qin",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "召": "shao",
    "种": "chong",
    "繁": "po",
    "盖": "ge",
    "阚": "kan",
    "尉迟": "yu chi",
    "长孙": "zhang sun",
    "万俟": "mo qi",
}


def has_cjk(text: str) -> bool:
    """Return True when ``text`` contains at least one Han (Chinese) character."""
    return _HAN_CHAR.search(text) is not None


def _surname_length(name: str) -> int:
    """Characters of the family name at the start of a stripped Chinese name (0 if none).

    A compound surname needs a given name after it: a two-character name is 1 + 1.
    """
    if not name or not _HAN_CHAR.match(name):
        return 0
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return 2
    return 1


def _syllables(text: str) -> list[str]:
    """Pinyin syllables of Han runs and lower-cased words of everything else, in order."""
    found: list[str] = []
    position = 0
    for run in _HAN_RUN.finditer(text):
        found += _WORD.findall(text[position : run.start()])
        found += lazy_pinyin(run.group(), style=Style.NORMAL, errors="ignore")  # no heteronyms
        position = run.end()
    found += _WORD.findall(text[position:])
    return [syllable.lower() for syllable in found]


@lru_cache(maxsize=1 << 16)  # pure; an import or a scan asks for the same names many times
def pinyin_of(text: str) -> str:
    """Lower-case, tone-less pinyin syllables and Latin words: ``张伟`` -> ``zhang wei``.

    The family name of a Chinese name takes its surname reading (``曾`` -> ``zeng``).
    """
    name = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text)).strip()
    length = _surname_length(name)
    surname = name[:length]
    head = SURNAME_READINGS[surname].split() if surname in SURNAME_READINGS else _syllables(surname)
    return " ".join(head + _syllables(name[length:]))


def initials_of(text: str) -> str:
    """First letter of every syllable or word: ``欧阳娜娜`` -> ``oynn``."""
    return "".join(syllable[0] for syllable in pinyin_of(text).split())


def compact(text: str) -> str:
    """``pinyin_of`` without spaces (``zhangwei``), for matching what people type."""
    return pinyin_of(text).replace(" ", "")


def sort_key(text: str) -> str:
    """A key that files Chinese names by their pinyin among Western names."""
    return compact(text)


def split_chinese_name(full: str) -> tuple[str, str]:
    """Return ``(family, given)``: Chinese names family-first, Western names "Given Family".

    ``"Family, Given"`` is understood too; a single Western word is a given name.
    """
    name = " ".join(full.split())
    length = _surname_length(name)
    if length:
        return name[:length], name[length:].strip()
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    if " " not in name:
        return "", name
    given, _, family = name.rpartition(" ")
    return family, given
