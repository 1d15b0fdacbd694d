"""Company names: drop legal-form suffixes and build a key for finding duplicates."""

from __future__ import annotations

import re
import unicodedata

# "（中国）" / "(China)" just before a legal suffix goes with it.
_REGION_MARKER = r"(?:\s*[(（]\s*(?:中国|china)\s*[)）])?"

_CHINESE_SUFFIX = re.compile(
    rf"{_REGION_MARKER}\s*(?:股份有限公司|有限责任公司|有限公司)$", re.IGNORECASE
)

_WESTERN_FORMS = (
    r"pty\.?\s+ltd\.?",
    r"ltd\.?",
    r"limited",
    r"inc\.?",
    r"corp\.?",
    r"corporation",
    r"l\.?l\.?c\.?",
    r"gmbh",
    r"ag",
    r"s\.?a\.?s\.?",
    r"s\.?a\.?",
    r"b\.?v\.?",
    r"plc\.?",
    r"k\.?k\.?",
    r"co\.?",
)
# A Western form is a whole trailing word: it must follow a space or a comma.
_WESTERN_SUFFIX = re.compile(
    rf"{_REGION_MARKER}[\s,，]+(?:{'|'.join(_WESTERN_FORMS)})$", re.IGNORECASE
)
_TRAILING_SEPARATORS = re.compile(r"[\s,，、]+$")
_WORD_CHARACTER = re.compile(r"[^\W_]")
# Dashes and brackets separate words; other punctuation and symbols just vanish.
_SPACE_CATEGORIES = frozenset({"Pd", "Ps", "Pe"})


def strip_legal_suffix(name: str) -> str:
    """Remove trailing legal forms, repeatedly: ``Acme Co., Ltd.`` -> ``Acme``.

    ``集团`` stays part of the name; a name is never stripped down to nothing.
    """
    result = name.strip()
    while match := _CHINESE_SUFFIX.search(result) or _WESTERN_SUFFIX.search(result):
        base = _TRAILING_SEPARATORS.sub("", result[: match.start()])
        if not _WORD_CHARACTER.search(base):
            break
        result = base
    return result


def normalize_company(name: str) -> str:
    """A matching key: NFKC, lower case, legal suffix and punctuation gone, spaces collapsed."""
    text = strip_legal_suffix(unicodedata.normalize("NFKC", name).lower())
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if category in _SPACE_CATEGORIES:
            kept.append(" ")
        elif category[0] not in "PS":
            kept.append(character)
    return " ".join("".join(kept).split())
