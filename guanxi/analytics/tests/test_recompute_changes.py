"""The incremental recompute picks up changes in every input of the analytics, not just
orders: service tickets, technicians' visits, survey answers, activities, tags, deals,
products, the trash. For each kind of change the customers concerned are found, and the
incremental run leaves exactly what a full run with the same fits would store."""

from datetime import datetime, time, timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from guanxi.analytics.choices import RunKind
from guanxi.analytics.models import ChurnRisk, CustomerClass, CustomerScore
from guanxi.analytics.services.changes import changed_account_ids
from guanxi.analytics.services.recompute import recompute_all, recompute_changed
from guanxi.analytics.tests.factories import basket, meeting, population, product, ticket_on
from guanxi.core.models import Tag, TrashItem
from guanxi.core.services.tags import tag_records
from guanxi.core.services.trash import restore_record, trash_record
from guanxi.customers.models import AccountContact
from guanxi.customers.services.activities import update_activity
from guanxi.service.models import Survey, Ticket
from guanxi.service.services.surveys import answer_survey
from guanxi.service.services.tickets import update_ticket
from guanxi.testing.customers import make_contact
from guanxi.testing.deals import make_deal
from guanxi.testing.field import done_visit, make_point, make_technician
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db
SCORE_FIELDS = [f.name for f in CustomerScore._meta.fields if f.name not in ("id", "computed_at")]


def _today():
    return timezone.localdate()


def _state():
    """Every stored row per table and account, without the time it was computed."""

    def rows(model, exclude=()):
        fields = [
            f.name for f in model._meta.fields if f.name not in ("id", "computed_at", *exclude)
        ]
        return {row.account_id: model_to_dict(row, fields=fields) for row in model.objects.all()}

    return {
        "scores": rows(CustomerScore),
        "classes": rows(CustomerClass),
        "risks": rows(ChurnRisk),
    }


def _computed_at():
    return {
        (model.__name__, pk): at
        for model in (CustomerScore, CustomerClass, ChurnRisk)
        for pk, at in model.objects.values_list("account_id", "computed_at")
    }


@pytest.fixture
def world():
    """30 scored customers; two of them bought a costed product, one has an open ticket,
    one a meeting, one an NPS answer through a contact working there."""
    today = _today()
    accounts = population(today, customers=30, seed=11)
    admin = make_user(role="administrator")
    costed = product(category="Parts", cost=40)
    for account in accounts[:2]:
        basket(account, today - timedelta(days=20), [costed], price=120)
    ticket = ticket_on(accounts[5], today - timedelta(days=3))
    activity = meeting(accounts[6], today - timedelta(days=4))
    contact = make_contact()
    AccountContact.objects.create(account=accounts[7], contact=contact)
    recompute_all(as_of=today)
    since = timezone.now()
    return {
        "accounts": accounts,
        "admin": admin,
        "product": costed,
        "ticket": ticket,
        "activity": activity,
        "contact": contact,
        "since": since,
    }


def _sent(kind, *, account=None, contact=None):
    import secrets

    return Survey.objects.create(
        kind=kind,
        account=account,
        contact=contact,
        token=secrets.token_hex(16),
        sent_at=timezone.now() - timedelta(days=1),
    )


def test_one_new_ticket_recomputes_exactly_that_customer(world):
    accounts = world["accounts"]
    before, stamps = _state(), _computed_at()
    changed = accounts[3]

    ticket_on(changed, _today() - timedelta(days=1))
    result = recompute_changed(since=world["since"], as_of=_today())

    assert result.account_ids == [changed.pk]
    after = _state()
    restamped = {key for key, at in _computed_at().items() if at != stamps[key]}
    assert restamped == {("CustomerScore", changed.pk), ("CustomerClass", changed.pk)} | {
        ("ChurnRisk", changed.pk)
    }
    assert after["classes"][changed.pk]["inputs"]["tickets"] == (
        before["classes"][changed.pk]["inputs"]["tickets"] + 1
    )
    assert after["risks"][changed.pk]["open_tickets"] == 1
    assert after["risks"][changed.pk]["risk"] > before["risks"][changed.pk]["risk"]
    # the others' rows are untouched
    for table in after:
        assert {pk: row for pk, row in after[table].items() if pk != changed.pk} == {
            pk: row for pk, row in before[table].items() if pk != changed.pk
        }

    # and a full recompute with the same fits stores exactly the same
    recompute_all(as_of=_today(), refit=False)
    assert _state() == after


