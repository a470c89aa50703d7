"""Spin detection: the document estimate, the words it flags, and `unspin score --spans`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from unspin.cli import app
from unspin.restore import detect
from unspin.restore.detect import spin_evidence
from unspin.restore.estimate import document_spin, spun_spans
from unspin.restore.spin_features import DocumentSignals

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CLEAN = (
    "The city council voted on Tuesday to expand the public library, which has served "
    "the town since 1902. The new wing will hold a reading room for children and a "
    "collection of local newspapers going back more than a century. Work is expected to "
    "begin next spring and to last about two years, the mayor said. Residents who spoke "
    "at the meeting were mostly in favour, although some asked how the project would be "
    "paid for. The council said the cost would be shared between the state and the city."
)


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_spun_seeds_score_spun_and_clean_ones_do_not() -> None:
    assert document_spin(_seed("004")).spin >= 0.5
    assert document_spin(_seed("000")).spin >= 0.5
    assert document_spin(_seed("003")).spin < 0.5
    assert document_spin(_seed("001")).spin < 0.5


def test_clean_paragraph_is_not_flagged() -> None:
    evidence = document_spin(CLEAN)
    assert evidence.spin < 0.5
    assert evidence.lm_spin < 0.5


def test_spans_point_at_spun_words_of_seed_004() -> None:
    text = _seed("004")
    spans = spun_spans(text)
    assert spans, "seed 004 is spun: some words must be flagged"
    for s in spans:
        assert text[s.start : s.end] == s.word
        assert s.strength > 0 and s.original and s.original != s.word.lower()
    originals = [s.original for s in spans if s.word.lower() == "supervision"]
    assert len(originals) >= 3  # seed 004 says "supervision" for "government" 7 times
    assert originals.count("government") > len(originals) / 2


def test_few_spans_in_clean_text() -> None:
    text = _seed("003")
    assert len(spun_spans(text)) < len(spun_spans(_seed("004")))


def test_detector_rises_with_the_share_of_suspect_words() -> None:
    counts = Counter({"the": 9, "a": 3})

    def spin(weak: int) -> float:
        signals = DocumentSignals(surprising=40 + weak, rare=5, weak=weak)
        return spin_evidence(counts, 400, 0.0, None, signals).lm_spin

    assert spin(2) < spin(30) < spin(90)
    assert spin(2) < 0.5 <= spin(90)


def test_table_evidence_still_counts_with_the_learned_detector() -> None:
    # A learned table's own gate (hit_rate_at_half) moves the estimate as before.
    signals = DocumentSignals(surprising=10, weak=1)
    words = Counter({"the": 9})
    strict = spin_evidence(words, 100, 4.0, 0.05, signals)
    loose = spin_evidence(words, 100, 4.0, None, signals)
    assert strict.table_spin < 0.5 <= loose.table_spin
    assert loose.spin >= loose.table_spin and strict.spin == max(strict.table_spin, strict.lm_spin)


def test_detector_is_fitted() -> None:
    assert detect.DETECTOR_WEIGHTS, "run python -m bench.quality.detect --fit"
    names = set(detect.detector_features(DocumentSignals(), 0.0, 100))
    assert set(detect.DETECTOR_WEIGHTS) <= names


def test_score_spans_command(tmp_path: Path) -> None:
    path = tmp_path / "spun.txt"
    path.write_text(_seed("004"), encoding="utf-8")
    result = CliRunner().invoke(app, ["score", "--spans", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    name, value = lines[0].split("\t")
    assert name == str(path) and float(value) >= 0.5
    spans = [json.loads(line) for line in lines[1:]]
    assert spans and {"start", "end", "word", "original", "strength"} <= set(spans[0])
    assert any(s["word"] == "supervision" for s in spans)
    plain = CliRunner().invoke(app, ["score", str(path)])
    assert plain.stdout.splitlines() == lines[:1]
    # --fast is still accepted: it says it does nothing, and nothing changes
    fast = CliRunner().invoke(app, ["score", "--fast", str(path)])
    assert fast.exit_code == 0 and fast.stdout == plain.stdout
    assert fast.stderr.strip() == "unspin: --fast is no longer needed and does nothing: " + (
        "the fast n-gram path is now the only one (the option goes in the next release)"
    )
