"""The restore engine's parts on their own: the analysis of a document, the candidates a
sentence is offered, their scores and feature rows, and the decisions taken from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from unspin.models.decision import FEATURES, DecisionModel, LogisticPart
from unspin.models.table import load_merged
from unspin.options import RestoreOptions
from unspin.restore.analysis import Analysis, Scored, analyse
from unspin.restore.candidates import Candidate
from unspin.restore.decisions import Edit, decided_edits
from unspin.restore.detect import SpinEvidence
from unspin.restore.engine import get_engine
from unspin.restore.proposals import name_positions, name_words, unique, without_names
from unspin.restore.scoring import feature_rows, local_gains, pair_totals
from unspin.text.tokens import sentence_spans, tokenize


def _analysed(table: Path, text: str, **overrides: object) -> Analysis:
    base = RestoreOptions(tables=(table,), thorough=False, min_spin=0.0)
    options = replace(base, **overrides)  # type: ignore[arg-type]
    scorer = get_engine(options).scorer
    return analyse(text, load_merged((table,)), scorer, options)


def _offered(analysis: Analysis) -> list[tuple[int, int, int, tuple[str, ...]]]:
    """(sentence start, span start, span end, candidate words) of every candidate."""
    return [(s.first, c.i, c.j, c.words) for s in analysis.sentences for c in s.candidates]


def test_analysis_offers_each_table_phrase_at_its_span(small_table: Path) -> None:
    text = "The court docket ruled in keeping with the law."
    analysis = _analysed(small_table, text)
    assert sorted(_offered(analysis)) == [(0, 1, 3, ("court",)), (0, 4, 7, ("according", "to"))]
    (sent,) = analysis.sentences
    assert sent.words[1:3] == ["court", "docket"]
    assert all(len(row) == len(FEATURES) for row in sent.features)
    assert [t.text for t in analysis.tokens][:3] == ["The", "court", "docket"]


def test_sentences_are_numbered_by_their_first_token(small_table: Path) -> None:
    analysis = _analysed(small_table, "It rained. The court docket ruled.")
    assert _offered(analysis) == [(3, 1, 3, ("court",))]
    assert analysis.tokens[3].text == "The"


def test_a_document_below_min_spin_is_measured_but_offered_nothing(small_table: Path) -> None:
    text = "The court docket ruled in keeping with the law."
    open_gate = _analysed(small_table, text)
    shut = _analysed(small_table, text, min_spin=1.01)
    assert open_gate.sentences and shut.sentences == []
    assert shut.evidence == open_gate.evidence
    assert shut.tokens == open_gate.tokens


def test_a_phrase_written_as_a_name_elsewhere_is_left_alone(small_table: Path) -> None:
    # "Court Docket" is capitalised inside the first sentence: a name there, and the same
    # spelling at the start of the third; the lower-case one in the second is offered.
    text = "We met the Court Docket today. The court docket ruled. Court Docket agreed."
    analysis = _analysed(small_table, text)
    assert [first for first, *_ in _offered(analysis)] == [7]


def test_name_words_and_their_positions() -> None:
    text = "Then Smith left. Smith came back with the Guard."
    tokens = tokenize(text)
    names = name_words(tokens, sentence_spans(tokens, text))
    assert names == {"Smith", "Guard"}
    second = tokens[4:]  # "Smith came back ..."
    assert name_positions(second, names) == {0, 5}
    assert name_positions(second, set()) == {5}  # capitalised inside the sentence


def _cand(i: int, j: int, words: tuple[str, ...], kind: str = "table") -> Candidate:
    return Candidate(i, j, words, " ".join(words), kind, kind)


def test_one_candidate_per_span_and_words_reversal_first_then_table() -> None:
    thesaurus, table = _cand(0, 1, ("the",), "thesaurus"), _cand(0, 1, ("the",), "table")
    reversal, other = _cand(0, 1, ("the",), "reversal"), _cand(0, 1, ("its",), "thesaurus")
    assert unique([thesaurus, table, other]) == [table, other]
    assert unique([table, reversal, thesaurus]) == [reversal]
    assert without_names([table, _cand(1, 3, ("x",))], {2}) == [table]


class _WordScores:
    """A stand-in LM: a sentence's log10 score is the sum of fixed per-word scores."""

    order = 3
    values = {"government": -1.0, "supervision": -3.0, "court": -1.5, "docket": -2.5}

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        return sum(self.values.get(w, -2.0) for w in words)


class _SpanScores(_WordScores):
    """The same LM with the span scoring a real one has."""

    def score_span(
        self, left: Sequence[str], mid: Sequence[str], right: Sequence[str], eos: bool
    ) -> float:
        return self.score([*left, *mid, *right])


def test_local_gains_are_the_lm_gain_of_each_swap() -> None:
    words = ["the", "supervision", "said"]
    cands = [_cand(1, 2, ("government",)), _cand(1, 2, ("rule",)), _cand(0, 2, ("it",))]
    expected = [2.0, 1.0, 3.0]  # -1 - (-3); -2 - (-3); -2 - (-2 - 3)
    assert local_gains(_WordScores(), words, cands) == pytest.approx(expected)
    assert local_gains(_SpanScores(), words, cands) == pytest.approx(expected)


