"""unspin learn: corpus reading, side decision, statistics, phrase lists, merging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.errors import CorpusFormatError, InputNotFoundError
from unspin.learn.learner import BigramSketch, learn, merge, spin_margin, table_comments
from unspin.learn.phrases import clean_pair, phrase_entries
from unspin.models.table import Entry, load_table, write_table
from unspin.text.corpus import iter_documents
from unspin.text.tokens import norm, tokenize
from unspin.twins.align import align_texts

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

STORY_A = (
    "Twitter sued the government on Thursday in federal court in California. "
    "The lawyers told the judge that the demand was unlawful, according to court papers. "
    "The company said it would turn over nothing until the court had ruled on the demand. "
    "A spokesman for the agency declined to comment on the lawsuit on Friday afternoon. "
    "The government dropped its demand one day after the lawsuit was filed in court."
)
STORY_B = (
    "A bank was sued by its customers on Monday in a state court in Texas. "
    "Their lawyers have told reporters that the bank had hidden the fees, according to the filing. "
    "The bank said it would fight the claims in court and expected to win the case. "
    "A regulator said the agency was looking into the complaints about the hidden fees. "
    "The judge set a hearing for next month, according to a court clerk in the city."
)
STORY_C = (
    "Heavy rain flooded low-lying streets across the capital overnight, closing schools. "
    "Forecasters expect more storms this week as a tropical system moves up the coast. "
    "Residents were urged to stay indoors and keep away from rivers and drainage canals."
)
UNRELATED = (
    "Oil prices rose sharply in Asian trading as supplies tightened after a pipeline outage. "
    "Analysts expect demand from refiners to remain strong through the summer months. "
    "Brent crude futures gained two dollars a barrel by midday, the biggest rise this year."
)
SPIN = {
    "lawyers": "attorneys",
    "told": "advised",
    "judge": "choose",
    "court": "court docket",
    "according to": "in keeping with",
    "company": "corporate",
    "turn over": "flip over",
    "one day": "sooner or later",
    "declined": "refused",
    "customers": "clients",
    "hidden": "concealed",
    "expected": "anticipated",
}


def spin(text: str) -> str:
    """A tiny inline spinner: every dictionary phrase is swapped."""
    import re

    for found, repl in sorted(SPIN.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b{found}\b", repl, text)
    return text


@pytest.fixture
def pile(tmp_path: Path) -> Path:
    folder = tmp_path / "pile"
    (folder / "sub").mkdir(parents=True)
    texts = {
        "a.txt": STORY_A,
        "b.txt": STORY_B,
        "c.txt": STORY_C,
        "sub/a_spun.txt": spin(STORY_A),
        "sub/b_spun.txt": spin(STORY_B),
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    with (folder / "more.jsonl").open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "oil", "text": UNRELATED}) + "\n")
    return folder


def test_iter_documents_reads_txt_and_jsonl_recursively(pile: Path) -> None:
    ids = [d.id for d in iter_documents([pile])]
    assert len(ids) == 6
    assert "oil" in ids


def test_jsonl_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": broken\n', encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"bad\.jsonl, line 2"):
        list(iter_documents([bad]))


def test_jsonl_missing_field_says_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"body": "fine"}\n', encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="--field"):
        list(iter_documents([bad]))


def test_missing_input_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        list(iter_documents([tmp_path / "nope"]))


def test_side_decision_picks_the_spun_side() -> None:
    sketch = BigramSketch(bits=16)
    for text in (STORY_A, STORY_B, STORY_C, UNRELATED):
        sketch.add([norm(t.text) for t in tokenize(text)])
    a = align_texts(spin(STORY_A), STORY_A)
    assert spin_margin(a, bigrams=sketch) > 0.3
    assert spin_margin(a.swapped(), bigrams=sketch) < -0.3


def test_learn_from_pile(pile: Path) -> None:
    result = learn([pile])
    s = result.summary
    assert (s.documents, s.pairs_found, s.partnered, s.skipped) == (6, 2, 4, 2)
    found = {(e.spun, e.original): e for e in result.entries}
    assert ("attorneys", "lawyers") in found
    assert ("court docket", "court") in found
    assert ("in keeping with", "according to") in found
    # seen once only: below min_count
    assert ("sooner or later", "one day") not in found
    for e in result.entries:
        assert e.source == "pile"
        assert 0 < e.p_restore <= 1 and 0 <= e.p_channel <= 1
    assert found["advised", "told"].count == 2
    assert "documents read" in s.format()
    assert table_comments(result)


def test_learn_min_count_one_keeps_single_sightings(pile: Path) -> None:
    found = {(e.spun, e.original) for e in learn([pile], min_count=1).entries}
    assert ("sooner or later", "one day") in found
    assert ("flip", "turn") in found


def test_pile_min_count_applies_to_the_pile_only(pile: Path, tmp_path: Path) -> None:
    given = tmp_path / "pairs.jsonl"
    clean = "The company said nothing one day after the hearing."
    given.write_text(json.dumps({"spun": spin(clean), "clean": clean}) + "\n", encoding="utf-8")
    found = {(e.spun, e.original): e.source for e in learn([pile], pairs=[given]).entries}
    assert ("sooner or later", "one day") not in found
    found = {
        (e.spun, e.original): e.source
        for e in learn([pile], pairs=[given], pile_min_count=1).entries
    }
    assert found[("sooner or later", "one day")] == "pile"  # once in the pile: kept
    assert ("flip", "turn") in found
    # the given pairs still need two sightings: their one "corporate" adds no "pairs" row
    assert found[("corporate", "company")] == "pile"


def test_learn_rejects_a_min_count_below_one(pile: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app

    out = str(tmp_path / "t.tsv")
    for option in ("--min-count", "--pile-min-count"):
        result = CliRunner().invoke(app, ["learn", str(pile), "-q", "-o", out, option, "0"])
        assert result.exit_code == 2 and "at least 1" in result.output


def test_kept_counts_natural_uses(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    rows = [
        {
            "spun": "The attorneys met the choose today.",
            "clean": "The lawyers met the judge today.",
        },
        {
            "spun": "The attorneys met the choose today.",
            "clean": "The lawyers met the judge today.",
        },
        {"spun": "The attorneys were here.", "clean": "The attorneys were here."},
    ]
    pairs.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    found = {(e.spun, e.original): e for e in learn(pairs=[pairs]).entries}
    e = found["attorneys", "lawyers"]
    assert (e.count, e.kept, e.source) == (2, 1, "pairs")
    assert e.p_restore == pytest.approx(2 / (2 + 1 + 0 + 1))
    assert found["choose", "judge"].p_restore > e.p_restore


def test_tortured_phrase_parsing(tmp_path: Path) -> None:
    sample = tmp_path / "tortured.csv"
    sample.write_text(
        "tortured_phrase,expected_phrase,num_papers\n"
        '"""surface region"" AND ""surface area""",surface area,"42,682"\n'
        '"""feedback processing""",back propagation (BP),"12,040"\n'
        '"""cadence design""",rythm pattern (?),"11,384"\n'
        '"""gatherings clustering""~10",clustering,"6,109"\n'
        '"""magnetic cell separation"" NOT ""with MACS""",'
        'Magnetic-activated cell sorting (MACS),"6,212"\n'
        '"""bosom"" AND ""breast""",breast,"13,940"\n'
        '"""into the combination""",into (reaction) mixture,"8,308"\n',
        encoding="utf-8",
    )
    entries = {(e.spun, e.original): e for e in phrase_entries([sample])}
    assert set(entries) == {
        ("surface region", "surface area"),
        ("feedback processing", "back propagation"),
        ("cadence design", "rythm pattern"),
        ("magnetic cell separation", "magnetic-activated cell sorting"),
    }
    e = entries["surface region", "surface area"]
    assert e.source == "phrases" and e.count == 100 and e.p_restore >= 0.9
    assert clean_pair('"DDoS assault"', "DDoS attack") == ("ddos assault", "DDoS attack")


