"""Phone numbers: parse what people type into E.164, and show it back readably.

The default region is an argument, never read from settings, so this module stays pure.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_NOT_DIGIT = re.compile(r"[^0-9]")


def normalize_phone(raw: str, region: str = "CN") -> str:
    """Return ``raw`` in E.164 form (``+8613812345678``), read in ``region`` if it has no prefix.

    Raises ValueError naming the raw value when it is not a possible, valid number.
    """
    region = region.upper()
    error = ValueError(f"Not a valid phone number for region {region}: {raw!r}")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise error from exc
    if not (phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number)):
        raise error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_digits(value: str) -> str:
    """Return only the ASCII digits of ``value`` (full-width digits count), for suffix search."""
    return _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", value))


def format_phone(e164: str) -> str:
    """Return the international display form (``+86 138 1234 5678``) of an E.164 number.

    A value that cannot be parsed is returned unchanged, so display code never fails.
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
