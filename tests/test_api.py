"""The Python API: restore, restore_and_explain, apply_edits, options, errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unspin
from unspin import Edit, RestoreOptions, apply_edits, restore, restore_and_explain


def table_only(table: Path) -> RestoreOptions:
    """Table-only options (a small table, no thesaurus or reversals), LM-scored."""
    return RestoreOptions(tables=(table,), thorough=False)


def test_bytes_are_refused_with_advice() -> None:
    with pytest.raises(TypeError, match="decode it first"):
        restore(b"court docket")  # type: ignore[arg-type]


def test_empty_text() -> None:
    assert restore("") == ""
    assert restore_and_explain("").edits == ()


def test_fast_is_accepted_with_a_warning_and_changes_nothing() -> None:
    text = "The court docket ruled in keeping with the law."
    with pytest.warns(FutureWarning, match="fast=True is no longer needed"):
        fast = restore_and_explain(text, fast=True)
    assert fast == restore_and_explain(text)
    with pytest.warns(FutureWarning, match="does nothing"):
        options = RestoreOptions(fast=True)
    assert options == RestoreOptions() and options.signature_parts() == {}


def test_unknown_option_is_an_error() -> None:
    with pytest.raises(TypeError, match="unknown restore option"):
        restore("text", colour="blue")


def test_table_phrase_restored_with_case(small_table: Path) -> None:
    opts = table_only(small_table)
    text = "Court docket papers, filed  in keeping with the\nprimary modification."
    result = restore_and_explain(text, opts)
    assert result.text == "Court papers, filed  according to the\nFirst Amendment."
    assert [(e.found, e.restored) for e in result.edits] == [
        ("Court docket", "Court"),
        ("in keeping with", "according to"),
        ("primary modification", "First Amendment"),
    ]
    first = result.edits[0]
    assert text[first.start : first.end] == first.found
    assert first.source == "table:small" and first.score > 0


def test_names_are_left_alone(small_table: Path) -> None:
    text = "They met Flip Over at the court docket."
    assert restore(text, table_only(small_table)) == "They met Flip Over at the court."


def test_apply_edits_rejects_edits_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="does not match"):
        apply_edits("abc", [Edit(0, 2, "xy", "z", 1.0, "t")])


words = st.sampled_from(
    [
        "court",
        "docket",
        "in",
        "keeping",
        "with",
        "the",
        "law",
        "Court",
        "flip",
        "over",
        "“quoted”",
        "—",
        "x",
    ]
)
seps = st.sampled_from([" ", "  ", "\n", "\t", ", ", ". ", "\r\n", ""])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(words, seps), max_size=25))
def test_restoration_is_lossless_outside_edits(small_table: Path, parts: list) -> None:
    text = "".join(w + s for w, s in parts)
    result = restore_and_explain(text, table_only(small_table))
    assert apply_edits(text, result.edits) == result.text
    pos = 0
    rebuilt = []
    for e in result.edits:
        rebuilt.append(text[pos : e.start])
        pos = e.end
    rebuilt.append(text[pos:])
    # Everything outside the edits comes back byte for byte, in order.
    out_pos = 0
    for kept, e in zip(rebuilt, [*result.edits, None], strict=False):
        assert result.text[out_pos : out_pos + len(kept)] == kept
        out_pos += len(kept) + (len(e.restored) if e else 0)
    # Restoring again changes nothing, except where a restoration formed a new table
    # phrase with its neighbour ("court docket docket" -> "court docket"): new edits
    # overlap the output of an old one.
    outputs, shift = [], 0
    for e in result.edits:
        start = e.start + shift
        outputs.append((start, start + len(e.restored)))
        shift += len(e.restored) - (e.end - e.start)
    for e in restore_and_explain(result.text, table_only(small_table)).edits:
        assert any(e.start <= b and a <= e.end for a, b in outputs), e


def test_version_and_signature() -> None:
    sig = unspin.signature()
    assert sig.startswith(f"unspin:{unspin.__version__}|table:")
    assert "lm:" in sig


def test_documents_that_look_clean_come_back_unchanged(small_table: Path) -> None:
    clean = next((Path(__file__).parents[1] / "seeds").glob("003_*.txt")).read_text("utf-8")
    text = clean + "\nThe papers were filed in keeping with the rules.\n"
    opts = table_only(small_table)
    assert restore_and_explain(text, opts).edits == ()
    # The same phrase is restored once the gate is opened, or in a short spun snippet.
    assert "according to the rules" in restore(text, opts, min_spin=0.0)
    assert restore("Filed in keeping with the rules.", opts) == "Filed according to the rules."


def test_a_document_through_the_gate_must_show_enough_edits(small_table: Path) -> None:
    from unspin.restore.engine import get_engine

    clean = next((Path(__file__).parents[1] / "seeds").glob("003_*.txt")).read_text("utf-8")
    text = clean + "\nThe papers were filed in keeping with the rules.\n"
    engine = get_engine(replace(table_only(small_table), min_spin=0.01))
    analysis = engine.analyse(text)
    assert 0.01 <= analysis.evidence.spin < 1  # through the gate, but unsure
    one = engine.decided(text, analysis)
    assert [e.restored for e in one] == ["according to"]
    assert engine.edits_from(text, analysis) == []  # one edit in 360 words: chance
    # With the gate off (min_spin 0) every decided edit is made.
    assert "according to the rules" in restore(text, table_only(small_table), min_spin=0.0)
