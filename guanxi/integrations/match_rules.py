"""The duplicate-matching rules administrators edit: per kind of record (contacts,
accounts) the threshold, a weight per piece of evidence and which evidence is on.

The defaults are the engines' shipped constants (``guanxi.lib.matching.MatchRules``,
``account_matching.CompanyRules``), so nothing changes until someone saves. Saving adds
the next version (rows are never edited) and writes an audit entry. The scan, the
create-time warnings and imports read the rules through ``person_rules()`` /
``company_rules()``: one database read, cached, dropped when a version is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.access import require
from guanxi.core.choices import AuditEvent
from guanxi.core.services.audit import record_audit
from guanxi.customers.services.common import Errors
from guanxi.integrations.account_matching import DEFAULT_COMPANY_RULES, CompanyRules
from guanxi.integrations.models_match_rules import MatchKind, MatchRuleSet
from guanxi.lib.matching import DEFAULT_RULES, MatchRules

# Other processes (the task worker, other web workers) see a saved change after at most
# this long unless the cache is shared (CACHES); the saving process sees it at once.
CACHE_SECONDS = 60
CACHE_KEY = "guanxi:match_rules:{kind}"
# Reading a kind's rules needs what seeing its pairs on the duplicates page needs.
READ_TYPES: dict[str, str] = {
    MatchKind.CONTACTS: "customers.contact",
    MatchKind.ACCOUNTS: "customers.account",
}


@dataclass(frozen=True)
class Number:
    """One editable number: its engine field, bounds and the evidence it belongs to
    (``weight``: turning the evidence off sets it to 0 in the engine)."""

    name: str
    label: Any  # a lazy translation
    low: float
    high: float
    evidence: str = ""
    weight: bool = True
    help: Any = ""


@dataclass(frozen=True)
class Spec:
    kind: str
    numbers: tuple[Number, ...]
    evidence: dict[str, Any]  # key -> lazy label
    threshold: tuple[float, float]
    defaults: MatchRules | CompanyRules
    # rules key -> engine field, where the names differ
    fields: dict[str, str]

    def number(self, name: str) -> Number:
        return next(n for n in self.numbers if n.name == name)


CONTACTS = Spec(
    kind=MatchKind.CONTACTS,
    numbers=(
        Number("same_email", gettext_lazy("Same email: score at least"), 0, 1, "email"),
        Number("same_phone", gettext_lazy("Same phone: score at least"), 0, 1, "phone"),
        Number(
            "different_email",
            gettext_lazy("Different emails on both: weighs against"),
            0,
            10,
            "email",
            help=gettext_lazy("As much as this weight of fields that disagree."),
        ),
        Number(
            "different_phone",
            gettext_lazy("Different phones on both: weighs against"),
            0,
            10,
            "phone",
            help=gettext_lazy("As much as this weight of fields that disagree."),
        ),
        Number("family_name", gettext_lazy("Family name"), 0, 10, "name"),
        Number("given_name", gettext_lazy("Given name"), 0, 10, "name"),
        Number(
            "name_floor",
            gettext_lazy("Name parts less similar than this count as different (0–0.99)"),
            0,
            0.99,
            "name",
            weight=False,
        ),
        Number("street", gettext_lazy("Street"), 0, 10, "address"),
        Number("postcode", gettext_lazy("Postcode"), 0, 10, "address"),
        Number("city", gettext_lazy("City"), 0, 10, "address"),
        Number("company", gettext_lazy("Company name"), 0, 10, "company"),
        Number("birth_year", gettext_lazy("Birth year"), 0, 10, "birth_year"),
        Number(
            "min_evidence",
            gettext_lazy("Evidence needed for a full score (total weight compared)"),
            0.5,
            50,
            weight=False,
            help=gettext_lazy("Below it the score is scaled down: a name alone is a hint."),
        ),
    ),
    evidence={
        "email": gettext_lazy("Email"),
        "phone": gettext_lazy("Phone"),
        "name": gettext_lazy("Name (also in pinyin: 张伟 = Zhang Wei)"),
        "address": gettext_lazy("Address"),
        "company": gettext_lazy("Company name without the legal form"),
        "birth_year": gettext_lazy("Birth year"),
    },
    threshold=(0.3, 0.99),
    defaults=DEFAULT_RULES,
    fields={"same_email": "same_email_score", "same_phone": "same_phone_score"},
)
ACCOUNTS = Spec(
    kind=MatchKind.ACCOUNTS,
    numbers=(
        Number("same_name", gettext_lazy("Same name: score"), 0, 1, "name"),
        Number(
            "similar_name",
            gettext_lazy("Similar name: similarity at least (a typo, 0.5–1)"),
            0.5,
            1,
            "name",
            weight=False,
        ),
        Number("same_domain", gettext_lazy("Same website domain: score"), 0, 1, "website"),
        Number("same_phone", gettext_lazy("Same phone: score"), 0, 1, "phone"),
        Number(
            "province_penalty",
            gettext_lazy("Similar name in another province: score lowered by"),
            0,
            0.5,
            "province",
        ),
    ),
    evidence={
        "name": gettext_lazy("Company name without the legal form (有限公司, Co., Ltd.)"),
        "website": gettext_lazy("Website domain"),
        "phone": gettext_lazy("Phones of the account's contacts"),
        "province": gettext_lazy("Province (a branch elsewhere is often its own account)"),
    },
    threshold=(0.3, 0.99),
    defaults=DEFAULT_COMPANY_RULES,
    fields={},
)
SPECS: dict[str, Spec] = {CONTACTS.kind: CONTACTS, ACCOUNTS.kind: ACCOUNTS}


def spec_of(kind: str) -> Spec:
    """The spec of a kind; 404 for an unknown kind (it comes from URLs)."""
    if kind not in SPECS:
        raise Http404
    return SPECS[kind]


def default_rules(kind: str) -> dict[str, Any]:
    """The shipped rules: every evidence on, the engine's constants."""
    spec = spec_of(kind)
    return {
        "threshold": spec.defaults.threshold,
        "weights": {
            n.name: float(getattr(spec.defaults, spec.fields.get(n.name, n.name)))
            for n in spec.numbers
        },
        "enabled": dict.fromkeys(spec.evidence, True),
    }


