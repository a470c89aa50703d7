"""The mapping-table format: header, validation, lookup, merge, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.errors import TableFormatError
from unspin.table import Entry, bundled_table, load_table, merge_entries, phrase_key, write_table


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
    from unspin.engine import get_engine
    from unspin.options import RestoreOptions

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
