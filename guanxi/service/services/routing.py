"""Ticket routing rules (story 15: the customer need not know the department).

* The active rules are tried by position; a rule matches when every condition it
  gives matches (category, product, product category, customer tier, language, any one
  of its keywords in the subject or the message); the first match wins.
* The matching rule sends the ticket to its team, may set its priority and category,
  and the agent is chosen by the rule's strategy, else the team's (least loaded by
  default, or round robin with a pointer locked by ``select_for_update``).
* Rules are set up by administrators and service managers; each change is audited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guanxi.core.access import require
from guanxi.core.models import Team, TeamMembership, User
from guanxi.core.services.audit import delete_audited, save_audited, snapshot
from guanxi.core.services.ordering import move_in_list
from guanxi.customers.models import Account, Contact, CustomerTier
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.models import Product
from guanxi.service.choices import Priority
from guanxi.service.models import (
    Category,
    RoutingRule,
    Strategy,
    TeamRouting,
    Ticket,
    TicketRouting,
)
from guanxi.service.object_types import ROUTING_RULE

AGENT_ROLES = ("service_agent", "service_manager")
RULE_FIELDS = (
    "name",
    "position",
    "is_active",
    "category_id",
    "product_id",
    "product_category",
    "tier_id",
    "language",
    "keywords",
    "team_id",
    "strategy",
    "set_priority",
    "set_category_id",
)
EDITABLE = {name.removesuffix("_id") for name in RULE_FIELDS} - {"position"}
LANGUAGES = ("zh-hans", "en")
_SEPARATORS = re.compile(r"[,，、;；\n\r]+")


# --- matching ----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Case- and width-insensitive form: full-width letters and digits become ASCII."""
    return unicodedata.normalize("NFKC", text).casefold()


def split_keywords(text: str) -> list[str]:
    """The keywords of a rule: separated by commas (ASCII or Chinese), 、, semicolons or
    new lines; blanks dropped, each once."""
    words: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        word = part.strip()
        if word and fold(word) not in {fold(w) for w in words}:
            words.append(word)
    return words


@dataclass(frozen=True)
class TicketFacts:
    """What the rules look at of a new ticket."""

    subject: str = ""
    body: str = ""
    category: Category | None = None
    product: Product | None = None
    tier: CustomerTier | None = None
    language: str = ""


@dataclass
class Verdict:
    """One rule tried against a ticket: whether it matched, and why (or why not)."""

    rule: RoutingRule
    matched: bool
    reasons: list[str] = field(default_factory=list)


def tier_of(account: Account | None, contact: Contact | None) -> CustomerTier | None:
    """The customer's tier: the account's, else the (consumer) contact's."""
    if account is not None and account.tier_id:
        return account.tier
    if contact is not None and contact.tier_id:
        return contact.tier
    return None


def facts_for(
    *,
    subject: str = "",
    body: str = "",
    category: Category | None = None,
    product: Product | None = None,
    account: Account | None = None,
    contact: Contact | None = None,
    language: str = "",
) -> TicketFacts:
    return TicketFacts(
        subject=subject,
        body=body,
        category=category,
        product=product,
        tier=tier_of(account, contact),
        language=language,
    )


def check_rule(rule: RoutingRule, facts: TicketFacts) -> Verdict:
    """Whether every condition the rule gives matches; the reasons name each condition
    that matched, or the first one that did not."""
    reasons: list[str] = []

    def fail(message: str) -> Verdict:
        return Verdict(rule=rule, matched=False, reasons=[message])

    if rule.category_id:
        if facts.category is None or facts.category.pk != rule.category_id:
            return fail(_("the category is not %(name)s") % {"name": rule.category})
        reasons.append(_("category is %(name)s") % {"name": rule.category})
    if rule.product_id:
        if facts.product is None or facts.product.pk != rule.product_id:
            return fail(_("the product is not %(name)s") % {"name": rule.product})
        reasons.append(_("product is %(name)s") % {"name": rule.product})
    if rule.product_category:
        wanted = fold(rule.product_category.strip())
        if facts.product is None or fold(facts.product.category.strip()) != wanted:
            return fail(_("the product category is not %(name)s") % {"name": rule.product_category})
        reasons.append(_("product category is %(name)s") % {"name": rule.product_category})
    if rule.tier_id:
        if facts.tier is None or facts.tier.pk != rule.tier_id:
            return fail(_("the customer tier is not %(name)s") % {"name": rule.tier})
        reasons.append(_("customer tier is %(name)s") % {"name": rule.tier})
    if rule.language:
        if fold(facts.language) != fold(rule.language):
            return fail(_("the language is not %(code)s") % {"code": rule.language})
        reasons.append(_("language is %(code)s") % {"code": rule.language})
    words = split_keywords(rule.keywords)
    if words:
        text = fold(f"{facts.subject}\n{facts.body}")
        found = [word for word in words if fold(word) in text]
        if not found:
            return fail(_("none of the keywords %(words)s") % {"words": "、".join(words)})
        reasons.append(_("contains “%(word)s”") % {"word": found[0]})
    return Verdict(rule=rule, matched=True, reasons=reasons)


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(is_active=True)
        .select_related("category", "product", "tier", "team", "set_category")
        .order_by("position", "pk")
    )


