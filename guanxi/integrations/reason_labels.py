"""The duplicate matchers' reasons in the reader's language.

``guanxi.lib.matching`` (contacts) and ``account_matching`` (accounts) give their reasons
as English text ("same email a@b.cn"), which is stored with each pair and returned by the
API as it is. Pages show them through ``reason_label``: each form the matchers emit is
recognised by its fixed English words and rebuilt with a translated pattern around the
same values. Text of no known form (a reason a newer matcher added) passes through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _


def _form(shape: str) -> re.Pattern[str]:
    return re.compile(shape, re.DOTALL)  # a value may hold a line break


# Every reason the matchers emit, as (English shape, translated pattern), tried in order
# (the account "same name KEY (A = B)" before the contact "same name NAME"). Each
# named group fills the placeholder of the same name. Keep in step with
# ``score_features``/``_name_reason`` in guanxi/lib/matching.py and ``score_pair`` in
# account_matching.py.
REASON_FORMS: list[tuple[re.Pattern[str], Callable[[], str]]] = [
    (_form(r"same email (?P<value>.+)"), lambda: _("same email %(value)s")),
    (_form(r"same phone ending (?P<value>.+)"), lambda: _("same phone ending %(value)s")),
    (
        _form(r"same name (?P<key>\S+) \((?P<first>.+?) = (?P<second>.+)\)"),
        lambda: _("same name %(key)s (%(first)s = %(second)s)"),
    ),
    (_form(r"same name (?P<name>.+)"), lambda: _("same name %(name)s")),
    (
        _form(r"name (?P<first>.+?) = (?P<second>.+)"),
        lambda: _("name %(first)s = %(second)s"),
    ),
    (
        _form(r"similar name (?P<first>.+?) ~ (?P<second>.+)"),
        lambda: _("similar name %(first)s ~ %(second)s"),
    ),
    (_form(r"same address"), lambda: _("same address")),
    (_form(r"same postcode (?P<value>.+)"), lambda: _("same postcode %(value)s")),
    (_form(r"same company (?P<value>.+)"), lambda: _("same company %(value)s")),
    (_form(r"same birth year (?P<value>.+)"), lambda: _("same birth year %(value)s")),
    (
        _form(r"different provinces (?P<first>.+?) / (?P<second>.+)"),
        lambda: _("different provinces %(first)s / %(second)s"),
    ),
    (_form(r"same website (?P<value>.+)"), lambda: _("same website %(value)s")),
]


def reason_label(reason: str) -> str:
    """``reason`` in the active language; unchanged when it is of no known form."""
    text = str(reason)
    for shape, pattern in REASON_FORMS:
        found = shape.fullmatch(text)
        if found:
            values = found.groupdict()
            return pattern() % values if values else pattern()
    return text


def reason_labels(reasons: Iterable[str], separator: str = "; ") -> str:
    """All of ``reasons`` translated, joined as the pages show them."""
    return separator.join(reason_label(reason) for reason in reasons or ())
