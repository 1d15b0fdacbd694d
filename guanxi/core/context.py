"""Per-request (or per-task) context: where a change comes from, for the audit log.

Set by the web middleware, the API authentication and task runners; read by
``record_audit``. A context variable, so threads and async tasks each see their own.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, replace

from guanxi.core.choices import Origin


@dataclass(frozen=True)
class ChangeContext:
    origin: str = Origin.SYSTEM
    ip_address: str | None = None
    request_id: str = ""


_current: contextvars.ContextVar[ChangeContext] = contextvars.ContextVar(
    "guanxi_change_context",
    default=ChangeContext(),  # noqa: B039 - frozen, immutable
)


def current_context() -> ChangeContext:
    return _current.get()


def set_context(**values: object) -> contextvars.Token[ChangeContext]:
    """Update the current context; returns a token for ``reset_context``."""
    return _current.set(replace(_current.get(), **values))  # type: ignore[arg-type]


def reset_context(token: contextvars.Token[ChangeContext]) -> None:
    _current.reset(token)


@contextlib.contextmanager
def change_context(**values: object) -> Iterator[ChangeContext]:
    """Run a block with a given origin (e.g. ``Origin.IMPORT``)."""
    token = set_context(**values)
    try:
        yield _current.get()
    finally:
        reset_context(token)
