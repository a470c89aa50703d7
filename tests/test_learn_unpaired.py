"""Reference-free learning on a synthetic spun-only pile built from the clean seeds.

The pile: documents of sentences drawn from seeds 001 and 003 (clean news), run through a
made-up spinner that, at each occurrence of one of its head words, picks uniformly among
the head word and its alternatives (so the original survives part of the time), plus
clean sentences with co-hyponyms and antonyms ("months" / "years", "lowest" / "highest")
the spinner never touches. No dev data is used.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from unspin.errors import TableFormatError
from unspin.learn.unpaired import (
    HIT_GATE,
    SOURCE,
    PairFeatures,
    drop_common,
    learn_from_pile,
    learn_unpaired,
    pair_probability,
    pile_stats,
    wanted,
)
from unspin.models.table import Entry
from unspin.models.thesaurus import load_thesaurus
from unspin.restore.hit_gate import clean_expectation, gate_spin, hit_score

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SWAPS = {
    "court": ["tribunal", "courtroom"],
    "government": ["administration", "regime"],
    "information": ["data"],
    "anonymous": ["nameless"],
    "rights": ["privileges"],
}
UNTOUCHED = [
    "Sales were the lowest in six months, the company said.",
    "Prices hit the highest level in three years on Monday.",
    "The rate fell to its lowest point in two years.",
    "Output rose to the highest in nine months.",
    "He has worked there for years and plans to stay for months.",
]


def _sentences() -> list[str]:
    text = " ".join(
        (SEEDS / name).read_text(encoding="utf-8")
        for name in ("001_1d8b1f4f4203ccee.txt", "003_1aaac26ae96cc3cc.txt")
    )
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [p for p in parts if 6 <= len(p.split()) <= 60]


def _spin(sentence: str, rng: random.Random) -> str:
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        return rng.choice([word, *SWAPS[word]])

    return re.sub(r"\b(?:" + "|".join(SWAPS) + r")\b", swap, sentence)


def _pile(documents: int = 300, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = _sentences()
    rng.shuffle(pool)
    weights = [1 / (rank + 1) for rank in range(len(pool))]  # some sentences common, most rare
    docs = []
    for _ in range(documents):
        picked = rng.choices(pool, weights, k=8) + rng.sample(UNTOUCHED, 2)
        rng.shuffle(picked)
        docs.append(" ".join(_spin(s, rng) for s in picked))
    return docs


@pytest.fixture(scope="module")
def learned():
    entries, summary = learn_unpaired(_pile())
    return entries, summary


def test_the_thesaurus_links_each_made_up_swap():
    # a precondition of the tests below: the learner's candidates come from the thesaurus
    th = load_thesaurus()
    for original, spun_forms in SWAPS.items():
        for spun in spun_forms:
            assert original in th.sources_of(spun, 20), (spun, original)


def test_recovers_the_spinners_swaps_from_spun_copies_alone(learned):
    entries, summary = learned
    found = {(e.spun, e.original) for e in entries}
    truth = {(s, o) for o, forms in SWAPS.items() for s in forms}
    assert summary.documents == 300
    assert len(found & truth) >= len(truth) - 2, sorted(found)
    assert all(e.source == SOURCE for e in entries)


def test_learns_nothing_about_words_the_spinner_never_touched(learned):
    entries, _ = learned
    spun_forms = {s for forms in SWAPS.values() for s in forms}
    wrong = [(e.spun, e.original) for e in entries if e.spun not in spun_forms]
    assert len(wrong) <= 1, wrong
    for a, b in (("months", "years"), ("lowest", "highest"), ("years", "months")):
        assert all((e.spun, e.original) != (a, b) for e in entries)
        assert all((e.spun, e.original) != (b, a) for e in entries)


def test_rows_carry_probabilities_for_restore_to_weigh(learned):
    entries, _ = learned
    for e in entries:
        assert 0.0 < e.p_restore <= 1.0 and 0.0 < e.p_channel <= 1.0
        assert e.count >= 1 and e.kept >= 0
    # never pointing at another spun form (chains are followed to their end)
    spun = {e.spun for e in entries}
    assert not [e for e in entries if e.original in spun]


def test_a_clean_pile_yields_few_rows():
    rng = random.Random(3)
    pool = _sentences() + UNTOUCHED
    docs = [" ".join(rng.sample(pool, 10)) for _ in range(200)]
    entries, _ = learn_unpaired(docs)
    assert len(entries) <= 2, [(e.spun, e.original) for e in entries]


def test_learn_from_pile_reads_files_and_skips_documents(tmp_path):
    docs = _pile(documents=120, seed=11)
    for k, text in enumerate(docs):
        (tmp_path / f"{k:03d}.txt").write_text(text, encoding="utf-8")
    everything = learn_from_pile([tmp_path])
    assert everything
    known = {e.spun for e in everything}
    again = learn_from_pile([tmp_path], known=known)
    assert not [e for e in again if e.spun in known or e.original in known]
    assert not learn_from_pile([tmp_path], skip=range(120))


def test_pile_stats_counts_lower_case_phrases_only():
    stats = pile_stats(["The Court said the court docket was full.", "A court ruled."])
    assert stats.count("court") == 2  # "Court" is capitalised: a spinner leaves it alone
    assert stats.count("court docket") == 1
    assert stats.documents == 2


def test_pair_probability_rises_with_evidence():
    weak = PairFeatures(ratio=3.0, fit=-1.0, wordnet=0, seen=1.1, together=0.0, gap=1.0, best=0)
    strong = PairFeatures(ratio=0.1, fit=2.0, wordnet=1, seen=4.0, together=0.4, gap=0.0, best=1)
    assert pair_probability(weak) < 0.05 < 0.8 < pair_probability(strong)


def test_auto_mode_runs_on_unpaired_piles_only():
    assert wanted("auto", 1000, 0) and wanted("on", 1000, 900)
    assert not wanted("auto", 1000, 600) and not wanted("auto", 20, 0)
    with pytest.raises(ValueError, match="auto, on, off"):
        wanted("sometimes", 10, 0)


def test_known_pairs_lift_their_originals_and_are_not_relearned(learned):
    entries, _ = learned
    docs = _pile()
    lifted, _ = learn_unpaired(docs, known=["regime"], targets=["court"])
    before = {(e.spun, e.original): e.p_restore for e in entries}
    after = {(e.spun, e.original): e.p_restore for e in lifted}
    assert after[("tribunal", "court")] > before[("tribunal", "court")]
    assert not [e for e in lifted if "regime" in (e.spun, e.original)]


def test_unspin_learn_on_a_spun_pile_writes_reference_free_rows(tmp_path):
    from typer.testing import CliRunner

    from unspin.cli import app
    from unspin.models.table import load_table

    pile = tmp_path / "pile"
    pile.mkdir()
    for k, text in enumerate(_pile(documents=120, seed=5)):
        (pile / f"{k:03d}.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    table = tmp_path / "t.tsv"
    # (drawn from two short seeds, the documents are near-duplicates of each other, so the
    # aligner pairs half of them and "auto" would leave the pile to it: force it on)
    result = runner.invoke(
        app, ["learn", str(pile), "-o", str(table), "-q", "--reference-free", "on"]
    )
    assert result.exit_code == 0, result.output
    rows = load_table(table).entries
    assert any(SOURCE in e.source.split("+") and e.spun in SWAPS["government"] for e in rows)
    # half the pile was paired (near-duplicates) and the rest learned from the pile itself
    assert load_table(table).method == "mixed"
    # half the pile paired: its clean sides set the gate, as for an aligned pile
    assert load_table(table).spin_gate is not None and load_table(table).hit_gate is None
    off = tmp_path / "off.tsv"
    result = runner.invoke(
        app, ["learn", str(pile), "-o", str(off), "-q", "--reference-free", "off"]
    )
    assert result.exit_code == 0, result.output
    assert not [e for e in load_table(off).entries if SOURCE in e.source.split("+")]
    assert load_table(off).hit_gate is None
    bad = runner.invoke(app, ["learn", str(pile), "-o", str(off), "--reference-free", "maybe"])
    assert bad.exit_code == 2


def test_clean_expectation_grows_with_the_spun_forms_frequency_in_english():
    rare = clean_expectation([Entry("tribunal", "court", 9, 1, 0.6, 0.4, SOURCE)])
    common = clean_expectation([Entry("government", "state", 9, 1, 0.6, 0.4, SOURCE)])
    assert 0 < rare[0] < common[0] and 0 < rare[1] < common[1]
    # the weight is the row's p_restore: a surer row expects more weighted hits
    surer = clean_expectation([Entry("tribunal", "court", 9, 1, 0.9, 0.4, SOURCE)])
    assert surer[0] > rare[0]


def test_hit_score_and_gate_spin_open_only_past_the_gate():
    mean, var = 0.001, 0.0005
    assert hit_score(1.0, 400, mean, var) < HIT_GATE < hit_score(6.0, 400, mean, var)
    # the same hits in a longer document are less surprising
    assert hit_score(4.0, 2000, mean, var) < hit_score(4.0, 400, mean, var)
    assert gate_spin(HIT_GATE - 0.1, HIT_GATE) == 0.0
    assert gate_spin(HIT_GATE, HIT_GATE) == 0.5
    assert gate_spin(HIT_GATE + 5, HIT_GATE) == 1.0


def test_hit_gate_round_trips_through_the_table_header(tmp_path):
    from unspin.models.table import load_merged, load_table, write_table

    e = Entry("tribunal", "court", 9, 1, 0.6, 0.4, SOURCE)
    write_table([e], tmp_path / "a.tsv", "a", (), None, -0.5, hit_gate=6.0, method="reference-free")
    write_table([e], tmp_path / "b.tsv", "b", (), 0.02, -0.5, method="aligned")
    a = load_table(tmp_path / "a.tsv")
    assert a.hit_gate == 6.0 and a.threshold == -0.5 and a.spin_gate is None
    assert load_table(tmp_path / "b.tsv").hit_gate is None
    assert load_merged([tmp_path / "a.tsv", tmp_path / "a.tsv"]).hit_gate == 6.0
    # merged with a table gated on clean documents, that gate wins
    both = load_merged([tmp_path / "b.tsv", tmp_path / "a.tsv"])
    assert both.hit_gate is None and both.spin_gate == 0.02
    assert a.provenance()["hit_gate"] == 6.0
    bad = tmp_path / "bad.tsv"
    bad.write_text((tmp_path / "a.tsv").read_text().replace("hit_gate=6", "hit_gate=x"))
    with pytest.raises(TableFormatError, match="hit_gate"):
        load_table(bad)


def test_a_hit_gated_table_opens_spun_documents_and_leaves_clean_ones(learned):
    from unspin.models.table import Table
    from unspin.options import RestoreOptions
    from unspin.restore.engine import engine_for

    entries, _ = learned
    rng = random.Random(13)
    picked = _sentences()
    clean = " ".join(picked)  # the same sentences as the spun text, as written
    spun = " ".join(_spin(s, rng) for s in picked)
    gated = Table.from_entries(entries, "gated")
    gated.hit_gate = HIT_GATE
    engine = engine_for(gated, RestoreOptions())
    assert engine.clean_hits is not None
    assert engine.spin(spun).table_spin >= 0.5
    assert engine.spin(clean).table_spin < 0.5
    # the same rows without the hit gate: the spun text's table evidence stays lower
    plain = engine_for(Table.from_entries(entries, "plain"), RestoreOptions())
    assert plain.clean_hits is None
    assert plain.spin(spun).table_spin < engine.spin(spun).table_spin


def test_a_table_learned_without_clean_documents_gets_a_hit_gate(tmp_path):
    from dataclasses import replace

    from unspin.learn.gates import write_learned_table
    from unspin.learn.learner import learn
    from unspin.models.table import load_table

    pile = tmp_path / "pile"
    pile.mkdir()
    for k, text in enumerate(_pile(documents=120, seed=5)):
        (pile / f"{k:03d}.txt").write_text(text, encoding="utf-8")
    result = learn([pile], reference_free="on")
    assert any(SOURCE in e.source.split("+") for e in result.entries)
    # as for a pile of spun copies only: no clean documents to set a gate by
    unpaired = replace(result, clean_documents=frozenset())
    rows, gate, threshold = write_learned_table(unpaired, [pile], tmp_path / "t.tsv", "t")
    table = load_table(tmp_path / "t.tsv")
    assert gate is None and table.spin_gate is None
    assert table.hit_gate == HIT_GATE and table.threshold == threshold is not None
    assert rows == len(table.entries)
    # with given pairs among the rows, their sure rows open the default gate: no hit gate
    given = Entry("courtroom", "court", 5, 0, 0.9, 0.5, "pairs")
    with_pairs = replace(unpaired, entries=[*unpaired.entries, given])
    write_learned_table(with_pairs, [pile], tmp_path / "p.tsv", "p")
    assert load_table(tmp_path / "p.tsv").hit_gate is None


def test_drop_common_keeps_given_pairs_and_rare_spun_forms():
    rows = [
        Entry("around", "about", 9, 1, 0.5, 0.4, SOURCE),
        Entry("around", "about", 4, 0, 0.9, 0.4, "pairs"),
        Entry("tribunal", "court", 9, 1, 0.6, 0.4, SOURCE),
    ]
    kept = drop_common(rows)
    assert [(e.spun, e.source) for e in kept] == [("around", "pairs"), ("tribunal", SOURCE)]