def explain(facts: TicketFacts) -> list[Verdict]:
    """Every active rule, in order, tried against the facts (for the test box)."""
    return [check_rule(rule, facts) for rule in active_rules()]


def find_rule(facts: TicketFacts) -> Verdict | None:
    """The first active rule (by position) whose conditions all match, with why."""
    for rule in active_rules():
        if rule.team.is_trashed:
            continue
        verdict = check_rule(rule, facts)
        if verdict.matched:
            return verdict
    return None


# --- choosing the agent ------------------------------------------------------------------------


def team_strategy(team: Team) -> str:
    setting = TeamRouting.objects.filter(team=team).first()
    return setting.strategy if setting is not None else Strategy.LEAST_LOADED


def agents_of(team: Team) -> list[User]:
    """The team's active service agents and managers, by id (the round-robin order)."""
    members = TeamMembership.objects.filter(team=team).values("user_id")
    agents = User.objects.filter(roles__code__in=AGENT_ROLES).values("pk")
    return list(
        User.objects.filter(pk__in=members, is_active=True).filter(pk__in=agents).order_by("pk")
    )


def round_robin(team: Team) -> User | None:
    """The next agent after the one who got the team's last ticket. The team's pointer
    row is locked until the transaction ends, so two tickets opened at once go to two
    agents."""
    TeamRouting.objects.get_or_create(team=team)
    setting = TeamRouting.objects.select_for_update().get(team=team)
    agents = agents_of(team)
    if not agents:
        return None
    last = setting.last_agent_id
    chosen = next((agent for agent in agents if last is not None and agent.pk > last), agents[0])
    setting.last_agent = chosen
    setting.save(update_fields=["last_agent"])
    return chosen


def choose_agent(team: Team | None, strategy: str = "") -> User | None:
    """The agent of the team for a new ticket, by ``strategy`` or the team's own."""
    if team is None:
        return None
    if (strategy or team_strategy(team)) == Strategy.ROUND_ROBIN:
        return round_robin(team)
    from guanxi.service.services.tickets import pick_agent  # tickets calls this module

    return pick_agent(team)


def record_routing(ticket: Ticket, verdict: Verdict) -> TicketRouting:
    """Remember which rule routed the ticket and why (shown on the ticket page)."""
    rule = verdict.rule
    return TicketRouting.objects.create(
        ticket=ticket,
        rule=rule,
        rule_name=rule.name[:100],
        reason="; ".join(verdict.reasons)[:500],
        strategy=rule.strategy or team_strategy(rule.team),
    )


# --- setting the rules up ----------------------------------------------------------------------


def _check_type(errors: Errors, name: str, value: Any, model: type) -> Any:
    if value is not None and not isinstance(value, model):
        errors.add(name, _("No such record."))
        return None
    return value


