"""Activities of the demo data set: calls, emails, meetings, notes and tasks, written in
Chinese for Chinese customers and in English for Western ones."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from guanxi.customers.choices import ActivityKind, Direction, TaskStatus
from guanxi.customers.demo_data import words

TOPICS = {
    "zh": words(
        "报价 续约 交付进度 付款安排 新产品需求 年度框架协议 "
        "售后问题 样品反馈 培训安排 合同条款 技术方案 发票"
    ),
    "en": words(
        "the quote|the renewal|the delivery schedule|payment terms|new product requirements|"
        "the annual framework agreement|a support issue|sample feedback|training|"
        "contract terms|the technical proposal|invoicing",
        "|",
    ),
}
CALL_OUT = {"zh": "致电{name}沟通{topic}", "en": "Call with {name} about {topic}"}
CALL_IN = {"zh": "{name}来电咨询{topic}", "en": "{name} called about {topic}"}
CALL_NOTES = {
    "zh": (
        "对方对{topic}基本认可，希望下周前收到书面方案。",
        "客户表示预算已批，正在走内部审批流程。",
        "对方认为价格偏高，需要申请额外折扣。",
        "约定下周再次电话确认细节。",
        "客户反馈上批货物交付及时，满意度较高。",
    ),
    "en": (
        "Broadly happy with {topic}; wants a written proposal by next week.",
        "Budget is approved, waiting for their internal sign-off.",
        "They find the price too high and asked for an extra discount.",
        "Agreed to call again next week to confirm the details.",
        "Very happy that the last shipment arrived on time.",
    ),
}
EMAIL_OUT = {"zh": "关于{topic}的资料 - {company}", "en": "Details on {topic} - {company}"}
EMAIL_IN = {"zh": "回复：{topic}", "en": "Re: {topic}"}
EMAIL_BODY = {
    "zh": "{name}您好：\n\n附件是{topic}的相关资料，请查收。如有问题请随时联系。\n\n祝好！",
    "en": (
        "Hi {name},\n\nPlease find attached the details on {topic}. Let me know if you have "
        "any questions.\n\nBest regards"
    ),
}
MEETINGS = {
    "zh": ("拜访{company}：{topic}", "{company}季度业务回顾", "{company}产品演示"),
    "en": ("Meeting with {company}: {topic}", "Quarterly review - {company}", "Demo for {company}"),
}
LOCATIONS = {
    "zh": (
        "{city}{district}客户办公室",
        "{company}会议室",
        "线上会议（腾讯会议）",
        "公司总部3楼会议室",
    ),
    "en": ("{company} office, {city}", "Zoom", "Microsoft Teams", "Our office, meeting room 2"),
}
NOTES = {
    "zh": (
        "客户预算审批预计下月完成",
        "竞争对手报价低约10%，需要关注",
        "新任采购经理已上任，需要重新建立联系",
        "客户计划明年扩产，有追加订单的可能",
        "付款周期较长，注意账期风险",
        "客户希望参加今年的行业展会",
    ),
    "en": (
        "Budget approval expected next month",
        "A competitor quoted about 10% lower",
        "New head of procurement started; we need to build the relationship",
        "They plan to expand next year: room for a bigger order",
        "Slow payer: watch the credit terms",
        "Interested in joining us at this year's trade show",
    ),
}
TASKS = {
    "zh": (
        "跟进{name}的{topic}",
        "准备{company}的报价单",
        "发送合同草稿给{name}",
        "确认{company}的交付日期",
    ),
    "en": (
        "Follow up with {name} on {topic}",
        "Prepare a quote for {company}",
        "Send the draft contract to {name}",
        "Confirm the delivery date with {company}",
    ),
}
# Kinds of the logged (random) activities, with weights.
KIND_WEIGHTS = (
    (ActivityKind.CALL, 30),
    (ActivityKind.EMAIL, 30),
    (ActivityKind.MEETING, 14),
    (ActivityKind.NOTE, 14),
    (ActivityKind.TASK, 12),
)


@dataclass
class Target:
    """Whom an activity is about: the names and places its text mentions."""

    language: str  # "zh" or "en"
    company: str  # short name, or the person's name for a consumer
    city: str
    district: str
    contact_name: str
    contact_email: str


def business_time(rng: random.Random, day: datetime) -> datetime:
    """A time between 9:00 and 18:00 on ``day`` (a local midnight), in quarter hours."""
    return day + timedelta(minutes=9 * 60 + 15 * rng.randrange(36))


def activity_fields(
    rng: random.Random,
    *,
    kind: str,
    target: Target,
    at: datetime,
    now: datetime,
    owner_email: str,
) -> dict[str, Any]:
    """The fields of one activity of ``kind`` about ``target`` at ``at`` (past or planned)."""
    lang = target.language
    name = target.contact_name or target.company
    topic = rng.choice(TOPICS[lang])
    words = {"name": name, "topic": topic, "company": target.company, "city": target.city}
    fields: dict[str, Any] = {"kind": kind, "at": at, "status": TaskStatus.DONE}
    planned = at > now
    if kind == ActivityKind.CALL:
        inbound = rng.random() < 0.35
        fields["direction"] = Direction.INBOUND if inbound else Direction.OUTBOUND
        fields["subject"] = (CALL_IN if inbound else CALL_OUT)[lang].format(**words)
        fields["body"] = rng.choice(CALL_NOTES[lang]).format(**words)
    elif kind == ActivityKind.EMAIL:
        inbound = rng.random() < 0.4
        fields["direction"] = Direction.INBOUND if inbound else Direction.OUTBOUND
        fields["subject"] = (EMAIL_IN if inbound else EMAIL_OUT)[lang].format(**words)
        fields["body"] = EMAIL_BODY[lang].format(**words)
        ours, theirs = owner_email, target.contact_email
        fields["email_from"], fields["email_to"] = (theirs, ours) if inbound else (ours, theirs)
    elif kind == ActivityKind.MEETING:
        fields["subject"] = rng.choice(MEETINGS[lang]).format(**words)
        fields["location"] = rng.choice(LOCATIONS[lang]).format(**words, district=target.district)
        fields["ends_at"] = at + timedelta(minutes=rng.choice((30, 60, 60, 90, 120)))
        if planned:
            fields["status"] = TaskStatus.OPEN
        elif rng.random() < 0.05:
            fields["status"] = TaskStatus.CANCELLED
    elif kind == ActivityKind.NOTE:
        note = rng.choice(NOTES[lang])
        fields["subject"] = note
        fields["body"] = ("。" if lang == "zh" else ". ").join([note, rng.choice(NOTES[lang])])
    else:
        fields["subject"] = rng.choice(TASKS[lang]).format(**words)
        recent = now - at < timedelta(days=14)
        if planned or (recent and rng.random() < 0.4):
            fields["status"] = TaskStatus.OPEN  # planned, or recently overdue
        elif rng.random() < 0.07:
            fields["status"] = TaskStatus.CANCELLED
    if fields["status"] == TaskStatus.DONE and kind in (ActivityKind.TASK, ActivityKind.MEETING):
        fields["completed_at"] = min(at + timedelta(hours=rng.randint(1, 48)), now)
    if planned and rng.random() < 0.5:
        fields["reminder_at"] = at - timedelta(minutes=rng.choice((15, 30, 60, 24 * 60)))
        if fields["reminder_at"] <= now:
            fields["reminder_at"] = None
    return fields
