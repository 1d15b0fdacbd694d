"""A small relationship graph, drawn on the server as SVG (no script, CSP-safe).

The record sits in the middle; the records it is related to sit on a circle around it,
each joined by a labelled line and linked to its own page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from guanxi.customers.models import Account
from guanxi.customers.selectors import Related

WIDTH, HEIGHT = 640, 400
MAX_NEIGHBOURS = 12
NODE_W, NODE_H = 130, 34


def _node(x: float, y: float, label: str, url: str, kind: str, centre: bool = False) -> str:
    text = escape(Truncator(label).chars(16))
    css = f"graph-node graph-{kind}{' graph-centre' if centre else ''}"
    shape = (
        f'<rect x="{x - NODE_W / 2:.1f}" y="{y - NODE_H / 2:.1f}" width="{NODE_W}" '
        f'height="{NODE_H}" rx="8" class="{css}"/>'
        f'<text x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle" class="graph-label">{text}</text>'
    )
    if not url:
        return shape
    return f'<a href="{escape(url)}"><title>{escape(label)}</title>{shape}</a>'


def relationship_svg(subject: Account | object, related: Sequence[Related]) -> SafeString:
    """The SVG of ``subject`` and up to twelve related records."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    shown = list(related)[:MAX_NEIGHBOURS]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="relationship-graph" role="img" aria-label="{escape(str(subject))}">'
    ]
    positions = []
    for index, _row in enumerate(shown):
        angle = 2 * math.pi * index / max(len(shown), 1) - math.pi / 2
        positions.append((cx + 240 * math.cos(angle), cy + 150 * math.sin(angle)))
    for (x, y), row in zip(positions, shown, strict=True):
        mx, my = (cx + x) / 2, (cy + y) / 2
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" class="graph-edge"/>'
            f'<text x="{mx:.1f}" y="{my - 4:.1f}" text-anchor="middle" class="graph-edge-label">'
            f"{escape(Truncator(row.label).chars(22))}</text>"
        )
    kind = "account" if isinstance(subject, Account) else "contact"
    parts.append(_node(cx, cy, str(subject), "", kind, centre=True))
    for (x, y), row in zip(positions, shown, strict=True):
        other_kind = "account" if isinstance(row.other, Account) else "contact"
        parts.append(_node(x, y, str(row.other), row.other.get_absolute_url(), other_kind))
    if len(related) > len(shown):
        parts.append(
            f'<text x="{WIDTH - 8}" y="{HEIGHT - 8}" text-anchor="end" class="graph-more">'
            f"+{len(related) - len(shown)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above
