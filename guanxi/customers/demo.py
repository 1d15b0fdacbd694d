"""The demo data set: a deterministic, realistic CRM of Chinese and Western customers.

``load_demo`` writes accounts, contacts and activities with ``bulk_create`` in batches
(the per-record services would take minutes), computing every derived value (pinyin,
initials, matching key, display name) with the helpers the services use, then rebuilds
the search documents. Contacts and activities are streamed batch by batch, so memory
stays bounded at a million contacts. Word lists: ``demo_data``; names, phones and
companies: ``demo_people``; activity texts: ``demo_activities``.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guanxi.core.models import SearchDocument, Tag, User
from guanxi.core.services.search import rebuild_index
from guanxi.customers import demo_activities as texts
from guanxi.customers import demo_data as data
from guanxi.customers.demo_contacts import ContactWriter, Sample
from guanxi.customers.demo_people import CompanyMaker, Weighted
from guanxi.customers.models import (
    Account,
    AccountContact,
    Activity,
    Address,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomerTier,
)
from guanxi.customers.services.common import first_team_of
from guanxi.lib import companies
from guanxi.lib.names import initials_of, pinyin_of

BATCH = 2000
SALES_ROLES = ("sales_rep", "sales_manager")
DEMO_TAG_NAMES = [name for name, _colour in data.TAGS]


@dataclass(frozen=True)
class DemoSize:
    accounts: int = 2000
    contacts: int = 6000
    activities: int = 30000

    def scaled(self, factor: float) -> DemoSize:
        return DemoSize(
            *(round(n * factor) for n in (self.accounts, self.contacts, self.activities))
        )


@dataclass
class AccountInfo:
    """What the contact and activity phases need to know of a saved account."""

    pk: int
    company: Any  # demo_people.Company
    owner_id: int
    team_id: int | None
    created_at: datetime
    group: list[int] = field(default_factory=list)  # pks of the accounts of its group
    contacts: list[Sample] = field(default_factory=list)  # a few, for activities


def has_customer_data() -> bool:
    return Account.all_objects.exists() or Contact.all_objects.exists()


def reset_demo() -> None:
    """Delete every account, contact and activity (live or in the trash), their child
    rows and search documents, and the demo tags."""
    with transaction.atomic():
        for through in (Activity.accounts.through, Activity.contacts.through):
            through.objects.all().delete()
        for through in (Account.tags.through, Contact.tags.through):
            through.objects.all().delete()
        for model in (ContactPhone, ContactEmail, Consent, Address, AccountContact):
            model.objects.all().delete()
        Activity.all_objects.all().delete()
        Contact.all_objects.all().delete()
        Account.all_objects.update(parent=None)
        Account.all_objects.all().delete()
        SearchDocument.objects.filter(
            object_type__in=["customers.account", "customers.contact"]
        ).delete()
        Tag.objects.filter(name__in=DEMO_TAG_NAMES).delete()


@contextmanager
def given_timestamps() -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at`` / ``updated_at`` we set (two years of
    history), instead of stamping every row with now. Restored on exit."""
    switched = []
    for model in (Account, Contact, Activity):
        for name in ("created_at", "updated_at"):
            model_field = model._meta.get_field(name)
            switched.append((model_field, model_field.auto_now, model_field.auto_now_add))
            model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in switched:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def sales_users() -> list[User]:
    """Owners of the demo records: the sales reps and managers (else any active user)."""
    users = list(
        User.objects.filter(is_active=True, roles__code__in=SALES_ROLES).distinct().order_by("pk")
    )
    return users or list(User.objects.filter(is_active=True).order_by("pk"))