def _new_ticket(w):
    ticket_on(w["accounts"][3], _today() - timedelta(days=1))
    return {w["accounts"][3].pk}


def _ticket_trashed(w):
    trash_record(actor=w["admin"], obj=w["ticket"])
    return {w["accounts"][5].pk}


def _ticket_moved(w):
    update_ticket(actor=w["admin"], ticket=w["ticket"], account=w["accounts"][8])
    return {w["accounts"][5].pk, w["accounts"][8].pk}


def _visit_done(w):
    point = make_point()
    at = timezone.make_aware(datetime.combine(_today() - timedelta(days=1), time(15)))
    done_visit(Ticket.objects.get(pk=w["ticket"].pk), make_technician(point), at=at)
    return {w["accounts"][5].pk}


def _low_csat_answered(w):
    answer_survey(survey=_sent("csat", account=w["accounts"][9]), score=1)
    return {w["accounts"][9].pk}


def _nps_of_a_contact(w):
    answer_survey(survey=_sent("nps", contact=w["contact"]), score=3)
    return {w["accounts"][7].pk}


def _meeting_added(w):
    meeting(w["accounts"][10], _today() - timedelta(days=2))
    return {w["accounts"][10].pk}


def _meeting_unlinked(w):
    update_activity(actor=w["admin"], activity=w["activity"], accounts=[])
    return {w["accounts"][6].pk}


def _tagged(w):
    tag = Tag.objects.create(name="Premium")  # a need by the default rules
    tag_records(actor=w["admin"], records=[w["accounts"][11]], tag=tag, add=True)
    return {w["accounts"][11].pk}


def _account_trashed(w):
    trash_record(actor=w["admin"], obj=w["accounts"][12])
    return {w["accounts"][12].pk}


def _product_cost(w):
    costed = w["product"]
    costed.cost = 90
    costed.save()
    return {w["accounts"][0].pk, w["accounts"][1].pk}


def _deal_on_a_prospect(w):
    return {make_deal().account_id}  # a new account of the deal's owner, no orders


CHANGES = [
    _new_ticket,
    _ticket_trashed,
    _ticket_moved,
    _visit_done,
    _low_csat_answered,
    _nps_of_a_contact,
    _meeting_added,
    _meeting_unlinked,
    _tagged,
    _account_trashed,
    _product_cost,
    _deal_on_a_prospect,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_each_kind_of_change_is_picked_up_and_equals_a_full_run(world, change):
    before = _state()
    expected = change(world)

    assert expected <= changed_account_ids(world["since"])
    recompute_changed(since=world["since"], as_of=_today())
    incremental = _state()
    # the change shows in the stored rows (so a missed customer would be noticed) …
    assert any(
        incremental[table].get(pk) != before[table].get(pk) for table in before for pk in expected
    )
    recompute_all(as_of=_today(), refit=False)
    # … and the incremental run stored exactly what a full run stores
    assert _state() == incremental


def test_a_restored_ticket_is_a_change(world):
    trash_record(actor=world["admin"], obj=world["ticket"])
    recompute_all(as_of=_today(), refit=False)
    since = timezone.now()
    trashed = _state()

    restore_record(actor=world["admin"], item=TrashItem.objects.get(object_id=world["ticket"].pk))

    assert world["accounts"][5].pk in changed_account_ids(since)
    recompute_changed(since=since, as_of=_today())
    incremental = _state()
    assert incremental != trashed
    recompute_all(as_of=_today(), refit=False)
    assert _state() == incremental


def test_a_new_product_category_reclassifies_everyone(world):
    product(category="Software")

    result = recompute_changed(since=world["since"], as_of=_today())

    assert result.run.kind == RunKind.FULL
    sold = {row["inputs"]["categories_sold"] for row in _state()["classes"].values()}
    assert sold == {2}
