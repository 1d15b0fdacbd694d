"""Lead services: cleaning what people type, qualification, follow-ups, the trash."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guanxi.core.models import AuditEntry, SearchDocument, TrashItem
from guanxi.core.search import search
from guanxi.sales.models import Lead
from guanxi.sales.services.leads import (
    create_lead,
    delete_lead,
    disqualify_lead,
    log_lead_activity,
    qualify_lead,
    update_lead,
)
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db


def test_create_lead_normalises_phone_email_region_and_name():
    rep = make_user(role="sales_rep")
    lead = create_lead(
        actor=rep,
        family_name="张",
        given_name="伟",
        company="北京字节跳动科技有限公司",
        phone="138 1234 5678",
        email="Zhang.Wei@Example.COM ",
        province="北京",
        city="Beijing",
        tags=["展会 2025"],
    )
    assert (lead.full_name, lead.name_pinyin) == ("张伟", "zhang wei")
    assert (lead.phone, lead.email) == ("+8613812345678", "zhang.wei@example.com")
    assert (lead.country, lead.province, lead.city) == ("CN", "11", "北京")
    assert (lead.owner, lead.status, lead.source) == (rep, "new", "manual")
    assert [t.name for t in lead.tags.all()] == ["展会 2025"]
    entry = AuditEntry.objects.get(object_type="sales.lead", event="create")
    assert entry.changes["phone"] == [None, "+8613812345678"]
    assert entry.changes["tags"] == [[], ["展会 2025"]]


def test_bad_input_names_every_field_and_creates_nothing():
    rep = make_user(role="sales_rep")
    with pytest.raises(ValidationError) as caught:
        create_lead(actor=rep, family_name="", email="not-an-email", phone="12", industry="mining")
    assert set(caught.value.message_dict) == {"family_name", "email", "phone", "industry"}
    assert caught.value.message_dict["phone"] == ["12 is not a valid phone number."]
    assert Lead.all_objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_rep_may_not_give_a_new_lead_to_someone_else():
    trio = team_trio("sales_rep")
    with pytest.raises(ValidationError) as caught:
        create_lead(actor=trio.owner, family_name="李", owner=trio.teammate)
    assert caught.value.message_dict == {"owner": ["You may not give records to someone else."]}
    assert Lead.all_objects.count() == 0


def test_manager_gives_a_lead_to_a_teammate_with_the_reason_recorded():
    trio = team_trio("sales_manager")
    lead = create_lead(actor=trio.owner, family_name="李", owner=trio.teammate)
    assert (lead.owner, lead.team) == (trio.teammate, trio.team)
    assert lead.assignment_reason == f"Chosen by {trio.owner}"


def test_update_lead_changes_only_given_fields_and_audits_them():
    lead = make_lead(title="Buyer", phone="13812345678")
    update_lead(actor=lead.owner, lead=lead, title="CFO", phone="+86 139 0000 0000")
    lead.refresh_from_db()
    assert (lead.title, lead.phone, lead.family_name) == ("CFO", "+8613900000000", "Lead")
    change = AuditEntry.objects.get(object_type="sales.lead", event="change")
    assert change.changes == {
        "title": ["Buyer", "CFO"],
        "phone": ["+8613812345678", "+8613900000000"],
    }


def test_refused_update_changes_nothing():
    lead = make_lead(title="Buyer")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        update_lead(actor=lead.owner, lead=lead, title="CFO", email="bad")
    lead.refresh_from_db()
    assert lead.title == "Buyer"
    assert AuditEntry.objects.count() == before


def test_qualify_and_disqualify_with_a_reason():
    lead = make_lead()
    qualify_lead(actor=lead.owner, lead=lead)
    assert Lead.objects.get(pk=lead.pk).status == "qualified"
    with pytest.raises(ValidationError) as caught:
        disqualify_lead(actor=lead.owner, lead=lead, reason="")
    assert caught.value.message_dict == {"reason": ["Say why the lead is disqualified."]}
    assert Lead.objects.get(pk=lead.pk).status == "qualified"
    disqualify_lead(actor=lead.owner, lead=lead, reason="no_budget", note="明年再说")
    lead.refresh_from_db()
    assert (lead.status, lead.disqualify_reason, lead.disqualify_note) == (
        "disqualified",
        "no_budget",
        "明年再说",
    )


def test_a_call_to_a_new_lead_marks_it_contacted_once():
    lead = make_lead()
    called_at = timezone.now() - timedelta(hours=1)
    note = log_lead_activity(actor=lead.owner, lead=lead, kind="note", subject="Read the site")
    assert Lead.objects.get(pk=lead.pk).status == "new"
    call = log_lead_activity(
        actor=lead.owner, lead=lead, kind="call", subject="First call", at=called_at
    )
    lead.refresh_from_db()
    assert (lead.status, lead.first_contacted_at) == ("contacted", called_at)
    assert list(lead.activities.order_by("pk")) == [note, call]
    log_lead_activity(actor=lead.owner, lead=lead, kind="email", subject="Follow-up")
    assert Lead.objects.get(pk=lead.pk).first_contacted_at == called_at


def test_delete_moves_the_lead_to_the_trash_and_out_of_search():
    lead = make_lead(family_name="欧阳", given_name="娜娜")
    assert [r["title"] for r in search(lead.owner, "欧阳")] == ["欧阳娜娜"]
    delete_lead(actor=lead.owner, lead=lead)
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert TrashItem.objects.get().object_type == "sales.lead"
    assert not SearchDocument.objects.filter(object_type="sales.lead").exists()


def test_search_finds_a_lead_by_pinyin_company_and_phone_digits():
    lead = make_lead(
        family_name="王", given_name="芳", company="上海电气股份有限公司", phone="13812345678"
    )
    for text in ("wangfang", "上海电气", "5678", "shanghai"):
        assert [r["object_id"] for r in search(lead.owner, text)] == [lead.pk], text
    outsider = make_user(role="sales_rep")
    assert search(outsider, "wangfang") == []
