"""unspin.pipelines.files: what ``unspin restore``, ``explain`` and ``score`` do to files,
reachable from Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import unspin.pipelines.streaming as st
from unspin import RestoreOptions, restore_and_explain
from unspin.errors import InputDecodeError, InputReadError, OptionError
from unspin.pipelines.files import (
    AtomicOutput,
    codec_errors,
    explain_file,
    read_chunks,
    restore_file,
    restore_jsonl_file,
    score_file,
)
from unspin.restore.estimate import spin_score

SPUN = (
    "The attorneys advised the choose on Friday that the demand was unlawful, in keeping "
    "with court docket papers.\n\n"
)
OPTIONS = RestoreOptions(min_spin=0)


def test_restore_file_writes_the_restored_text_atomically(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text(SPUN, encoding="utf-8")
    dst.write_text("old", encoding="utf-8")
    with AtomicOutput(dst) as out:
        restore_file(src, out, OPTIONS)
        assert dst.read_text(encoding="utf-8") == "old"  # nothing moved before commit
        out.commit(backup=tmp_path / "out.bak")
    expected = restore_and_explain(SPUN, OPTIONS).text
    assert expected != SPUN and dst.read_text(encoding="utf-8") == expected
    assert (tmp_path / "out.bak").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.bak", "out.txt"]


def test_an_uncommitted_output_leaves_the_destination_alone(tmp_path: Path) -> None:
    dst = tmp_path / "out.txt"
    dst.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), AtomicOutput(dst) as out:
        out.write(b"half")
        raise RuntimeError("failed midway")
    assert dst.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left


def test_chunked_explain_and_score_keep_whole_input_offsets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(st, "CHUNK_CHARS", len(SPUN) + 10)  # each paragraph its own chunk
    src = tmp_path / "in.txt"
    src.write_text(SPUN * 3, encoding="utf-8")
    assert list(read_chunks(src)) == [SPUN] * 3
    edits = list(explain_file(src, OPTIONS))
    one = restore_and_explain(SPUN, OPTIONS).edits
    assert len(one) > 0 and len(edits) == 3 * len(one)
    text = SPUN * 3
    assert all(text[e.start : e.end] == e.found for e in edits)
    assert edits[len(one)].start == one[0].start + len(SPUN)
    spin, spans = score_file(src, OPTIONS, spans=True)
    assert spin == pytest.approx(spin_score(SPUN, OPTIONS))
    assert all(text[s["start"] : s["end"]] == s["word"] for s in spans)


def test_decoding_problems_name_the_input_and_byte(tmp_path: Path) -> None:
    src = tmp_path / "latin.txt"
    src.write_bytes("café court".encode("latin-1"))
    with pytest.raises(InputDecodeError) as caught:
        list(read_chunks(src))
    assert (caught.value.name, caught.value.start) == (str(src), 3)
    assert str(caught.value).startswith(f"{src}: not valid utf-8 (byte 3:")
    assert isinstance(caught.value, ValueError)
    kept = "".join(read_chunks(src, errors="keep"))
    assert kept.encode("utf-8", "surrogateescape") == src.read_bytes()
    assert "\ufffd" in "".join(read_chunks(src, errors="replace"))


def test_bad_inputs_and_values_raise(tmp_path: Path) -> None:
    with pytest.raises(InputReadError, match="nothere.txt: No such file") as caught:
        list(read_chunks(tmp_path / "nothere.txt"))
    assert isinstance(caught.value, OSError)
    with pytest.raises(OptionError, match="unknown encoding 'nope'"):
        codec_errors("nope")
    with pytest.raises(OptionError, match="errors must be one of strict, replace, keep"):
        codec_errors("utf-8", "ignore")
    assert codec_errors("utf-8", "keep") == "surrogateescape"


def test_restore_jsonl_file_passes_malformed_lines_through(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"text": "court docket"}\n{oops\n')
    lines = list(restore_jsonl_file(src, "text", OPTIONS))
    assert [r.lineno for r in lines] == [1, 2]
    assert json.loads(lines[0].data) == {"text": "court"}
    assert lines[1].data == b"{oops\n" and lines[1].problem.startswith("not valid JSON")
