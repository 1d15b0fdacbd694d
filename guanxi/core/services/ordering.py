"""Ordered lists the user rearranges (rules tried first to last): move one entry up or
down, the positions renumbered 10, 20, … so they stay distinct, each change audited."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.core.services.audit import save_audited, snapshot

M = TypeVar("M", bound=Model)


def move_in_list(*, actor: User, obj: M, siblings: QuerySet[M], direction: str) -> M:
    """Swap ``obj`` with its neighbour above (``up``) or below (``down``) among
    ``siblings`` (ordered by ``position``, then id; locked for the change). The caller
    checks permissions and opens the transaction."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Choose up or down.")})
    rows = list(siblings.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(rows) if other.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for number, each in enumerate(rows, start=1):
        if getattr(each, "position") != number * 10:  # noqa: B009 - any model with a position
            before = snapshot(each, ("position",))
            setattr(each, "position", number * 10)  # noqa: B010
            save_audited(actor=actor, obj=each, fields=("position",), before=before)
    obj.refresh_from_db()
    return obj
