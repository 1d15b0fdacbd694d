"""Fail when a shipped catalogue has an untranslated or fuzzy entry.

Run as ``python -m guanxi.lib.check_translations`` after ``makemessages``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def problems(po_path: Path) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    found = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    return found


def main() -> int:
    catalogues = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    if not catalogues:
        print(f"no catalogues under {LOCALE_DIR}", file=sys.stderr)
        return 1
    failed = False
    for po_path in catalogues:
        found = problems(po_path)
        for line in found:
            print(f"{po_path.relative_to(LOCALE_DIR)}: {line}", file=sys.stderr)
        failed = failed or bool(found)
        print(
            f"{po_path.relative_to(LOCALE_DIR)}: {len(polib.pofile(str(po_path)))} entries checked"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
