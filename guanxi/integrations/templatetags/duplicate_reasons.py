"""``{{ pair.reasons|reason_labels }}``: a duplicate pair's reasons in the reader's
language (stored and sent by the API in English; see ``reason_labels``). Any app's
template may load it (the create form's possible-duplicate warning, say)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from guanxi.integrations import reason_labels as labels

register = template.Library()


@register.filter
def reason_labels(reasons: Iterable[str]) -> str:
    """The reasons translated and joined with "; " (escaped like any text)."""
    return labels.reason_labels(reasons)


@register.filter
def reason_label(reason: str) -> str:
    """One reason translated."""
    return labels.reason_label(reason)
