"""A predictive lead score: logistic regression on converted vs disqualified leads.

Pure: it takes plain dicts of lead features and the outcome, and returns a fitted,
explainable model with its holdout AUC. The sales module decides which features to
pass, stores the model's version and uses it to score open leads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

MIN_PER_CLASS = 10  # fewer converted or disqualified leads than this: no model


@dataclass
class LeadModel:
    """A fitted model: probabilities, and the reasons behind each one."""

    vectorizer: DictVectorizer
    classifier: LogisticRegression
    auc: float
    trained_on: int
    feature_names: list[str] = field(default_factory=list)

    def probability(self, features: Mapping[str, Any]) -> float:
        row = self.vectorizer.transform([_encode(features)])
        return float(self.classifier.predict_proba(row)[0, 1])

    def reasons(self, features: Mapping[str, Any], top: int = 3) -> list[dict[str, Any]]:
        """The features that moved this lead's probability most, strongest first, as
        ``{"feature": "industry=manufacturing", "weight": 1.7}`` (log-odds)."""
        row = self.vectorizer.transform([_encode(features)]).toarray()[0]
        contributions = row * self.classifier.coef_[0]
        order = np.argsort(-np.abs(contributions))
        reasons = []
        for index in order[:top]:
            if contributions[index] == 0:
                break
            reasons.append(
                {
                    "feature": self.feature_names[index],
                    "weight": round(float(contributions[index]), 2),
                }
            )
        return reasons

    def top_features(self, top: int = 5) -> list[dict[str, Any]]:
        """The strongest features overall (for the managers' page)."""
        weights = self.classifier.coef_[0]
        order = np.argsort(-np.abs(weights))[:top]
        return [
            {"feature": self.feature_names[i], "weight": round(float(weights[i]), 2)} for i in order
        ]


def _encode(features: Mapping[str, Any]) -> dict[str, Any]:
    """Categorical values become ``name=value`` indicators; numbers are log-scaled."""
    encoded: dict[str, Any] = {}
    for name, value in features.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            encoded[name] = 1.0 if value else 0.0
        elif isinstance(value, int | float):
            encoded[name] = math.log1p(max(float(value), 0.0))
        else:
            encoded[f"{name}={value}"] = 1.0
    return encoded


def train(
    rows: Sequence[Mapping[str, Any]], outcomes: Sequence[bool], *, seed: int = 0
) -> LeadModel | None:
    """Fit on 75% of the leads and measure the AUC on the other 25%; None when there
    are too few converted or disqualified leads to learn from."""
    positives = sum(bool(o) for o in outcomes)
    negatives = len(outcomes) - positives
    if positives < MIN_PER_CLASS or negatives < MIN_PER_CLASS:
        return None
    vectorizer = DictVectorizer(sparse=True)
    matrix = vectorizer.fit_transform([_encode(r) for r in rows])
    target = np.array([1 if o else 0 for o in outcomes])
    train_x, test_x, train_y, test_y = train_test_split(
        matrix, target, test_size=0.25, random_state=seed, stratify=target
    )
    classifier = LogisticRegression(max_iter=1000, C=1.0)
    classifier.fit(train_x, train_y)
    auc = float(roc_auc_score(test_y, classifier.predict_proba(test_x)[:, 1]))
    # Refit on everything for scoring; the AUC above is the honest, held-out one.
    classifier.fit(matrix, target)
    return LeadModel(
        vectorizer=vectorizer,
        classifier=classifier,
        auc=auc,
        trained_on=len(outcomes),
        feature_names=list(vectorizer.get_feature_names_out()),
    )