def test_learn_accepts_phrase_lists(tmp_path: Path) -> None:
    sample = tmp_path / "list.tsv"
    sample.write_text("huge information\tbig data\t5\n", encoding="utf-8")
    result = learn(phrases=[sample])
    assert [(e.spun, e.original, e.count) for e in result.entries] == [
        ("huge information", "big data", 5)
    ]
    assert result.summary.phrase_entries == 1


def test_merge_sums_counts(tmp_path: Path) -> None:
    write_table([Entry("court docket", "court", 3, 1, 0.6, 0.2, "pile")], tmp_path / "a.tsv", "a")
    write_table(
        [
            Entry("court docket", "court", 4, 0, 0.8, 0.1, "pairs"),
            Entry("choose", "judge", 2, 0, 0.5, 0.1, "pairs"),
        ],
        tmp_path / "b.tsv",
        "b",
    )
    merged = {(e.spun, e.original): e for e in merge([tmp_path / "a.tsv", tmp_path / "b.tsv"])}
    e = merged["court docket", "court"]
    assert (e.count, e.kept, e.p_restore, e.source) == (7, 1, 0.8, "pairs+pile")
    write_table(merged.values(), tmp_path / "c.tsv", "c")
    assert len(load_table(tmp_path / "c.tsv")) == 2


