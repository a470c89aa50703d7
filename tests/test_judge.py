"""The contextual judge at run time: what it reads, how it windows long text, how it
fails, and that the fast path never touches it."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

import unspin
from unspin.errors import MissingDataError, ModelFormatError
from unspin.models import judge as judge_mod
from unspin.models.judge import WINDOW, _windows, load_judge
from unspin.models.judge_data import load_simulator
from unspin.resources import data_path
from unspin.restore import analysis as analysis_mod
from unspin.restore.judged import judge_document, load_calibration
from unspin.text.tokens import sentence_spans, tokenize

ROOT = Path(__file__).resolve().parents[1]
SEED_003 = next((ROOT / "seeds").glob("003_*.txt")).read_text(encoding="utf-8")


def test_one_probability_per_word() -> None:
    words = [t.text for t in tokenize(SEED_003)]
    read = load_judge().read(words)
    assert len(read.probs) == len(words) == read.vectors.shape[0]
    assert all(0.0 <= p <= 1.0 for p in read.probs)


def test_a_long_document_is_read_whole_in_windows() -> None:
    text = " ".join([SEED_003] * 4)
    tokens = tokenize(text)
    words = [t.text for t in tokens]
    starts = [a for a, _ in sentence_spans(tokens, text)]
    read = load_judge().read(words, starts)
    assert len(words) > 3 * WINDOW
    # every word got its own reading: a vector that is not the zero default
    norms = (read.vectors**2).sum(axis=1)
    assert (norms > 0).all()


def test_padding_in_a_batch_changes_no_reading() -> None:
    """A short sentence read alone, or in one batch beside a long one (so padded to its
    width), reads nearly the same: padding is masked, and only the int8 activations'
    scale, set per batch by dynamic quantization, differs."""
    words = [t.text for t in tokenize(SEED_003)]
    short = words[:20]
    alone = load_judge().read(short).probs
    beside = load_judge().read(short + words[20:140], [20]).probs
    assert alone == pytest.approx(beside[:20], abs=0.1)


def test_a_word_longer_than_a_window_is_read_cut() -> None:
    giant = "-".join(["abc"] * 400)  # one token, 799 word pieces: more than the model takes
    words = ["The", giant, "ruled", "."]
    judge = load_judge()
    assert len(judge.tokenizer.encode([giant], is_pretokenized=True).ids) > 512
    read = judge.read(words)
    assert len(read.probs) == 4 and all(0.0 <= p <= 1.0 for p in read.probs)


@pytest.mark.parametrize("seed", range(5))
def test_windows_cover_everything_within_the_limit(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [rng.randint(1, 6) for _ in range(300)]
    breaks = {k for k in range(300) if rng.random() < 0.1}
    windows = _windows(pieces, breaks, 40)
    assert windows[0][0] == 0 and windows[-1][1] == 300
    assert all(a == prev_b for (a, _), (_, prev_b) in zip(windows[1:], windows, strict=False))
    assert all(sum(pieces[a:b]) <= 40 for a, b in windows)


def test_swapped_words_look_more_spun_than_kept_ones() -> None:
    """On a clean seed spun by the training simulator (open resources only), the judge
    ranks the swapped words above the kept ones far more often than chance."""
    sim = load_simulator(data_path("thesaurus.tsv.gz"), data_path("synonym_pairs.tsv"), seed=7)
    tokens = tokenize(SEED_003)
    words = [t.text for t in tokens]
    starts = {a for a, _ in sentence_spans(tokens, SEED_003)}
    spun, labels, _ = sim.spin(words, 0.12, 0.0, [k in starts for k in range(len(words))])
    probs = load_judge().read(spun).probs
    pos = [p for p, lab in zip(probs, labels, strict=True) if lab]
    neg = [p for p, lab, w in zip(probs, labels, spun, strict=True) if not lab and w.isalpha()]
    assert len(pos) >= 5
    wins = sum(p > q for p in pos for q in neg) / (len(pos) * len(neg))
    assert wins > 0.7


def test_preference_of_a_word_for_itself_is_zero() -> None:
    judge = load_judge()
    read = judge.read(["The", "supervision", "said", "."])
    assert judge.preference(read, 1, "supervision", "supervision") == 0.0
    assert isinstance(judge.preference(read, 1, "supervision", "government"), float)


def test_a_missing_model_says_how_to_rebuild_it(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="train-judge"):
        load_judge(tmp_path)


def test_a_model_of_another_format_is_refused(tmp_path: Path) -> None:
    for name in ("judge.onnx", "tokenizer.json"):
        shutil.copy(data_path("judge") / name, tmp_path / name)
    (tmp_path / "metrics.json").write_text(json.dumps({"format": "something-else/9"}))
    with pytest.raises(ModelFormatError, match="unspin-judge/1"):
        load_judge(tmp_path)


def test_a_calibration_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"format": "unspin-judge-calibration/1", "features": ["x"]}))
    with pytest.raises(ModelFormatError, match="features"):
        load_calibration(path)


def test_the_estimate_comes_from_the_judge_unless_fast() -> None:
    from unspin.restore.estimate import document_spin

    judged = document_spin(SEED_003).features
    fast = document_spin(SEED_003, fast=True).features
    assert {"top_mean", "high_share", "table_spin"} <= set(judged)
    assert "top_mean" not in fast
    tokens = tokenize(SEED_003)
    doc = judge_document(load_judge(), tokens, sentence_spans(tokens, SEED_003))
    assert judged["top_mean"] == pytest.approx(doc.features["top_mean"])


def test_the_fast_path_never_loads_the_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path loaded the judge")

    monkeypatch.setattr(judge_mod, "load_judge", refuse)
    monkeypatch.setattr(analysis_mod, "judge_document", refuse)
    text = "The court docket ruled in keeping with the law."
    assert unspin.restore(text, fast=True) == "The court ruled according to the law."
    with pytest.raises(AssertionError, match="loaded the judge"):
        unspin.restore(text + " Again.", margin=0.001)
