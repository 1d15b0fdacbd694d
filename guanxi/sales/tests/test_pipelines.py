"""Pipelines and stages: invariants, one default, retiring, reordering, stages with deals
or history kept, and the manager's page and API."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.sales.models import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.services.deals import move_deal
from guanxi.sales.services.pipelines import (
    create_pipeline,
    delete_stage,
    move_stage_deals,
    update_pipeline,
)
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

FOUR = [
    {"name": "Demo", "probability": 20, "kind": "open"},
    {"name": "Trial", "probability": 60, "kind": "open"},
    {"name": "Signed", "probability": 100, "kind": "won"},
    {"name": "Dropped", "probability": 0, "kind": "lost"},
]


@pytest.fixture
def manager():
    return make_user(role="sales_manager", full_name="Manager")


def setup_state():
    return (
        sorted(Pipeline.objects.values_list("pk", "name", "is_default", "is_active", "position")),
        sorted(Stage.objects.values_list("pk", "pipeline_id", "name", "kind", "position")),
        sorted(Deal.all_objects.values_list("pk", "stage_id")),
    )


def test_the_shipped_pipeline_is_the_default_with_six_stages():
    pipeline = Pipeline.objects.get()
    assert (pipeline.name, pipeline.is_default) == ("Sales", True)
    assert [(s.code, s.probability, s.kind) for s in pipeline.stages.order_by("position")] == [
        ("first_contact", 10, "open"),
        ("needs_analysis", 25, "open"),
        ("proposal", 50, "open"),
        ("negotiation", 75, "open"),
        ("won", 100, "won"),
        ("lost", 0, "lost"),
    ]


def test_a_new_pipeline_gets_new_won_lost_stages_and_goes_last(manager):
    pipeline = create_pipeline(actor=manager, name="Renewals")
    assert pipeline.position == 1
    assert [(s.name, s.kind) for s in pipeline.stages.order_by("position")] == [
        ("New", "open"),
        ("Won", "won"),
        ("Lost", "lost"),
    ]


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        (FOUR[2:], "A pipeline needs at least one open stage."),
        (FOUR[:2] + FOUR[3:], "A pipeline needs exactly one won stage."),
        (
            [*FOUR, {"name": "Gone", "probability": 0, "kind": "lost"}],
            "A pipeline needs exactly one lost stage.",
        ),
    ],
)
def test_every_pipeline_keeps_an_open_a_won_and_a_lost_stage(manager, stages, message):
    before = setup_state()
    with pytest.raises(ValidationError) as error:
        create_pipeline(actor=manager, name="Broken", stages=stages)
    assert error.value.message_dict == {"stages": [message]}
    assert setup_state() == before


def test_stage_errors_name_the_row(manager):
    rows = [dict(row) for row in FOUR]
    rows[1]["probability"] = 140
    rows[0]["name"] = ""
    with pytest.raises(ValidationError) as error:
        create_pipeline(actor=manager, name="Broken", stages=rows)
    assert set(error.value.message_dict) == {"stages.0.name", "stages.1.probability"}


def test_making_another_pipeline_the_default_moves_the_flag(manager):
    sales = Pipeline.objects.get()
    renewals = create_pipeline(actor=manager, name="Renewals", stages=FOUR, is_default=True)
    assert list(Pipeline.objects.filter(is_default=True)) == [renewals]
    with pytest.raises(ValidationError) as error:
        update_pipeline(actor=manager, pipeline=renewals, is_active=False)
    assert error.value.message_dict == {"is_active": ["The default pipeline cannot be retired."]}
    update_pipeline(actor=manager, pipeline=sales, is_default=True)
    update_pipeline(actor=manager, pipeline=renewals, is_active=False, position=9, name="Old")
    renewals.refresh_from_db()
    assert (renewals.name, renewals.is_active, renewals.position) == ("Old", False, 9)


def test_a_retired_pipeline_takes_no_new_deals(manager):
    renewals = create_pipeline(actor=manager, name="Renewals", stages=FOUR)
    update_pipeline(actor=manager, pipeline=renewals, is_active=False)
    with pytest.raises(ValidationError) as error:
        make_deal(pipeline=renewals)
    assert error.value.message_dict == {"pipeline": ["This pipeline is retired."]}


def test_stages_are_renamed_reordered_and_added(manager):
    pipeline = create_pipeline(actor=manager, name="Renewals", stages=FOUR)
    demo, trial, signed, dropped = pipeline.stages.order_by("position")
    update_pipeline(
        actor=manager,
        pipeline=pipeline,
        stages=[
            {"id": trial.pk, "name": "Pilot", "probability": 40, "kind": "open"},
            {"id": demo.pk, "name": "Demo", "probability": 20, "kind": "open"},
            {"name": "Contract", "probability": 90, "kind": "open"},
            {"id": signed.pk, "name": "Signed", "probability": 100, "kind": "won"},
            {"id": dropped.pk, "name": "Dropped", "probability": 0, "kind": "lost"},
        ],
    )
    assert [(s.name, s.probability) for s in pipeline.stages.order_by("position")] == [
        ("Pilot", 40),
        ("Demo", 20),
        ("Contract", 90),
        ("Signed", 100),
        ("Dropped", 0),
    ]


def test_a_stage_with_deals_is_not_deleted_until_they_are_moved(manager):
    deal = make_deal()
    proposal = stage("proposal")
    move_deal(actor=deal.owner, deal=deal, stage=proposal)
    before = setup_state()
    with pytest.raises(ValidationError) as error:
        delete_stage(actor=manager, stage=proposal)
    assert error.value.message_dict == {
        "stage": ["“Proposal” still has deals: move them to another stage first."]
    }
    assert setup_state() == before
    assert move_stage_deals(actor=manager, stage=proposal, move_to=stage("negotiation")) == 1
    deal.refresh_from_db()
    assert deal.stage.code == "negotiation"
    assert DealStageChange.objects.filter(deal=deal).last().changed_by == manager
    # the history still names the stage, so it stays
    with pytest.raises(ValidationError) as error:
        delete_stage(actor=manager, stage=proposal)
    assert "history" in error.value.messages[0]


def test_an_unused_open_stage_is_deleted(manager):
    delete_stage(actor=manager, stage=stage("needs_analysis"))
    assert list(Stage.objects.filter(code="needs_analysis")) == []


def test_the_last_won_stage_cannot_be_deleted(manager):
    with pytest.raises(ValidationError):
        delete_stage(actor=manager, stage=stage("won"))
    assert Stage.objects.filter(code="won").exists()


def test_a_manager_edits_stages_on_the_pipeline_page(client, manager):
    pipeline = create_pipeline(actor=manager, name="Renewals", stages=FOUR)
    rows = list(pipeline.stages.order_by("position"))
    data = {
        "name": "Renewals 2026",
        "position": "4",
        "is_active": "on",
        "stages-TOTAL_FORMS": "5",
        "stages-INITIAL_FORMS": "4",
        "stages-4-name": "Contract",
        "stages-4-probability": "90",
        "stages-4-kind": "open",
    }
    for index, row in enumerate(rows):
        data.update(
            {
                f"stages-{index}-id": row.pk,
                f"stages-{index}-name": row.name,
                f"stages-{index}-probability": row.probability,
                f"stages-{index}-kind": row.kind,
            }
        )
    client.force_login(manager)
    response = client.post(reverse("sales:pipeline_detail", args=[pipeline.pk]), data)
    assert response.status_code == 302
    pipeline.refresh_from_db()
    assert (pipeline.name, pipeline.position) == ("Renewals 2026", 4)
    assert [s.name for s in pipeline.stages.order_by("position")] == [
        "Demo",
        "Trial",
        "Signed",
        "Dropped",
        "Contract",
    ]


def test_the_page_shows_a_broken_stage_list_on_the_row(client, manager):
    pipeline = Pipeline.objects.get()
    data = {"name": "Sales", "position": "0", "is_default": "on", "is_active": "on"}
    data.update({"stages-TOTAL_FORMS": "1", "stages-INITIAL_FORMS": "0"})
    data.update({"stages-0-name": "Only", "stages-0-probability": "5", "stages-0-kind": "open"})
    client.force_login(manager)
    before = setup_state()
    response = client.post(reverse("sales:pipeline_detail", args=[pipeline.pk]), data)
    assert response.status_code == 200
    assert "A pipeline needs exactly one won stage." in response.content.decode()
    assert setup_state() == before


def test_a_rep_cannot_create_a_pipeline(client):
    rep = make_user(role="sales_rep")
    client.force_login(rep)
    before = setup_state()
    response = client.post(reverse("sales:pipeline_list"), {"name": "Mine", "position": 1})
    assert response.status_code == 403
    assert setup_state() == before


def test_the_api_lists_creates_and_patches_pipelines(client, manager):
    key = create_token(actor=manager, name="t")[1]
    headers = {"Authorization": f"Bearer {key}"}
    body = client.get("/api/v1/pipelines", headers=headers).json()
    assert [(p["name"], [s["name"] for s in p["stages"]]) for p in body] == [
        (
            "Sales",
            ["First contact", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"],
        )
    ]
    response = client.post(
        "/api/v1/pipelines",
        json.dumps({"name": "Renewals", "stages": FOUR}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    created = response.json()
    assert [s["kind"] for s in created["stages"]] == ["open", "open", "won", "lost"]
    response = client.patch(
        f"/api/v1/pipelines/{created['id']}",
        json.dumps({"stages": FOUR[2:]}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "body.stages",
            "message": "A pipeline needs at least one open stage.",
            "code": "invalid",
        }
    ]
