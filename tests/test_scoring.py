"""The decision model file and the document spin evidence."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from unspin.errors import ModelFormatError
from unspin.models.decision import FEATURES, load_decision_model, parse_decision_model
from unspin.options import RestoreOptions
from unspin.restore.candidates import Candidate
from unspin.restore.decode import decide
from unspin.restore.detect import spin_evidence
from unspin.restore.engine import Scored, get_engine


def test_bundled_model_loads_and_trusts_the_lm() -> None:
    model = load_decision_model()
    assert model.table.weights[0] > 0 and model.other.weights[0] > 0
    assert len(model.other.weights) == len(FEATURES)


def test_model_round_trips_through_json() -> None:
    model = load_decision_model()
    assert parse_decision_model(model.to_json(), "x") == model


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other"}, "expected format"),
        ({"features": ["lm_gain"]}, "features differ"),
        ({"other": {"bias": 0}}, "'other' needs"),
    ],
)
def test_bad_model_files_say_what_is_wrong(change: dict, message: str) -> None:
    data = json.loads(load_decision_model().to_json())
    data.update(change)
    with pytest.raises(ModelFormatError, match=message):
        parse_decision_model(json.dumps(data), "bad.json")


def test_not_json(tmp_path: Path) -> None:
    with pytest.raises(ModelFormatError, match="not JSON"):
        parse_decision_model("{", "bad.json")


def test_higher_lm_gain_means_stronger_prior_total() -> None:
    model = load_decision_model()
    row = [0.0] * len(FEATURES)
    row[1] = 1.0  # a table candidate
    low, high = list(row), list(row)
    low[0], high[0] = 0.5, 3.0
    assert model.prior(high) + high[0] > model.prior(low) + low[0]


def test_spin_evidence_separates_spun_from_clean() -> None:
    clean = spin_evidence(Counter({"the": 60, "a": 20}), 1000, 2.0)
    swapped = spin_evidence(Counter({"the": 5, "a": 70}), 1000, 2.0)
    tabled = spin_evidence(Counter({"the": 60, "a": 20}), 1000, 40.0)
    assert clean.spin < 0.5 <= swapped.spin
    assert tabled.spin >= 0.5


def test_document_features_sum_the_same_swap_elsewhere(small_table: Path) -> None:
    engine = get_engine(RestoreOptions(tables=(small_table,), thorough=False))
    text = "The court docket ruled. A court docket met today. The court docket sat."
    rows = [
        f
        for s in engine.analyse(text).sentences
        for c, f in zip(s.candidates, s.features, strict=True)
        if c.words == ("court",)
    ]
    repeats, elsewhere = FEATURES.index("pair_repeats"), FEATURES.index("pair_gain_elsewhere")
    assert len(rows) == 3
    total = sum(f[0] for f in rows)
    for f in rows:
        assert f[repeats] == pytest.approx(math.log1p(2))
        assert f[elsewhere] == pytest.approx(max(-10.0, min(10.0, total - f[0])))


class _WordScores:
    """A stand-in LM: a sentence's log10 score is the sum of fixed per-word scores."""

    order = 3
    values = {"government": -1.0, "supervision": -3.0}

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        return sum(self.values.get(w, -2.0) for w in words)


def test_a_swap_made_once_is_made_again_with_the_repeat_bonus(small_table: Path) -> None:
    swap = Candidate(1, 2, ("government",), "government", "thesaurus", "thesaurus")
    words = ["the", "supervision", "said"]
    sentences = [Scored(0, words, [swap], []), Scored(10, words, [swap], [])]
    # LM gain 2.0 each; the first occurrence has a prior of +1, the second of -3.
    pruned = [[(replace(swap, prior=1.0), 2.0)], [(replace(swap, prior=-3.0), 2.0)]]
    base = get_engine(RestoreOptions(tables=(small_table,)))
    for bonus, expected in ((0.0, [1, 0]), (2.0, [1, 1])):
        engine = replace(base, scorer=_WordScores(), model=replace(base.model, repeat_bonus=bonus))
        first = [
            decide(words, [c for c, _ in p if c.prior > 0], engine.scorer, 0.0) for p in pruned
        ]
        assert [len(d) for d in first] == [1, 0]
        again = engine._decide_again(sentences, pruned, first)
        assert [len(d) for d in again] == expected


