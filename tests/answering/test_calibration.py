"""The learned path's calibration and tier thresholds, on synthetic candidates with a known answer."""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from assistant.answering.learned import FEATURES, Calibration

pytestmark = pytest.mark.unit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "eval"))


def _rows(n: int = 400, seed: int = 3) -> list[dict]:
    """Questions with 3 candidates each; the answering one (if any) has the higher logit, with noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for q in range(n):
        answerable = q % 4 != 0
        for c in range(3):
            y = int(answerable and c == 0)
            logit = (2.5 if y else -1.0) + rng.normal(0, 1.2)
            bi = (0.6 if y else 0.4) + rng.normal(0, 0.1)
            features = [0.0] * len(FEATURES)
            features[FEATURES.index("logit")], features[FEATURES.index("bi")] = logit, bi
            rows.append({"id": f"q{q}", "features": features, "y": y, "answerable": answerable, "vetoed": ""})
    return rows


def test_probability_is_the_logistic_of_the_weighted_features():
    weights = [0.0] * len(FEATURES)
    weights[0] = 2.0
    cal = Calibration(tuple(weights), -1.0)
    p = cal.probability(np.array([[0.5] + [9.0] * (len(FEATURES) - 1), [0.0] * len(FEATURES)]))
    assert p == pytest.approx([0.5, 1 / (1 + np.e)])


def test_missing_file_falls_back_to_platt_defaults(tmp_path):
    cal = Calibration.load(tmp_path / "none.json")
    assert cal.weights == (1.0,) + (0.0,) * (len(FEATURES) - 1)
    assert 0 < cal.absent_threshold < cal.answer_threshold


def test_load_reads_weights_by_feature_name(tmp_path):
    f = tmp_path / "c.json"
    f.write_text(
        json.dumps(
            {
                "weights": {"bi_gap": 3.0, "logit": 1.5, "bi": 2.0},
                "bias": -0.5,
                "answer_threshold": 0.8,
                "absent_threshold": 0.1,
                "cross_weights_sha256": "abc",
            }
        )
    )
    cal = Calibration.load(f)
    got = dict(zip(FEATURES, cal.weights, strict=True))
    # Named weights land on their features; a feature the file does not name weighs nothing.
    assert (got["logit"], got["bi"], got["bi_gap"]) == (1.5, 2.0, 3.0)
    assert all(v == 0.0 for k, v in got.items() if k not in ("logit", "bi", "bi_gap"))
    assert (cal.bias, cal.answer_threshold, cal.absent_threshold, cal.fitted_on) == (-0.5, 0.8, 0.1, "abc")


def test_fit_reaches_the_precision_it_promises_and_weighs_the_informative_feature():
    from calibrate_tiers import PRECISION, fit

    rows = _rows()
    got = fit(rows)
    assert got["answer_tier_precision"] >= PRECISION
    assert 0 < got["answer_tier_share"] < 1
    assert got["weights"]["logit"] > 0 and got["absent_threshold"] <= got["answer_threshold"]
    # The thresholds are honest on fresh data drawn the same way (not just on the rows fitted).
    cal = Calibration(tuple(got["weights"][f] for f in FEATURES), got["bias"], got["answer_threshold"])
    fresh = _rows(seed=11)
    best: dict[str, dict] = {}
    for r in fresh:
        r["p"] = float(cal.probability(np.array([r["features"]]))[0])
        if r["id"] not in best or r["p"] > best[r["id"]]["p"]:
            best[r["id"]] = r
    chosen = [r for r in best.values() if r["p"] >= cal.answer_threshold]
    assert chosen and sum(r["y"] for r in chosen) / len(chosen) >= 0.9


def test_vetoed_candidates_do_not_count_toward_the_answer_tier():
    from calibrate_tiers import fit

    rows = _rows()
    for r in rows:
        r["vetoed"] = "no figure"
    assert fit(rows)["answer_tier_share"] == 0.0


def test_feature_rows_give_each_candidate_its_margin_over_the_best_other():
    from assistant.answering.learned import LearnedAnswerer, Ranked
    from assistant.types import SentenceRef

    def cand(i: int, bi: float, logit: float, lex_rank: int) -> Ranked:
        return Ranked(SentenceRef("r.txt", i * 10, i * 10 + 9, i, False, ""), bi, 0.0, 0.0, lex_rank, logit)

    top = [cand(0, 0.8, 2.0, 1), cand(1, 0.5, 3.0, 0)]
    ranked = [*top, cand(2, 0.6, 0.0, 2)]  # in scope, not read by the cross-encoder
    rows = [dict(zip(FEATURES, r, strict=True)) for r in LearnedAnswerer.feature_rows(top, ranked)]
    assert rows[0]["bi_gap"] == 0.0 and rows[0]["bi_margin"] == pytest.approx(0.8 - 0.6)
    assert rows[1]["bi_gap"] == pytest.approx(-0.3) and rows[1]["bi_margin"] == pytest.approx(-0.3)
    assert rows[1]["logit_margin"] == pytest.approx(1.0) and rows[0]["logit_margin"] == pytest.approx(-1.0)
    assert rows[1]["lexical"] == 1.0 and rows[0]["lexical"] == 0.5


def test_each_combination_of_vetoes_gets_a_threshold_that_keeps_its_precision():
    from calibrate_tiers import PRECISION, fit

    rows = _rows()
    for r in rows:  # the "hand" veto objects to a third of the wrong best candidates, never to a right one
        r.pop("vetoed")
        r["vetoes"] = {"figure": False, "hand": (not r["y"]) and zlib.crc32(r["id"].encode()) % 3 == 0}
    got = fit(rows)
    assert set(got["answer_threshold_by_vetoes"]) == {"", "figure", "hand", "figure+hand"}
    for combo, tier in got["answer_tier_by_vetoes"].items():
        assert tier["precision"] >= PRECISION or tier["share"] == 0.0, combo
    # A veto that removes only wrong replies lets the threshold come down, never go up.
    assert got["answer_threshold_by_vetoes"]["hand"] <= got["answer_threshold_by_vetoes"][""]
    assert got["answer_threshold"] == got["answer_threshold_by_vetoes"]["figure+hand"]
