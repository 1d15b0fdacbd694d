"""The registry of public form kinds: what fields a kind offers and who handles answers.

A module registers a kind once (``register_form_kind("lead", handler)``); an
administrator then builds any number of forms of that kind, choosing which of the
handler's fields show, which are required and how they are labelled in each language.
The handler turns one submission's cleaned answers into a record (a lead, a ticket, a
registration); its ValidationError names the field that was wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise

# Field widgets a handler may ask for.
TEXT, EMAIL, PHONE, TEXTAREA, CHOICE, CHECKBOX = (
    "text",
    "email",
    "phone",
    "textarea",
    "choice",
    "checkbox",
)


@dataclass(frozen=True)
class FormFieldSpec:
    """One field a kind of form may show."""

    name: str
    label: str | Promise
    widget: str = TEXT
    max_length: int = 200
    choices: Callable[[], Sequence[tuple[str, Any]]] | None = None
    always_required: bool = False  # e.g. a lead's family name


@dataclass(frozen=True)
class SubmissionContext:
    """What the handler knows of the submission besides the answers."""

    form: Any  # core.PublicForm
    submission: Any  # core.FormSubmission (saved, without its result yet)
    consent_given: bool
    consent_wording: str  # the exact wording shown, in the visitor's language


@dataclass(frozen=True)
class FormHandler:
    label: str | Promise
    fields: Sequence[FormFieldSpec]
    handle: Callable[[dict[str, Any], SubmissionContext], Model | None]
    default_fields: Sequence[str] = field(default_factory=tuple)

    def spec(self, name: str) -> FormFieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


_kinds: dict[str, FormHandler] = {}


def register_form_kind(kind: str, handler: FormHandler) -> None:
    _kinds[kind] = handler


def form_kind(kind: str) -> FormHandler | None:
    return _kinds.get(kind)


def form_kinds() -> list[tuple[str, FormHandler]]:
    return sorted(_kinds.items())