def test_repeat_bonus_is_read_and_checked() -> None:
    data = json.loads(load_decision_model().to_json())
    data["repeat_bonus"] = 2.5
    assert parse_decision_model(json.dumps(data), "m.json").repeat_bonus == 2.5
    data["repeat_bonus"] = -1
    with pytest.raises(ModelFormatError, match="m.json: 'repeat_bonus'"):
        parse_decision_model(json.dumps(data), "m.json")


def test_a_table_with_its_own_spin_gate_needs_more_hits() -> None:
    words = Counter({"the": 9, "a": 3})
    assert spin_evidence(words, 100, 4.0).spin >= 0.5  # default gate: 1.2% of the words
    assert spin_evidence(words, 100, 4.0, hit_rate_at_half=0.05).spin < 0.5


def test_a_few_chance_hits_in_a_short_story_are_not_spin() -> None:
    words = Counter({"the": 9, "a": 3})
    assert spin_evidence(words, 100, 2.0).spin < 0.5  # 2% of the words, but only 2 hits
    assert spin_evidence(words, 1000, 20.0).spin >= 0.5  # the same share, 20 hits


def _priors(text: str, observed: str, original: str) -> list[float]:
    """The bundled model's prior of every ``observed`` -> ``original`` candidate in ``text``,
    analysed as if the document looked spun."""
    engine = get_engine(RestoreOptions(min_spin=0.0, thorough=True))
    return [
        engine.model.prior(f)
        for s in engine.analyse(text).sentences
        for c, f in zip(s.candidates, s.features, strict=True)
        if s.words[c.i : c.j] == [observed] and c.words == (original,)
    ]


def test_an_before_a_consonant_is_not_taken_for_a_spun_the() -> None:
    # "an try": the spinner swapped the noun and left the article as it was.
    swapped_noun, plain = _priors("They made an try at it. They made an effort at it.", "an", "the")
    assert swapped_noun < plain - 1.0


def test_a_candidate_that_makes_an_agree_earns_trust() -> None:
    after_an = _priors("They made an try at the port.", "try", "attempt")
    after_a = _priors("They made a try at the port.", "try", "attempt")
    assert after_an and after_a and after_an[0] > after_a[0] + 0.5


def test_one_phrase_repeated_counts_as_two_hits(small_table: Path) -> None:
    engine = get_engine(RestoreOptions(tables=(small_table,)))
    once = "The judge in the court docket ruled on Monday. "
    varied = once + "The lawyers said in keeping with the rules they would appeal. "
    repeated = once * 6
    assert engine.spin(once).table_hits == 2  # "court docket": two words
    assert engine.spin(repeated).table_hits == 4  # six times, counted twice
    assert engine.spin(varied).table_hits == 5  # another phrase is new evidence


def _part(bias: float, threshold: float = 0.0):
    from unspin.models.decision import LogisticPart

    return LogisticPart(bias, (1.0,) + (0.0,) * (len(FEATURES) - 1), threshold)


def _features(kind: str) -> list[float]:
    row = [0.0] * len(FEATURES)
    row[
        FEATURES.index({"table": "is_table", "reversal": "is_reversal"}.get(kind, "is_thesaurus"))
    ] = 1
    return row


def test_each_kind_of_candidate_is_decided_by_its_own_part() -> None:
    from unspin.models.decision import DecisionModel

    model = DecisionModel("m", _part(1.0), _part(2.0), reversal=_part(3.0), learned=_part(4.0))
    assert [model.prior(_features(k)) for k in ("table", "thesaurus", "reversal")] == [1, 2, 3]
    # A table learned from a pile: the learned part, at the table's own threshold if given.
    assert model.for_learned_table(None).prior(_features("table")) == 4.0
    assert model.for_learned_table(1.5).prior(_features("table")) == 2.5
    assert "table-threshold:1.5" in model.for_learned_table(1.5).name
    # Without parts of their own, reversals share the rest's and learned tables the table's.
    plain = DecisionModel("p", _part(1.0), _part(2.0))
    assert plain.prior(_features("reversal")) == 2.0
    assert plain.for_learned_table(None).prior(_features("table")) == 1.0


def test_optional_parts_round_trip_and_are_checked() -> None:
    from unspin.models.decision import DecisionModel

    model = DecisionModel("m", _part(1.0), _part(2.0), 0.5, _part(3.0, -1.0), _part(4.0, 0.5))
    assert parse_decision_model(model.to_json(), "x") == model
    data = json.loads(model.to_json())
    data["learned"]["weights"] = [0.0] * len(FEATURES)
    with pytest.raises(ModelFormatError, match="LM weight of 'learned'"):
        parse_decision_model(json.dumps(data), "x")
