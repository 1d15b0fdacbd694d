"""The predictive lead score learns from closed leads and explains each prediction."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse

from guanxi.sales.models import Lead, LeadScoreModel
from guanxi.sales.services.prediction import train_lead_model
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def closed_history(owner, n=120, seed=3):
    """Closed leads where manufacturing converts and retail does not."""
    rng = random.Random(seed)
    for i in range(n):
        industry = "manufacturing" if i % 2 else "retail"
        converted = rng.random() < (0.9 if industry == "manufacturing" else 0.1)
        Lead.objects.create(
            family_name="L",
            given_name=str(i),
            owner=owner,
            industry=industry,
            source=rng.choice(["web_form", "trade_show"]),
            status="converted" if converted else "disqualified",
        )


def test_no_model_without_enough_closed_leads():
    assert train_lead_model() is None
    assert LeadScoreModel.objects.count() == 0


def test_training_scores_open_leads_with_reasons():
    rep = make_user(role="sales_rep")
    closed_history(rep)
    open_lead = make_lead(owner=rep, industry="manufacturing")
    version = train_lead_model()
    assert version is not None and version.trained_on == 120
    assert version.auc >= 0.8
    assert version.top_features[0]["feature"].startswith("industry=")
    open_lead.refresh_from_db()
    assert open_lead.predicted_by == version
    assert open_lead.predicted_score > 0.6
    assert open_lead.predicted_reasons[0]["feature"] == "industry=manufacturing"


def test_new_leads_are_predicted_by_the_latest_model():
    rep = make_user(role="sales_rep")
    closed_history(rep)
    train_lead_model()
    poor = make_lead(owner=rep, industry="retail")
    assert poor.predicted_score is not None and poor.predicted_score < 0.4
    assert Lead.objects.get(pk=poor.pk).predicted_reasons[0]["feature"] == "industry=retail"


def test_managers_see_the_auc_and_may_retrain(client):
    manager = make_user(role="sales_manager")
    closed_history(manager)
    client.force_login(manager)
    response = client.post(reverse("sales:lead_model_train"), follow=True)
    version = LeadScoreModel.objects.get()
    page = response.content.decode()
    assert f"Model v{version.pk}, learned from 120 closed leads" in page
    assert "Holdout AUC: " in page


def test_a_rep_cannot_retrain(client):
    rep = make_user(role="sales_rep")
    closed_history(rep)
    client.force_login(rep)
    assert client.post(reverse("sales:lead_model_train")).status_code == 403
    assert LeadScoreModel.objects.count() == 0


def test_lead_page_shows_the_prediction(client):
    rep = make_user(role="sales_rep")
    closed_history(rep)
    train_lead_model()
    lead = make_lead(owner=rep, industry="manufacturing")
    client.force_login(rep)
    page = client.get(reverse("sales:lead_detail", args=[lead.pk])).content.decode()
    assert 'data-testid="lead-prediction"' in page
    assert "industry=manufacturing +" in page
