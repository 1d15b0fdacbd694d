"""Demo service data: categories routed to the Service team, SLA policies for each
priority (tighter for VIP customers), and tickets from the demo customers over the last
two months in every status, with their conversations, some of them past their due
times. Tickets are opened through the ticket service (routing, customer matching, SLA
clocks); their history is then dated back and the replies written directly, so the demo
sends no e-mail. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from guanxi.core.models import Team
from guanxi.customers.models import Contact, CustomerTier
from guanxi.sales.choices_orders import SerialStatus
from guanxi.sales.models import SerialNumber
from guanxi.service.choices import Channel, MessageKind, TicketStatus
from guanxi.service.models import Category, SlaPolicy, Ticket, TicketMessage
from guanxi.service.services import sla
from guanxi.service.services.calendars import default_calendar
from guanxi.service.services.tickets import open_ticket

CATEGORIES = [
    ("Hardware repair", "硬件维修"),
    ("Software and licences", "软件与许可"),
    ("Billing", "账单"),
    ("Delivery", "物流配送"),
]
# priority -> first response, resolution (business minutes); VIP: half of each
TARGETS = {"urgent": (60, 480), "high": (120, 960), "normal": (240, 1920), "low": (480, 4800)}
PROBLEMS = [
    ("打印机不出纸", "我们上周买的热敏打印机开机后不出纸，指示灯一直闪红灯。"),
    ("扫描枪无法连接", "扫码枪连不上收银系统，重新插拔也没用，请尽快处理。"),
    ("POS terminal freezes", "The POS terminal freezes every afternoon at the busiest time."),
    ("发票抬头错误", "上个月的发票抬头写错了，需要重新开具。"),
    ("Licence key not accepted", "The ERP licence key from the order is refused on install."),
    ("货物未送达", "订单显示已发货一周，但我们还没有收到货。"),
    ("平板电脑屏幕破裂", "运输途中平板屏幕碎了，在保修期内吗？"),
    ("Training date change", "Can we move the training day to next month?"),
]
REPLIES = [
    "您好，已收到您的问题，我们的工程师正在排查，请提供设备序列号。",
    "Thank you, we have sent a replacement; it should arrive in two days.",
    "已为您重新开具发票，请查收邮件。",
    "请尝试重启设备并更新到最新固件，如仍有问题请回复。",
]


def _setup(rng: random.Random) -> list[Category]:
    team = Team.objects.filter(name="Service").first()
    categories = []
    for name, name_zh in CATEGORIES:
        category, _ = Category.objects.get_or_create(
            name=name, defaults={"name_zh": name_zh, "team": team}
        )
        categories.append(category)
    calendar = default_calendar()
    vip = CustomerTier.objects.filter(code="vip").first()
    for priority, (first, resolve) in TARGETS.items():
        SlaPolicy.objects.get_or_create(
            priority=priority,
            tier=None,
            is_active=True,
            defaults={
                "name": f"{priority.title()} – everyone",
                "first_response_minutes": first,
                "resolution_minutes": resolve,
                "calendar": calendar,
            },
        )
        if vip is not None:
            SlaPolicy.objects.get_or_create(
                priority=priority,
                tier=vip,
                is_active=True,
                defaults={
                    "name": f"{priority.title()} – VIP",
                    "first_response_minutes": first // 2,
                    "resolution_minutes": resolve // 2,
                    "calendar": calendar,
                },
            )
    return categories


@transaction.atomic
def load_service(*, tickets: int = 150, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    categories = _setup(rng)
    contacts = list(Contact.objects.filter(emails__isnull=False).distinct().order_by("pk")[:2000])
    units = list(
        SerialNumber.objects.filter(status=SerialStatus.SOLD)
        .select_related("line__order")
        .order_by("pk")[:500]
    )
    if not contacts:
        return {"tickets": 0}
    now = timezone.now()
    made = 0
    for index in range(tickets):
        contact = rng.choice(contacts)
        subject, body = rng.choice(PROBLEMS)
        unit = rng.choice(units) if units and index % 3 == 0 else None
        email = contact.emails.order_by("-is_primary", "pk").first()
        ticket = open_ticket(
            actor=None,
            subject=subject,
            body=body,
            channel=rng.choice([Channel.EMAIL, Channel.EMAIL, Channel.WEB, Channel.PHONE]),
            priority=rng.choice(["low", "normal", "normal", "normal", "high", "urgent"]),
            category=rng.choice(categories),
            contact=contact,
            requester_email=email.value if email else "",
            serial=unit,
        )
        opened = now - timedelta(hours=rng.randint(1, 60 * 24))
        _history(rng, ticket, opened, now)
        made += 1
    return {"tickets": made}


def _history(rng: random.Random, ticket: Ticket, opened: datetime, now: datetime) -> None:
    """Date the ticket back, answer most of them, solve or close the older ones."""
    ticket.created_at = opened
    TicketMessage.objects.filter(ticket=ticket).update(created_at=opened)
    sla.recompute_due_times(ticket)
    age = now - opened
    status = TicketStatus.NEW
    if rng.random() < 0.8 and age > timedelta(hours=2):
        answered = opened + timedelta(minutes=rng.randint(20, 600))
        TicketMessage.objects.create(
            ticket=ticket,
            kind=MessageKind.REPLY,
            body=rng.choice(REPLIES),
            author=ticket.owner,
            author_name=ticket.owner.full_name if ticket.owner else "",
            channel=Channel.EMAIL,
        )
        TicketMessage.objects.filter(ticket=ticket, kind=MessageKind.REPLY).update(
            created_at=answered
        )
        ticket.first_responded_at = answered
        status = rng.choice(
            [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SOLVED, TicketStatus.CLOSED]
        )
        if age > timedelta(days=14) and status in (TicketStatus.OPEN, TicketStatus.PENDING):
            status = TicketStatus.CLOSED
    ticket.status = status
    if status in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        ticket.solved_at = opened + min(age, timedelta(days=rng.randint(1, 5)))
        ticket.closed_at = ticket.solved_at if status == TicketStatus.CLOSED else None
    if status == TicketStatus.PENDING:
        ticket.paused_at = now
    answered_at = ticket.first_responded_at or now
    if ticket.first_response_due and answered_at > ticket.first_response_due:
        ticket.first_response_breached_at = ticket.first_response_due
    resolved = ticket.solved_at or now
    if ticket.resolution_due and resolved > ticket.resolution_due:
        ticket.resolution_breached_at = ticket.resolution_due
    ticket.save()


@transaction.atomic
def reset_service() -> None:
    """Delete every ticket (and its messages) and the demo categories and policies."""
    from guanxi.core.models import SearchDocument

    Ticket.all_objects.all().delete()
    SlaPolicy.objects.filter(name__contains=" – ").delete()
    Category.objects.filter(name__in=[name for name, _zh in CATEGORIES]).delete()
    SearchDocument.objects.filter(object_type="service.ticket").delete()