def test_seeds_pair_000_with_001() -> None:
    seeds = ROOT / "seeds"
    if not seeds.is_dir():
        pytest.skip("seeds/ is not in this checkout")
    result = learn([seeds], min_count=1)
    assert result.summary.pairs_found == 1
    assert result.summary.skipped == 3
    found = {(e.spun, e.original) for e in result.entries}
    assert {
        ("court docket", "court"),
        ("in keeping with", "according to"),
        ("flip", "turn"),
    } <= found


@pytest.mark.slow
def test_full_tortured_phrase_list() -> None:
    path = SHARED / "corpus" / "tortured_phrases.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent (only in the project's shared data folder)")
    entries = phrase_entries([path])
    assert len(entries) > 5000
    assert all(" " in e.spun or "-" in e.spun or e.spun.isalpha() for e in entries)


# ---------------------------------------------------------------- adapting the language model

STORY_D = (
    "The lawyers told the judge that the company had hidden the fees, according to court "
    "papers. The customers expected the court to rule on the case one day after the hearing. "
    "The company declined to comment, and the lawyers told reporters they expected to win."
)


def test_learn_lm_output_writes_an_adapted_mixture(pile: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app
    from unspin.models.lm import MixedLanguageModel, load_lm, read_header

    (pile / "d_spun.txt").write_text(spin(STORY_D), encoding="utf-8")  # no partner, spun
    table, model = tmp_path / "t.tsv", tmp_path / "pile-3g.arpa.gz"
    result = CliRunner().invoke(
        app, ["learn", str(pile), "-o", str(table), "--lm-output", str(model)]
    )
    assert result.exit_code == 0, result.output
    # 2 clean sides of pairs + STORY_C + UNRELATED; the unpartnered spun story is left out
    assert "adapted LM trained on: 4 documents" in result.output
    assert "2 kept, 1 left out (look spun)" in result.output
    header = read_header(model)
    assert (header["mix-with"], header["weight"]) == ("bundled", "0.3")  # too small to tune
    lm = load_lm(model)
    assert isinstance(lm, MixedLanguageModel) and lm.weight == 0.3
    assert lm.signature.endswith("+pile-3g@0.3")
    # clean words are in the adapted model, the spinner's words are not
    adapted, _ = lm.component_logprobs(["the", "lawyers", "attorneys", "choose", "heavy"])
    assert all(p > -99 for p in (adapted[0], adapted[1], adapted[4]))
    assert adapted[2] == adapted[3] == float("-inf")


def test_learn_lm_output_options(pile: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app
    from unspin.models.lm import read_header

    runner = CliRunner()
    model = tmp_path / "m.arpa"
    args = ["learn", str(pile), "-q", "-o", str(tmp_path / "t.tsv"), "--lm-output", str(model)]
    result = runner.invoke(app, [*args, "--lm-weight", "0.2"])
    assert result.exit_code == 0, result.output
    assert read_header(model)["weight"] == "0.2"
    result = runner.invoke(app, [*args, "--lm-weight", "1.5"])
    assert result.exit_code == 2 and "--lm-weight" in result.output
    result = runner.invoke(app, ["learn", "--merge", str(tmp_path / "t.tsv"), "--lm-output", "x"])
    assert result.exit_code == 2 and "--merge" in result.output


def test_spin_gate_follows_the_clean_side_of_the_pile(small_table: Path, tmp_path: Path) -> None:
    from unspin.learn.gates import clean_spin_gate
    from unspin.learn.result import LearnResult, LearnSummary
    from unspin.models.table import load_table
    from unspin.restore.detect import HIT_RATE_AT_HALF

    texts = [f"Story {k}: the court docket met and the judge left on day {k}." for k in range(25)]
    for k, text in enumerate(texts):
        (tmp_path / f"{k:02d}.txt").write_text(text, encoding="utf-8")

    def result(clean: int) -> LearnResult:
        summary = LearnSummary(documents=len(texts))
        return LearnResult([], summary, frozenset(), frozenset(range(clean)))

    table = load_table(small_table)
    gate = clean_spin_gate(result(25), [tmp_path], table)
    # Every clean document here is full of a table phrase: the gate rises far above the
    # default, so such documents no longer count as spun.
    assert gate is not None and gate > 5 * HIT_RATE_AT_HALF
    assert clean_spin_gate(result(10), [tmp_path], table) is None  # too few to tell


def test_a_table_learned_from_a_pile_is_written_with_its_own_settings(
    small_table: Path, tmp_path: Path
) -> None:
    from unspin.learn.gates import learned_threshold, write_learned_table
    from unspin.learn.result import LearnResult, LearnSummary
    from unspin.models.table import load_table
    from unspin.restore.detect import HIT_RATE_AT_HALF

    pile = tmp_path / "pile"
    pile.mkdir()
    for k in range(25):
        text = f"Story {k}: the court docket met and the judge left on day {k}."
        (pile / f"{k:02d}.txt").write_text(text, encoding="utf-8")
    entries = load_table(small_table).entries
    out = tmp_path / "learned.tsv"

    def written(clean: int, paths: list[Path]) -> tuple:
        result = LearnResult(
            entries, LearnSummary(documents=25), frozenset(), frozenset(range(clean))
        )
        rows, gate, threshold = write_learned_table(result, paths, out, "learned")
        table = load_table(out)
        assert rows == len(entries) == len(table)
        assert (table.spin_gate, table.threshold) == (gate, threshold)
        return gate, threshold

    gate, threshold = written(25, [pile])
    assert gate is not None and gate > HIT_RATE_AT_HALF
    assert threshold == learned_threshold("aligned")
    assert written(10, [pile]) == (None, None)  # too few clean documents to set a gate
    assert written(25, []) == (None, None)  # learned from pairs only: no pile to measure


def test_merged_tables_keep_the_most_cautious_settings(tmp_path: Path) -> None:
    from unspin.models.table import load_merged

    def merged_settings(paths: list[Path]) -> tuple[float | None, float | None]:
        table = load_merged(paths)
        return table.spin_gate, table.threshold

    entry = Entry("court docket", "court", 3, 1, 0.6, 0.2, "pile")
    write_table([entry], tmp_path / "a.tsv", "a", spin_gate=0.02, threshold=-2.5)
    write_table([entry], tmp_path / "b.tsv", "b", spin_gate=0.04, threshold=-1.0)
    write_table([entry], tmp_path / "c.tsv", "c")
    assert merged_settings([tmp_path / "a.tsv", tmp_path / "b.tsv"]) == (0.04, -1.0)
    assert merged_settings([tmp_path / "a.tsv", tmp_path / "c.tsv"]) == (0.02, None)


def _pairs_file(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    path = tmp_path / "pairs.jsonl"
    lines = [json.dumps({"spun": s, "clean": c}) for s, c in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_editorial_changes_seen_once_are_not_learned(tmp_path: Path) -> None:
    pairs = _pairs_file(
        tmp_path,
        [
            (
                "The ACLU said on Monday that it will symbolize the user in the case.",
                "The ACLU said on Monday that it is representing the user in the case.",
            ),
            (
                "The attorneys for the bank sought a delay in the case on Monday.",
                "The lawyers for the bank seeks a delay in the case on Monday.",
            ),
            (
                "Twitter said the agency can not order Twitter to show over the knowledge except"
                " a number of situations are met in court on Friday.",
                "Twitter said the agency can not order Twitter to disclose information regarding"
                " the real identities of these users in court on Friday.",
            ),
        ],
    )
    learned = {(e.spun, e.original) for e in learn(pairs=[pairs], min_count=1).entries}
    assert ("attorneys", "lawyers") in learned  # a swap in kept text
    assert ("will symbolize", "is representing") not in learned  # tense changed with the verb
    assert ("sought", "seeks") not in learned  # one verb in two tenses
    assert ("knowledge except a number", "real identities") not in learned  # inside a rewrite


def test_inflections_of_one_swap_are_pooled_when_generalising() -> None:
    from unspin.learn.row_stats import _Stats

    stats = _Stats()
    for spun, clean in (
        (
            "The company is utilizing new machines in its plant, it said.",
            "The company is using new machines in its plant, it said.",
        ),
        (
            "The bank utilized new software in its branches, it said.",
            "The bank used new software in its branches, it said.",
        ),
        (
            "The firm bought a big plant in Texas last month, it said.",
            "The firm acquired a big plant in Texas last month, it said.",
        ),
    ):
        stats.add(align_texts(spun, clean))
    stats.resolve()
    assert stats.accepted(2, generalise=False) == {}
    # "utilizing" -> "using" once and "utilized" -> "used" once: one lemma pair, seen twice
    assert set(stats.accepted(2, generalise=True)) == {
        ("utilizing", "using"),
        ("utilized", "used"),
    }


def test_clear_single_sightings_of_a_known_original_are_accepted() -> None:
    from unspin.learn.row_stats import _Stats

    stats = _Stats()
    for spun, clean in (
        ("The lawyers spoke to the choose on Monday.", "The lawyers spoke to the judge on Monday."),
        ("The lawyers spoke to the choose on Friday.", "The lawyers spoke to the judge on Friday."),
        ("Then the decide left the room at once.", "Then the judge left the room at once."),
        ("Then the officials left the building.", "Then the staff left the building."),
    ):
        stats.add(align_texts(spun, clean, min_similarity=0.3))
    stats.resolve()
    assert set(stats.accepted(2, generalise=False)) == {("choose", "judge")}
    # "decide" -> "judge", seen once with kept text around it, for an original the spinner
    # is seen to replace otherwise too; "officials" -> "staff" has no such support
    assert set(stats.accepted(2, generalise=True)) == {("choose", "judge"), ("decide", "judge")}


def test_heldout_precision_counts_rows_the_held_out_pairs_confirm() -> None:
    from unspin.learn.row_stats import heldout_precision

    def changes(spun: str, clean: str) -> list:
        return align_texts(spun, clean).changes()

    good = [
        changes(f"The attorneys met a choose on day {k}.", f"The lawyers met a judge on day {k}.")
        for k in range(10)
    ]
    assert heldout_precision(good, 2, True) == 1.0
    assert heldout_precision(good[:5], 2, True) is None  # too few pairs to hold some out
    noisy = [
        changes(f"The attorneys met a choose on day {k}.", f"The lawyers met a decide on day {k}.")
        if k in (3, 7)
        else doc
        for k, doc in enumerate(good)
    ]
    # "choose" -> "decide" twice: the held-out folds that hold them say the table is wrong
    assert heldout_precision(noisy, 2, True) == 0.9


def test_learned_tables_say_how_they_were_learned(pile: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app

    out = tmp_path / "t.tsv"
    result = CliRunner().invoke(app, ["learn", str(pile), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    table = load_table(out)
    assert (table.method, table.docs) == ("aligned", 6)
    merged = tmp_path / "m.tsv"
    args = ["learn", "--merge", str(out), str(out), "-o", str(merged), "-q"]
    assert CliRunner().invoke(app, [*args, "--method", "bundled"]).exit_code == 0
    assert (load_table(merged).method, load_table(merged).docs) == ("bundled", 12)
    assert CliRunner().invoke(app, [*args, "--method", "guessed"]).exit_code == 2