def _clean_rule(errors: Errors, rule: RoutingRule, values: dict[str, Any]) -> None:
    if "name" in values:
        rule.name = clean_text(errors, "name", values["name"], max_length=100, required=True)
    if "is_active" in values:
        rule.is_active = bool(values["is_active"])
    for name, model in (
        ("category", Category),
        ("product", Product),
        ("tier", CustomerTier),
        ("set_category", Category),
    ):
        if name in values:
            setattr(rule, name, _check_type(errors, name, values[name], model))
    if "team" in values:
        team = _check_type(errors, "team", values["team"], Team)
        if team is None and "team" not in errors:
            errors.add("team", _("Choose the team the tickets go to."))
        elif team is not None and team.is_trashed:
            errors.add("team", _("This team was deleted."))
        else:
            rule.team = team
    if "product_category" in values:
        rule.product_category = clean_text(
            errors, "product_category", values["product_category"], max_length=100
        )
    if "language" in values:
        language = str(values["language"] or "").strip().lower()
        if language and language not in LANGUAGES:
            errors.add("language", _("Choose a language."))
        rule.language = language
    if "keywords" in values:
        text = clean_text(errors, "keywords", values["keywords"], max_length=2000)
        rule.keywords = ", ".join(split_keywords(text))
    if "strategy" in values:
        strategy = values["strategy"] or ""
        if strategy and strategy not in Strategy.values:
            errors.add("strategy", _("Choose how the agent is chosen."))
        rule.strategy = strategy
    if "set_priority" in values:
        priority = values["set_priority"] or ""
        if priority and priority not in Priority.values:
            errors.add("set_priority", _("Choose a priority."))
        rule.set_priority = priority
    if rule.set_category is not None and not rule.set_category.is_active:
        errors.add("set_category", _("This category is no longer used."))


def _has_condition(rule: RoutingRule) -> bool:
    return bool(
        rule.category_id
        or rule.product_id
        or rule.product_category
        or rule.tier_id
        or rule.language
        or rule.keywords
    )


@transaction.atomic
def create_rule(*, actor: User, name: str, team: Team | None, **values: Any) -> RoutingRule:
    """A new rule at the end of the list; it needs a team and at least one condition."""
    require(actor, ROUTING_RULE, "add")
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValidationError({key: _("This field cannot be set here.") for key in unknown})
    rule = RoutingRule()
    errors = Errors()
    _clean_rule(errors, rule, {"name": name, "team": team, **values})
    if not _has_condition(rule):
        errors.add("keywords", _("Give at least one condition."))
    errors.raise_if_any()
    last = RoutingRule.objects.aggregate(last=Max("position"))["last"]
    rule.position = (last or 0) + 10
    save_audited(actor=actor, obj=rule, fields=RULE_FIELDS)
    return rule


@transaction.atomic
def update_rule(*, actor: User, rule: RoutingRule, **changes: Any) -> RoutingRule:
    """Change a rule's conditions or what it does; ``is_active=False`` retires it."""
    require(actor, ROUTING_RULE, "change")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError({key: _("This field cannot be changed here.") for key in unknown})
    before = snapshot(rule, RULE_FIELDS)
    errors = Errors()
    _clean_rule(errors, rule, changes)
    if not _has_condition(rule):
        errors.add("keywords", _("Give at least one condition."))
    errors.raise_if_any()
    save_audited(actor=actor, obj=rule, fields=RULE_FIELDS, before=before)
    return rule


@transaction.atomic
def move_rule(*, actor: User, rule: RoutingRule, direction: str) -> RoutingRule:
    """Swap the rule with its neighbour above (``up``) or below (``down``)."""
    require(actor, ROUTING_RULE, "change")
    return move_in_list(
        actor=actor, obj=rule, siblings=RoutingRule.objects.all(), direction=direction
    )


@transaction.atomic
def delete_rule(*, actor: User, rule: RoutingRule) -> None:
    """Delete a rule for good; tickets it routed keep its name."""
    require(actor, ROUTING_RULE, "delete")
    delete_audited(actor=actor, obj=rule, fields=RULE_FIELDS)


@transaction.atomic
def set_team_strategy(*, actor: User, team: Team, strategy: str) -> TeamRouting:
    """How the team's agents are chosen for new tickets routed to it."""
    require(actor, ROUTING_RULE, "change")
    if strategy not in Strategy.values:
        raise ValidationError({"strategy": _("Choose how the agent is chosen.")})
    setting, _created = TeamRouting.objects.get_or_create(team=team)
    before = snapshot(setting, ("strategy",))
    setting.strategy = strategy
    save_audited(actor=actor, obj=setting, fields=("strategy",), before=before)
    return setting
