"""The judge's training-data simulator: labels say exactly which words it put there."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from unspin.models.judge_data import Simulator, load_simulator, passages
from unspin.resources import data_path

ALTS = {"big": [("large", 5.0), ("huge", 4.0)], "say": [("state", 5.0)], "city": [("town", 5.0)]}
PHRASES = {("according", "to"): [("in", "keeping", "with")], ("court",): [("court", "docket")]}


def test_clean_rate_changes_nothing() -> None:
    words = ["The", "big", "city", "said", "the", "court", "ruled", "."]
    out, labels, originals = Simulator(ALTS, PHRASES, seed=3).spin(words, 0.0, 0.0)
    assert out == words and labels == [0] * len(words) and originals == [""] * len(words)


def test_labels_mark_exactly_the_changed_words() -> None:
    words = ["the", "big", "city", "said", "according", "to", "the", "court"]
    sim = Simulator(ALTS, PHRASES, seed=5)
    for _ in range(30):
        out, labels, originals = sim.spin(words, 1.0, 0.0)
        assert len(out) == len(labels) == len(originals)
        kept = [w for w, lab in zip(out, labels, strict=True) if not lab]
        # an unlabelled word is the passage's own, or a function word of a swapped phrase
        assert set(kept) <= set(words) | {"in", "with"}
        for w, lab, o in zip(out, labels, originals, strict=True):
            if o:  # a single-word swap records the word it replaced
                assert lab == 1 and o in words and w != o


def test_inflection_follows_the_original() -> None:
    sim = Simulator({"say": [("state", 5.0)]}, {}, seed=1)
    out, labels, originals = sim.spin(["he", "said"], 1.0, 0.0)
    assert out == ["he", "stated"] and labels == [0, 1] and originals == ["", "said"]


def test_the_becomes_a_and_keeps_a_capital() -> None:
    sim = Simulator({}, {}, seed=2)
    out, labels, originals = sim.spin(["The", "dog", "saw", "the", "cat"], 0.0, 1.0, [True] * 5)
    assert out == ["A", "dog", "saw", "a", "cat"]
    assert labels == [1, 0, 0, 1, 0] and originals[0] == originals[3] == "the"


def test_names_and_numbers_are_never_spun() -> None:
    sim = Simulator({"smith": [("blacksmith", 5.0)], "12": [("twelve", 5.0)]}, {}, seed=4)
    words = ["Then", "Smith", "paid", "12"]
    out, labels, _ = sim.spin(words, 1.0, 0.0, [True, False, False, False])
    assert out[1:] == words[1:] and labels[1:] == [0, 0, 0]


def test_phrase_swaps_label_only_the_new_content_words() -> None:
    sim = Simulator({}, PHRASES, seed=0)
    hits = 0
    for _ in range(20):
        out, labels, _ = sim.spin(["the", "court", "ruled"], 1.0, 0.0)
        if "docket" in out:
            hits += 1
            assert labels[out.index("court")] == 0 and labels[out.index("docket")] == 1
    assert hits > 0


def test_passages_are_whole_sentences_of_the_asked_length(tmp_path: Path) -> None:
    sentence = "The city council said on Monday that it would build 12 new schools. "
    wiki = tmp_path / "wiki.jsonl.gz"
    with gzip.open(wiki, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"text": sentence * 12 + "\nshort line"}) + "\n")
    got = list(passages(wiki, random.Random(0), words=(20, 40)))
    assert got
    for words, first in got:
        assert 20 <= len(words) <= 40 and first[0] and words[-1] == "."


def test_bundled_resources_make_a_simulator() -> None:
    sim = load_simulator(data_path("thesaurus.tsv.gz"), data_path("synonym_pairs.tsv"), seed=0)
    assert len(sim.alternatives) > 10_000 and len(sim.phrases) > 1_000
    rng = random.Random(1)
    words = [
        "the",
        "company",
        "said",
        "its",
        "profit",
        "rose",
        "in",
        "the",
        "first",
        "quarter",
        "of",
        "the",
        "year",
    ]
    changed = 0
    for _ in range(20):
        out, labels, _ = sim.spin(words, rng.uniform(0.3, 0.6), 0.0)
        changed += sum(labels)
        assert sum(labels) <= len(out)
    assert changed > 0


@pytest.mark.parametrize("rate", [0.05, 0.15])
def test_rate_is_roughly_kept(rate: float) -> None:
    words = ("the big city " * 200).split()
    out, labels, _ = Simulator(ALTS, {}, seed=9).spin(words, rate, 0.0)
    share = sum(labels) / sum(w in ("big", "city") for w in words)
    assert rate / 2 < share < rate * 2
