"""The mapping-table format: header, validation, lookup, merge, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.errors import TableFormatError
from unspin.models.table import (
    Entry,
    Table,
    bundled_table,
    load_table,
    merge_entries,
    phrase_key,
    write_table,
)


def test_round_trip(tmp_path: Path) -> None:
    entries = [
        Entry("in keeping with", "according to", 4, 1, 0.8, 0.25, "pairs"),
        Entry("just isn’t", "is not", 3, 0, 0.9, 0.1, "pairs"),
    ]
    path = tmp_path / "t.tsv"
    assert write_table(entries, path, "demo", ["built for a test"]) == 2
    table = load_table(path)
    assert table.name == "demo"
    assert [e.original for e in table.lookup(("just", "isn", "'t"))] == ["is not"]
    assert table.max_len == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("spun\toriginal\n", "line 1: expected the header"),
        ("#unspin-table\t9\n", "format version 9"),
        ("#unspin-table\t1\ncourt docket\tcourt\t3\n", "line 2: expected 7"),
        ("#unspin-table\t1\n# c\na\tb\tx\t0\t0.5\t0.5\ts\n", "line 3: expected whole numbers"),
        ("#unspin-table\t1\na\tb\t1\t0\t1.5\t0.5\ts\n", "line 2: probabilities"),
    ],
)
def test_bad_files_name_file_line_and_expectation(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TableFormatError, match=message) as info:
        load_table(path)
    assert str(path) in str(info.value)


def test_merge_sums_counts() -> None:
    merged = merge_entries(
        [
            Entry("Court docket", "court", 2, 1, 0.6, 0.1, "a"),
            Entry("court docket", "court", 3, 0, 0.9, 0.2, "b"),
        ]
    )
    assert len(merged) == 1
    assert (merged[0].count, merged[0].kept, merged[0].p_restore, merged[0].source) == (
        5,
        1,
        0.9,
        "a+b",
    )


def test_bundled_table_loads_with_multiword_rows() -> None:
    table = bundled_table()
    assert len(table) > 100
    assert any(len(phrase_key(e.spun)) > 1 for e in table.entries)
    assert any(len(phrase_key(e.original)) > 1 for e in table.entries)


def test_spin_gate_round_trip_check_and_merge(tmp_path: Path) -> None:
    entry = Entry("court docket", "court", 4, 0, 0.9, 0.3, "pile")
    gated, plain = tmp_path / "g.tsv", tmp_path / "p.tsv"
    write_table([entry], gated, "g", spin_gate=0.05)
    write_table([entry], plain, "p")
    assert load_table(gated).spin_gate == 0.05
    assert load_table(plain).spin_gate is None
    assert load_table(plain).merged(load_table(gated)).spin_gate == 0.05
    bad = tmp_path / "bad.tsv"
    bad.write_text(gated.read_text("utf-8").replace("0.0500", "lots"), "utf-8")
    with pytest.raises(TableFormatError, match="bad.tsv, line 1: spin_gate"):
        load_table(bad)


def test_table_threshold_reaches_the_decision_model(tmp_path: Path) -> None:
    from unspin.options import RestoreOptions
    from unspin.restore.engine import get_engine

    entry = Entry("court docket", "court", 4, 0, 0.9, 0.3, "pile")
    path = tmp_path / "t.tsv"
    write_table([entry], path, "t", spin_gate=0.03, threshold=-2.5)
    assert load_table(path).threshold == -2.5
    engine = get_engine(RestoreOptions(tables=(path,)))
    assert engine.model.table.threshold == -2.5
    assert "table-threshold:-2.5" in engine.signature
    path.write_text(path.read_text("utf-8").replace("-2.5", "-40"), "utf-8")
    with pytest.raises(TableFormatError, match="line 1: threshold must be"):
        load_table(path)


def test_provenance_round_trip_validation_and_merge(tmp_path: Path) -> None:
    entry = Entry("court docket", "court", 4, 0, 0.9, 0.3, "pile")
    a, b, c = tmp_path / "a.tsv", tmp_path / "b.tsv", tmp_path / "c.tsv"
    write_table([entry], a, "a", method="aligned", docs=1950, precision=0.91)
    write_table([entry], b, "b", method="reference-free", docs=1350, precision=0.45)
    write_table([entry], c, "c", method="aligned", docs=10)
    ta, tb, tc = load_table(a), load_table(b), load_table(c)
    assert (ta.method, ta.docs, ta.precision) == ("aligned", 1950, 0.91)
    mixed = ta.merged(tb)
    assert (mixed.method, mixed.docs, mixed.precision) == ("mixed", 3300, 0.45)
    same = ta.merged(tc)
    assert (same.method, same.docs, same.precision) == ("aligned", 1960, 0.91)
    plain = tmp_path / "plain.tsv"
    write_table([entry], plain, "plain", **mixed.provenance())
    assert load_table(plain).method == "mixed"
    with pytest.raises(ValueError, match="method must be one of"):
        write_table([entry], tmp_path / "x.tsv", "x", method="guessed")
    for field, value, message in (
        ("method=aligned", "method=guessed", "method must be one of"),
        ("docs=1950", "docs=many", "docs must be a whole number"),
        ("precision=0.910", "precision=1.5", "precision must be a share"),
    ):
        bad = tmp_path / "bad.tsv"
        bad.write_text(a.read_text("utf-8").replace(field, value), "utf-8")
        with pytest.raises(TableFormatError, match=f"bad.tsv, line 1: {message}"):
            load_table(bad)


def test_inflected_lookup_reinflects_the_original() -> None:
    table = Table.from_entries(
        [
            Entry("utilizing", "using", 3, 0, 0.9, 0.3, "pile"),
            Entry("legal professional", "attorney", 5, 0, 0.9, 0.3, "pile"),
        ]
    )
    assert [t for _, t in table.lookup_inflected(("utilized",))] == ["used"]
    assert [t for _, t in table.lookup_inflected(("legal", "professionals"))] == ["attorneys"]
    assert table.lookup_inflected(("utilizing",)) == []  # in the table as written
    assert table.longest_at("legal") == 2 and table.longest_at("utilized") == 0
    assert table.longest_at("utilized", inflected=True) == 1


def test_a_table_learned_from_aligned_copies_is_restored_alone(small_table: Path, tmp_path: Path):
    from unspin.options import RestoreOptions
    from unspin.restore.engine import get_engine

    spun = next((Path(__file__).parents[1] / "seeds").glob("004_*.txt")).read_text("utf-8")
    entries = load_table(small_table).entries

    def kinds(method: str | None) -> set[str]:
        path = tmp_path / f"{method}.tsv"
        write_table(entries, path, "t", spin_gate=0.03, threshold=-0.5, method=method)
        engine = get_engine(RestoreOptions(tables=(path,), min_spin=0.0))
        analysis = engine.analyse(spun)
        assert analysis.evidence.spin >= 0.5  # it looks spun: a zero-shot search is due
        return {c.kind for sent in analysis.sentences for c in sent.candidates}

    assert {"thesaurus", "reversal"} <= kinds("reference-free")
    assert kinds("aligned") <= {"table"}  # the spinner's own dictionary: no guesses beside it
