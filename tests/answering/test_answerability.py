"""The answerability model: fitted, calibrated, and a real fit learns the signs of its signals."""

from __future__ import annotations

import pytest

from assistant.answering.answerability import FEATURES, AnswerabilityModel, choose_threshold, fit, tradeoff

pytestmark = pytest.mark.unit


def test_answerability_model_is_fitted_and_calibrated():
    model = AnswerabilityModel.load()
    assert set(model.weights) >= set(FEATURES) and 0.0 <= model.threshold <= 1.0
    assert model.meta.get("fitted_on") and "test" not in model.meta["fitted_on"]
    # A real fit on separable signals learns the sign of each and reproduces the labels.
    rows = [{f: 0.0 for f in FEATURES} | {"coverage": x / 10} for x in range(11)]
    labels = [int(r["coverage"] > 0.5) for r in rows]
    fitted = fit(rows, labels, c=100.0)
    assert fitted.weights["coverage"] > 0
    assert fitted.probability(rows[10]) > 0.5 > fitted.probability(rows[0])
    curve = tradeoff([(0.9, True, True), (0.2, False, False), (0.6, True, False)])
    best = choose_threshold(curve, 1.0)
    assert best["refusal_accuracy"] == 1.0 and best["answer_accuracy"] == 0.5