def test_pair_totals_count_the_same_swap_across_sentences() -> None:
    swap = _cand(1, 2, ("government",))
    other = _cand(0, 1, ("a",))
    words = ["the", "supervision", "said"]
    totals = pair_totals([(words, [swap, other], [2.0, -1.0]), (words, [swap], [0.5])])
    assert totals[(("supervision",), ("government",))] == (2, 2.5)
    assert totals[(("the",), ("a",))] == (1, -1.0)


def test_feature_rows_compare_rivals_at_the_same_span() -> None:
    words = ["the", "supervision", "said"]
    best, rival = _cand(1, 2, ("government",)), _cand(1, 2, ("rule",), "thesaurus")
    rows = feature_rows(
        words, ["The", "supervision", "said"], [best, rival], [2.0, 0.5], [-1.0, -4.0, -1.0],
        0.1, 0.0, False, [((2, 3.0), True), ((1, 0.5), False)],
    )  # fmt: skip
    lead, rivals = FEATURES.index("lead_over_rivals"), FEATURES.index("log_rivals")
    repeats, in_doc = FEATURES.index("pair_repeats"), FEATURES.index("original_in_doc")
    assert [r[0] for r in rows] == [2.0, 0.5]  # the LM gain comes first
    assert [r[lead] for r in rows] == [1.5, -1.5]
    assert rows[0][rivals] == rows[1][rivals] > 0
    assert rows[0][repeats] > rows[1][repeats] == 0
    assert [r[in_doc] for r in rows] == [1.0, 0.0]
    assert [r[FEATURES.index("is_table")] for r in rows] == [1.0, 0.0]


def _priors(table: float, other: float) -> DecisionModel:
    """A decision model whose prior is ``table`` for table candidates, ``other`` for the
    rest, whatever their features."""
    weights = (1.0,) + (0.0,) * (len(FEATURES) - 1)
    return DecisionModel(
        "fixed", LogisticPart(0.0, weights, -table), LogisticPart(0.0, weights, -other)
    )


def _sentence(cands: list[Candidate], gains: list[float]) -> Scored:
    """A sentence "The Supervision said" whose candidates have these LM gains."""
    rows = []
    for c, g in zip(cands, gains, strict=True):
        row = [0.0] * len(FEATURES)
        row[0], row[FEATURES.index("is_table")] = g, float(c.kind == "table")
        rows.append(row)
    return Scored(0, ["the", "supervision", "said"], cands, rows)


def test_decisions_follow_the_priors_and_land_in_text_coordinates() -> None:
    text = "The Supervision said."
    table, thesaurus = _cand(1, 2, ("government",)), _cand(1, 2, ("rule",), "thesaurus")
    evidence = SpinEvidence(3, 0.0, 0.0, 0.0, 0.0, 1.0)
    analysis = Analysis(tokenize(text), [_sentence([table, thesaurus], [2.0, 1.0])], evidence)
    scorer = _WordScores()
    # The table's swap reads better and its prior is not against it: it is made, in the
    # case it was written in, scored by its LM gain above the margin (2.0 - 0.5).
    made = decided_edits(text, analysis, _priors(0.0, 0.0), scorer, 0.5)
    assert made == [Edit(4, 15, "Supervision", "Government", 1.5, "table")]
    # A prior against table swaps hands the span to the thesaurus candidate ...
    flipped = decided_edits(text, analysis, _priors(-3.0, 0.0), scorer, 0.5)
    assert [(e.found, e.restored, e.source) for e in flipped] == [
        ("Supervision", "Rule", "thesaurus")
    ]
    # ... and priors against both leave the text alone.
    assert decided_edits(text, analysis, _priors(-3.0, -3.0), scorer, 0.5) == []


def test_the_engine_wires_analysis_to_decisions(small_table: Path) -> None:
    engine = get_engine(RestoreOptions(tables=(small_table,), thorough=False, min_spin=0.0))
    text = "The court docket ruled in keeping with the law."
    analysis = engine.analyse(text)
    assert analysis == analyse(text, engine.table, engine.scorer, engine.options)
    edits = engine.decided(text, analysis)
    assert edits == decided_edits(
        text, analysis, engine.model, engine.scorer, engine.options.margin
    )
    assert {e.found for e in edits} <= {"court docket", "in keeping with"}


def test_a_table_phrase_may_start_with_a_number_but_a_number_alone_is_kept() -> None:
    from unspin.models.table import Entry, Table
    from unspin.restore.candidates import table_candidates

    table = Table.from_entries(
        [
            Entry("12 months", "year", 9, 0, 0.9, 0.3, "pile"),
            Entry("3rd", "third", 9, 0, 0.9, 0.3, "pile"),
        ]
    )
    text = "Sales rose this 12 months, the 3rd rise."
    tokens = tokenize(text)
    keys = [t.text.lower() for t in tokens]
    found = [(c.i, c.j, c.words) for c in table_candidates(tokens, keys, text, table)]
    assert found == [(3, 5, ("year",))]
