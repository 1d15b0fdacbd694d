"""The matching-rules pages: per kind of record the threshold, the weights and which
evidence counts, with a preview before saving and a reset to the shipped defaults.
Whoever may see the duplicates page reads them; administrators change them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.integrations import match_rules
from guanxi.integrations.dedupe_schedule import preview_match_rules
from guanxi.integrations.models_match_rules import MatchKind
from guanxi.integrations.pair_store import RulesPreview


class MatchRulesForm(forms.Form):
    """A checkbox per piece of evidence, a field per number and the threshold; the
    service validates the whole (bounds, at least one evidence, weights of what is on)."""

    def __init__(self, *args: Any, spec: match_rules.Spec, readonly: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spec = spec
        low, high = spec.threshold
        self.fields["threshold"] = forms.FloatField(
            label=_("Possible duplicate from score"),
            min_value=low,
            max_value=high,
            help_text=_("From %(low)s to %(high)s.") % {"low": low, "high": high},
        )
        for key, label in spec.evidence.items():
            self.fields[f"enabled_{key}"] = forms.BooleanField(label=label, required=False)
        for number in spec.numbers:
            self.fields[f"weight_{number.name}"] = forms.FloatField(
                label=number.label,
                min_value=number.low,
                max_value=number.high,
                help_text=number.help,
            )
        if readonly:
            for field in self.fields.values():
                field.disabled = True

    @staticmethod
    def initial_from(rules: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {"threshold": rules["threshold"]}
        initial.update({f"enabled_{k}": v for k, v in rules["enabled"].items()})
        initial.update({f"weight_{k}": v for k, v in rules["weights"].items()})
        return initial

    def rules_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "threshold": data["threshold"],
            "enabled": {key: data[f"enabled_{key}"] for key in self.spec.evidence},
            "weights": {n.name: data[f"weight_{n.name}"] for n in self.spec.numbers},
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's ``weights.x`` / ``enabled.x`` / ``threshold`` on their fields."""
        for key, messages_ in error.message_dict.items():
            name = key.replace("weights.", "weight_").replace("enabled.", "enabled_")
            self.add_error(name if name in self.fields else None, messages_)

    def groups(self) -> list[tuple[Any, forms.BoundField | None, list[forms.BoundField]]]:
        """(title, its enabled checkbox or None, its number fields) per evidence, then
        the numbers that belong to no evidence with the threshold."""
        rows: list[tuple[Any, forms.BoundField | None, list[forms.BoundField]]] = [
            (
                label,
                self[f"enabled_{key}"],
                [self[f"weight_{n.name}"] for n in self.spec.numbers if n.evidence == key],
            )
            for key, label in self.spec.evidence.items()
        ]
        general = [self["threshold"]]
        general += [self[f"weight_{n.name}"] for n in self.spec.numbers if not n.evidence]
        rows.append((_("Decision"), None, general))
        return rows


def _page(
    request: HttpRequest,
    spec: match_rules.Spec,
    form: MatchRulesForm,
    preview: RulesPreview | None = None,
) -> HttpResponse:
    context = {
        "kind": spec.kind,
        "kinds": MatchKind.choices,
        "form": form,
        "current": match_rules.current_version(spec.kind),
        "history": match_rules.rules_history(spec.kind)[:20],
        "can_change": match_rules.may_edit_rules(request.user),
        "preview": preview,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "integrations/match_rules.html", context, status=status)


@login_required
def match_rules_index(request: HttpRequest) -> HttpResponse:
    match_rules.readable_spec(request.user, MatchKind.CONTACTS)
    return redirect("integrations:match_rules_edit", kind=MatchKind.CONTACTS)


@login_required
def match_rules_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """The rules in use for a kind; administrators may try others and save them."""
    spec = match_rules.readable_spec(request.user, kind)
    form = MatchRulesForm(
        initial=MatchRulesForm.initial_from(match_rules.active_rules(spec.kind)),
        spec=spec,
        readonly=not match_rules.may_edit_rules(request.user),
    )
    return _page(request, spec, form)


def _proposed(form: MatchRulesForm) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    kind = form.spec.kind
    try:
        return match_rules.clean_rules(kind, form.rules_data(), base=match_rules.active_rules(kind))
    except ValidationError as error:
        form.add_service_errors(error)
        return None


@login_required
@require_POST
def match_rules_preview(request: HttpRequest, kind: str) -> HttpResponse:
    """How many pairs the proposed rules would suggest next to the rules in use —
    computed, never saved."""
    spec = match_rules.editable_spec(request.user, kind)
    form = MatchRulesForm(request.POST, spec=spec)
    proposed = _proposed(form)
    if proposed is None:
        return _page(request, spec, form)
    return _page(request, spec, form, preview_match_rules(spec.kind, proposed))


@login_required
@require_POST
def match_rules_save(request: HttpRequest, kind: str) -> HttpResponse:
    spec = match_rules.editable_spec(request.user, kind)
    form = MatchRulesForm(request.POST, spec=spec)
    proposed = _proposed(form)
    if proposed is None:
        return _page(request, spec, form)
    try:
        saved = match_rules.save_rules(actor=request.user, kind=spec.kind, data=proposed)
    except ValidationError as error:
        form.add_service_errors(error)
        return _page(request, spec, form)
    messages.success(
        request,
        _("Matching rules version %(version)s saved: the next scan uses them.")
        % {"version": saved.version},
    )
    return redirect("integrations:match_rules_edit", kind=spec.kind)


@login_required
@require_POST
def match_rules_reset(request: HttpRequest, kind: str) -> HttpResponse:
    spec = match_rules.editable_spec(request.user, kind)
    saved = match_rules.reset_rules(actor=request.user, kind=spec.kind)
    messages.success(
        request,
        _("The shipped rules are back in use (version %(version)s).") % {"version": saved.version},
    )
    return redirect("integrations:match_rules_edit", kind=spec.kind)