def _number(errors: Errors, field: str, raw: Any, low: float, high: float) -> float | None:
    if isinstance(raw, bool):
        raw = None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not low <= value <= high:
        errors.add(
            field, _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
        return None
    return value


def clean_rules(kind: str, data: dict[str, Any], *, base: dict[str, Any]) -> dict[str, Any]:
    """The complete rules from ``data`` (what is missing is taken from ``base``); a
    ValidationError names every bad field (``threshold``, ``weights.<name>``,
    ``enabled.<evidence>``, ``enabled`` when nothing is on)."""
    spec = spec_of(kind)
    errors = Errors()
    rules = {
        "threshold": base["threshold"],
        "weights": dict(base["weights"]),
        "enabled": dict(base["enabled"]),
    }
    if data.get("threshold") is not None:
        value = _number(errors, "threshold", data["threshold"], *spec.threshold)
        rules["threshold"] = value if value is not None else rules["threshold"]
    names = {n.name: n for n in spec.numbers}
    for group in ("weights", "enabled"):
        if not isinstance(data.get(group) or {}, dict):
            errors.add(group, _("Give an object of names and values."))
            errors.raise_if_any()
    for name, raw in (data.get("weights") or {}).items():
        if name not in names:
            errors.add(f"weights.{name}", _("There is no such weight."))
        elif raw is not None:
            value = _number(errors, f"weights.{name}", raw, names[name].low, names[name].high)
            rules["weights"][name] = value if value is not None else rules["weights"][name]
    for key, raw in (data.get("enabled") or {}).items():
        if key not in spec.evidence:
            errors.add(f"enabled.{key}", _("There is no such evidence."))
        elif not isinstance(raw, bool):
            errors.add(f"enabled.{key}", _("Give true or false."))
        else:
            rules["enabled"][key] = raw
    if not errors.messages:
        _check_together(spec, rules, errors)
    errors.raise_if_any()
    return rules


def _check_together(spec: Spec, rules: dict[str, Any], errors: Errors) -> None:
    if not any(rules["enabled"].values()):
        errors.add("enabled", _("Turn on at least one piece of evidence."))
    for evidence, on in rules["enabled"].items():
        weights = [n for n in spec.numbers if n.evidence == evidence and n.weight]
        if on and weights and not any(rules["weights"][n.name] > 0 for n in weights):
            errors.add(
                f"weights.{weights[0].name}",
                _("Give this evidence a weight above 0, or turn it off."),
            )


def engine_rules(kind: str, rules: dict[str, Any]) -> MatchRules | CompanyRules:
    """The engine's rules object: switched-off evidence gets weight 0."""
    spec = spec_of(kind)
    values: dict[str, Any] = {"threshold": float(rules["threshold"])}
    for number in spec.numbers:
        value = float(rules["weights"][number.name])
        if number.weight and not rules["enabled"].get(number.evidence, True):
            value = 0.0
        values[spec.fields.get(number.name, number.name)] = value
    return replace(spec.defaults, **values)


def current_version(kind: str) -> MatchRuleSet | None:
    """The version in use; None while the shipped defaults apply."""
    return MatchRuleSet.objects.filter(kind=spec_of(kind).kind).order_by("-version").first()


def stored_rules(kind: str, version: MatchRuleSet | None) -> dict[str, Any]:
    """A version's rules over the defaults (a weight added to the code after the version
    was saved takes its default), or the defaults for no version."""
    defaults = default_rules(kind)
    if version is None:
        return defaults
    return {
        "threshold": version.rules.get("threshold", defaults["threshold"]),
        "weights": {**defaults["weights"], **version.rules.get("weights", {})},
        "enabled": {**defaults["enabled"], **version.rules.get("enabled", {})},
    }


def active_rules(kind: str) -> dict[str, Any]:
    """The rules in use (cached; saving drops the cache)."""
    key = CACHE_KEY.format(kind=kind)
    rules: dict[str, Any] | None = cache.get(key)
    if rules is None:
        rules = stored_rules(kind, current_version(kind))
        cache.set(key, rules, CACHE_SECONDS)
    return rules


def person_rules() -> MatchRules:
    """The contact matcher's rules in use: what the scan, the create warning and the
    import read."""
    rules = engine_rules(MatchKind.CONTACTS, active_rules(MatchKind.CONTACTS))
    assert isinstance(rules, MatchRules)
    return rules


def company_rules() -> CompanyRules:
    """The account matcher's rules in use."""
    rules = engine_rules(MatchKind.ACCOUNTS, active_rules(MatchKind.ACCOUNTS))
    assert isinstance(rules, CompanyRules)
    return rules


def forget_cached_rules() -> None:
    """Drop the cached rules of every kind (after a save, and between tests)."""
    cache.delete_many([CACHE_KEY.format(kind=kind) for kind in SPECS])


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changed: dict[str, list[Any]] = {}
    if before["threshold"] != after["threshold"]:
        changed["threshold"] = [before["threshold"], after["threshold"]]
    for group in ("weights", "enabled"):
        for name, value in after[group].items():
            if before[group].get(name) != value:
                changed[f"{group}.{name}"] = [before[group].get(name), value]
    return changed


@transaction.atomic
def save_rules(*, actor: Any, kind: str, data: dict[str, Any]) -> MatchRuleSet:
    """Validate and store the next version of a kind's rules (audited); the scan, the
    warnings and imports use it from now on. Administrators only."""
    spec = editable_spec(actor, kind)
    before = stored_rules(kind, current_version(kind))
    rules = clean_rules(kind, data, base=before)
    top = MatchRuleSet.objects.filter(kind=spec.kind).aggregate(top=Max("version"))["top"] or 0
    try:
        with transaction.atomic():
            saved = MatchRuleSet.objects.create(
                kind=spec.kind, version=top + 1, rules=rules, created_by=actor
            )
    except IntegrityError:  # saved meanwhile by someone else: theirs is the base now
        raise ValidationError(
            _("Someone saved these rules a moment ago; reload and try again.")
        ) from None
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=saved, changes=_changes(before, rules))
    forget_cached_rules()
    transaction.on_commit(forget_cached_rules)
    return saved


def reset_rules(*, actor: Any, kind: str) -> MatchRuleSet:
    """Save the shipped defaults as the next version."""
    return save_rules(actor=actor, kind=kind, data=default_rules(kind))


def rules_history(kind: str) -> QuerySet[MatchRuleSet]:
    return MatchRuleSet.objects.filter(kind=spec_of(kind).kind).select_related("created_by")


def may_edit_rules(user: Any) -> bool:
    """Administrators change the matching rules."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def readable_spec(user: Any, kind: str) -> Spec:
    """The spec of a kind the user may read the rules of: whoever may see its pairs on
    the duplicates page (PermissionDenied otherwise; 404 for an unknown kind)."""
    spec = spec_of(kind)
    require(user, READ_TYPES[spec.kind], "view")
    return spec


def editable_spec(user: Any, kind: str) -> Spec:
    """The spec of a kind the user may change the rules of (administrators)."""
    spec = readable_spec(user, kind)
    if not may_edit_rules(user):
        raise PermissionDenied
    return spec