class DemoLoader:
    """Loads one demo data set; ``run`` returns how many rows of each kind were written."""

    def __init__(
        self,
        *,
        seed: int = 2026,
        size: DemoSize = DemoSize(),
        batch: int = BATCH,
        index: bool = True,
        log: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.seed, self.size, self.batch, self.index, self.log = seed, size, batch, index, log
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()
        self.today = self.now.astimezone(self.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        self.counts: dict[str, int] = {}
        self.owners = sales_users()
        if not self.owners:
            raise ValueError("No users to own the demo records: run seed_demo_users first.")
        self.teams = {u.pk: getattr(first_team_of(u), "pk", None) for u in self.owners}
        self.emails = {u.pk: u.email for u in User.objects.all()}
        self.tiers = {t.code: t for t in CustomerTier.objects.all()}
        self.tags = self._tags()
        self.accounts: list[AccountInfo] = []
        self.consumers: list[Sample] = []

    def rng(self, phase: str) -> random.Random:
        """One generator per phase: changing one phase's sizes leaves the others alone."""
        return random.Random(f"{self.seed}:{phase}")  # noqa: S311 - demo data, not security

    def _tags(self) -> list[Tag]:
        for name, colour in data.TAGS:
            Tag.objects.get_or_create(name=name, defaults={"color": colour})
        return list(Tag.objects.filter(name__in=DEMO_TAG_NAMES).order_by("pk"))

    def past(self, rng: random.Random, days: int, after: datetime | None = None) -> datetime:
        """A business-hours moment in the last ``days`` days (and after ``after``)."""
        earliest = max(self.now - timedelta(days=days), after or self.now - timedelta(days=days))
        span = max((self.now - earliest).days, 1)
        moment = texts.business_time(rng, self.today - timedelta(days=rng.randrange(span)))
        if moment > self.now:  # later today: the same time yesterday
            moment -= timedelta(days=1)
        return min(max(moment, earliest), self.now)

    def run(self) -> dict[str, int]:
        started = time.monotonic()
        with transaction.atomic(), given_timestamps():
            self.load_accounts()
            self.log(f"accounts: {len(self.accounts)} ({time.monotonic() - started:.1f}s)")
            writer = ContactWriter(self)
            writer.load(self.rng("contacts"))
            self.counts.update(writer.counts)
            self.log(f"contacts: {writer.counts['contacts']} ({time.monotonic() - started:.1f}s)")
            self.load_activities()
            self.log(f"activities: {self.counts['activities']} ({time.monotonic() - started:.1f}s)")
            if self.index:
                self.counts["search documents"] = rebuild_index()
                self.log(f"search index ({time.monotonic() - started:.1f}s)")
        return self.counts

    # Accounts ---------------------------------------------------------------------------

    def load_accounts(self) -> None:
        rng = self.rng("accounts")
        maker = CompanyMaker(rng)
        owners = Weighted([(u, 1.5 if i % 2 else 1.0) for i, u in enumerate(self.owners)])
        total, pending = self.size.accounts, []
        made = 0
        while made < total:
            chinese = rng.random() < 0.7
            if total - made >= 4 and rng.random() < 0.025:
                members = maker.group(chinese=chinese, subsidiaries=rng.randint(2, 3))
            else:
                members = [maker.chinese() if chinese else maker.western()]
            owner = owners.pick(rng)
            group = []
            for company in members:
                tags = rng.sample(self.tags, rng.randint(1, 2)) if rng.random() < 0.25 else []
                group.append((self._account(rng, company, owner), company, tags))
            pending.append(group)
            made += len(members)
            if sum(len(g) for g in pending) >= self.batch or made >= total:
                self._save_accounts(pending)
                pending = []
        self.counts["accounts"] = len(self.accounts)

    def _account(self, rng: random.Random, company: Any, owner: User) -> Account:
        created = self.past(rng, 3 * 365)
        english_industry = data.INDUSTRIES[company.industry][2][0]
        description = ""
        if rng.random() < 0.3:
            description = (
                f"{data.INDUSTRIES[company.industry][0][0]}企业，员工{company.size}人。"
                if company.chinese
                else f"{english_industry} business, {company.size} employees."
            )
        return Account(
            name=company.name,
            name_pinyin=pinyin_of(company.name)[:400],
            name_initials=initials_of(company.name)[:100],
            name_key=companies.normalize_company(company.name)[:200],
            industry=company.industry,
            size=company.size,
            website=f"https://www.{company.domain}",
            tier=self.tiers.get(company.tier),
            country=company.country,
            province=company.province,
            city=company.city,
            owner_id=owner.pk,
            team_id=self.teams.get(owner.pk),
            description=description,
            custom_fields={},
            created_at=created,
            updated_at=min(created + timedelta(days=rng.randint(0, 300)), self.now),
        )

    def _save_accounts(self, rows: list[list[tuple[Account, Any, list[Tag]]]]) -> None:
        # Parents first, so that their subsidiaries can point at a saved row.
        Account.objects.bulk_create([group[0][0] for group in rows])
        subsidiaries = []
        for group in rows:
            for account, _company, _tags in group[1:]:
                account.parent_id = group[0][0].pk
                subsidiaries.append(account)
        Account.objects.bulk_create(subsidiaries)
        addresses, tag_links = [], []
        Through = Account.tags.through
        for group in rows:
            pks = [account.pk for account, _company, _tags in group]
            for account, company, tags in group:
                self.accounts.append(
                    AccountInfo(
                        pk=account.pk,
                        company=company,
                        owner_id=account.owner_id,
                        team_id=account.team_id,
                        created_at=account.created_at,
                        group=pks if len(pks) > 1 else [],
                    )
                )
                addresses.append(Address(account_id=account.pk, **company.address))
                tag_links += [Through(account_id=account.pk, tag_id=tag.pk) for tag in tags]
        Address.objects.bulk_create(addresses, batch_size=self.batch)
        Through.objects.bulk_create(tag_links, batch_size=self.batch)
        self.counts["addresses"] = self.counts.get("addresses", 0) + len(addresses)

    # Activities -------------------------------------------------------------------------

    def load_activities(self) -> None:
        rng = self.rng("activities")
        total = self.size.activities
        agenda = list(itertools.islice(self._agenda(rng), total))
        kinds = Weighted(texts.KIND_WEIGHTS)
        targets = Weighted(
            [(info, data.TIER_WEIGHT[info.company.tier]) for info in self.accounts]
            + ([(None, 0.12 * len(self.accounts) or 1.0)] if self.consumers else [])
        )
        buffer: list[tuple[Activity, int | None, int | None]] = list(agenda)
        self.counts["activities"] = 0
        for _ in range(total - len(agenda)):
            if not self.accounts and not self.consumers:
                break
            info = targets.pick(rng)
            if rng.random() < 0.04:  # planned: in the next two months
                days = rng.randint(1, 60)
                at = texts.business_time(rng, self.today + timedelta(days=days))
                kind = rng.choice(("task", "meeting"))
            else:
                kind = kinds.pick(rng)
                after = info.created_at if info is not None else None
                at = self.past(rng, 730, after=after)
            buffer.append(self._activity(rng, kind, at, info))
            if len(buffer) >= self.batch:
                self._save_activities(buffer)
                buffer = []
        self._save_activities(buffer)

    def _agenda(self, rng: random.Random) -> Iterator[tuple[Activity, int | None, int | None]]:
        """ "My day" for every demo user: overdue tasks, tasks due today and, for the
        owners, a meeting today — so the page is alive on the first log-in."""
        users = list(User.objects.filter(is_active=True).order_by("pk"))
        for user in users:
            own = [info for info in self.accounts if info.owner_id == user.pk]
            # (days ago, hour, kind): two overdue tasks, two due today, a meeting today
            plan = [(3, 10, "task"), (8, 15, "task"), (0, 11, "task"), (0, 16, "task")]
            if own:
                plan.append((0, 14, "meeting"))
            for days, hour, kind in plan:
                pool = own or self.accounts
                if not pool:
                    return
                info = rng.choice(pool)
                at = self.today - timedelta(days=days) + timedelta(hours=hour)
                activity, account_id, contact_id = self._activity(rng, kind, at, info)
                activity.status = "open" if kind == "task" or at > self.now else "done"
                activity.completed_at = None if activity.status == "open" else at
                activity.assignee_id = user.pk if kind == "task" else None
                if kind == "meeting":
                    activity.owner_id, activity.team_id = user.pk, self.teams.get(user.pk)
                yield activity, account_id, contact_id

    def _activity(
        self, rng: random.Random, kind: str, at: datetime, info: AccountInfo | None
    ) -> tuple[Activity, int | None, int | None]:
        if info is None:
            sample = rng.choice(self.consumers)
            company, city, district = sample.name, sample.city, sample.district
            owner_id, team_id, account_id = sample.owner_id, sample.team_id, None
        else:
            sample = rng.choice(info.contacts) if info.contacts and rng.random() < 0.85 else None
            company = companies.strip_legal_suffix(info.company.name)
            city, district = info.company.city, info.company.address["district"]
            owner_id, team_id, account_id = info.owner_id, info.team_id, info.pk
        language = ("zh" if sample.chinese else "en") if sample else None
        language = language or ("zh" if info and info.company.chinese else "en")
        target = texts.Target(
            language=language,
            company=company,
            city=city,
            district=district,
            contact_name=sample.name if sample else "",
            contact_email=sample.email if sample else "",
        )
        fields = texts.activity_fields(
            rng, kind=kind, target=target, at=at, now=self.now, owner_email=self.emails[owner_id]
        )
        created = (
            min(at, self.now) if at <= self.now else self.now - timedelta(days=rng.randint(0, 7))
        )
        activity = Activity(
            **fields,
            owner_id=owner_id,
            team_id=team_id,
            assignee_id=owner_id if kind == "task" else None,
            custom_fields={},
            created_at=created,
            updated_at=fields.get("completed_at") or created,
        )
        return activity, account_id, sample.pk if sample else None

    def _save_activities(self, rows: list[tuple[Activity, int | None, int | None]]) -> None:
        if not rows:
            return
        Activity.objects.bulk_create([activity for activity, _a, _c in rows])
        on_accounts = Activity.accounts.through
        on_contacts = Activity.contacts.through
        on_accounts.objects.bulk_create(
            [on_accounts(activity_id=a.pk, account_id=pk) for a, pk, _c in rows if pk],
            batch_size=self.batch,
        )
        on_contacts.objects.bulk_create(
            [on_contacts(activity_id=a.pk, contact_id=pk) for a, _p, pk in rows if pk],
            batch_size=self.batch,
        )
        self.counts["activities"] += len(rows)


def load_demo(**options: Any) -> dict[str, int]:
    """Load a demo data set (see ``DemoLoader``); returns the rows written per kind."""
    return DemoLoader(**options).run()
