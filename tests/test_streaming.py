"""Streaming: long texts in chunks, JSONL record by record, no record ever lost."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin import restore
from unspin.cli import EXIT_PASSED_THROUGH, app
from unspin.options import RestoreOptions
from unspin.pipelines import restore_records as pipelines_restore_records
from unspin.pipelines import streaming as st

runner = CliRunner()
SPUN = "The lawsuit was filed in federal court docket in keeping with the rules."
CLEAN = "The court ruled on Friday that the law stands."


@pytest.fixture()
def opts(small_table: Path) -> RestoreOptions:
    return RestoreOptions(tables=(small_table,), thorough=False)


def _table_args(small_table: Path) -> list[str]:
    return ["-t", str(small_table), "--table-only"]


# --- chunking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "first"),
    [
        ("aaaa bbbb.\n\ncccc dddd.\neeee ffff.", 30, "aaaa bbbb.\n\ncccc dddd.\n"),  # line
        ("aaaa bbbb.\n\ncccc dddd. eeee ffff.", 20, "aaaa bbbb.\n\n"),  # paragraph
        ("aaaa bbbb. cccc dddd. eeee ffff gggg", 30, "aaaa bbbb. cccc dddd. "),  # sentence
        ("aaaa bbbb cccc dddd eeee ffff gggg", 20, "aaaa bbbb cccc dddd "),  # space
        ("x" * 50, 20, "x" * 20),  # nothing to cut at: the limit
    ],
)
def test_chunks_cut_at_the_best_boundary(text: str, limit: int, first: str) -> None:
    bounds = list(st.chunk_bounds(text, limit))
    assert text[: bounds[0][1]] == first
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a < b <= a + limit for a, b in bounds)
    assert all(b == c for (_, b), (c, _) in zip(bounds, bounds[1:], strict=False))


def test_a_text_that_fits_is_one_chunk() -> None:
    assert list(st.chunk_bounds("abc")) == [(0, 3)]
    assert list(st.chunk_bounds("")) == [(0, 0)]


@pytest.mark.parametrize("piece", [1, 7, 64, 10_000])
def test_streamed_chunks_are_the_in_memory_chunks(piece: int) -> None:
    text = "".join(f"Sentence {i} is here.{' ' if i % 5 else chr(10) * 2}" for i in range(300))
    pieces = [text[i : i + piece] for i in range(0, len(text), piece)]
    expected = [text[a:b] for a, b in st.chunk_bounds(text, 500)]
    assert list(st.iter_text_chunks(pieces, 500)) == expected


def test_restore_long_is_restore_when_it_fits(opts: RestoreOptions) -> None:
    text = f"{SPUN}\n\n{CLEAN}\n"
    assert st.restore_long(text, opts) == restore(text, opts)


def test_restore_long_restores_every_chunk(opts: RestoreOptions) -> None:
    text = f"{SPUN}\n\n" * 40
    out = st.restore_long(text, opts, max_chars=300)
    assert out == "".join(restore(text[a:b], opts) for a, b in st.chunk_bounds(text, 300))
    assert "court docket" not in out and out.count("\n\n") == 40


def test_decoding_errors_name_the_byte_in_the_whole_stream(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(st, "READ_BYTES", 4)
    data = "é" * 11 + "x"  # 22 bytes, pieces cut inside characters
    assert "".join(st.read_text_pieces(io.BytesIO(data.encode()))) == data
    with pytest.raises(UnicodeDecodeError) as info:
        list(st.read_text_pieces(io.BytesIO(b"abcdefghij\xffk")))
    assert info.value.start == 10


# --- records --------------------------------------------------------------------------


def _note(seen: list[tuple[int, str]]):  # noqa: ANN202
    return lambda n, reason: seen.append((n, reason))


def test_restore_records_keeps_or_raises_on_bad_records(opts: RestoreOptions) -> None:
    records = [{"text": "court docket"}, {"body": "x"}, [1], {"text": None}]
    seen: list[tuple[int, str]] = []
    out = list(st.restore_records(records, options=opts, errors="keep", on_error=_note(seen)))
    assert out == [{"text": "court"}, {"body": "x"}, [1], {"text": None}]
    assert [n for n, _ in seen] == [2, 3, 4] and "null, not a string" in seen[2][1]
    with pytest.raises(st.RecordError, match="record 2: no field 'text'"):
        list(st.restore_records(records, options=opts, errors="raise"))
    with pytest.raises(ValueError, match="errors"):
        list(st.restore_records(records, errors="ignore"))  # type: ignore[arg-type]


def test_restore_records_is_reexported_and_takes_several_fields(opts: RestoreOptions) -> None:
    assert pipelines_restore_records is st.restore_records
    record = {"title": "Court docket news", "body": "in keeping with it", "n": 1}
    (out,) = pipelines_restore_records([record], field=["title", "body"], options=opts)
    assert out == {"title": "Court news", "body": "according to it", "n": 1}


def test_annotate_adds_spin_edits_and_signature(opts: RestoreOptions) -> None:
    (out,) = st.restore_records([{"text": SPUN}], options=opts, annotate=True)
    note = out["unspin"]
    assert note["edits"] == {"text": 2} and note["signature"].startswith("unspin:")
    assert 0.5 <= note["spin"]["text"] <= 1.0
    assert out["text"] == restore(SPUN, opts)


def test_jsonl_lines_all_come_out_in_order(opts: RestoreOptions) -> None:
    lines = [
        json.dumps({"id": 1, "text": SPUN}) + "\r\n",
        b"{oops\n",
        "\n",
        '{"text":  "unchanged  spacing",  "k": 1.50}\n',  # not re-serialized
        json.dumps({"text": 3}) + "\n",
        b"\xff\xfe\n",
        json.dumps({"text": "court docket \ud800"}) + "\n",  # lone surrogate, escaped
        json.dumps({"id": 9, "text": "court docket"}),  # no final newline
    ]
    raw = [x if isinstance(x, bytes) else x.encode() for x in lines]
    results = list(st.restore_jsonl_lines(raw, "text", opts))
    assert [r.lineno for r in results] == list(range(1, 9))
    assert [r.problem is not None for r in results] == [0, 1, 0, 0, 1, 1, 0, 0]
    for r, line in zip(results, raw, strict=True):
        if r.problem is not None or r.lineno in (3, 4):
            assert r.data == line  # byte for byte
    assert json.loads(results[0].data) == {"id": 1, "text": restore(SPUN, opts)}
    assert results[0].data.endswith(b"\r\n") and results[7].data == b'{"id": 9, "text": "court"}'
    assert json.loads(results[6].data)["text"] == "court \ud800"


def test_restore_jsonl_text_raises_on_the_first_bad_line(opts: RestoreOptions) -> None:
    with pytest.raises(st.RecordError, match="src, line 2: not valid JSON"):
        st.restore_jsonl_text('{"text": "a"}\n{nope\n', "text", opts, source="src")


# --- the command line -----------------------------------------------------------------


def _mixed_jsonl(n: int = 30) -> tuple[str, list[int]]:
    lines, bad = [], []
    for i in range(1, n + 1):
        if i % 7 == 0:
            lines.append(f'{{"id": {i}, "text": "cut off\n')
            bad.append(i)
        elif i % 11 == 0:
            lines.append(json.dumps({"id": i, "body": SPUN}) + "\n")
            bad.append(i)
        else:
            lines.append(json.dumps({"id": i, "text": SPUN if i % 2 else CLEAN}) + "\n")
    return "".join(lines), bad


def test_cli_jsonl_never_loses_a_record(small_table: Path, tmp_path: Path) -> None:
    text, bad = _mixed_jsonl()
    result = runner.invoke(app, ["restore", "--jsonl", *_table_args(small_table)], input=text)
    assert result.exit_code == EXIT_PASSED_THROUGH
    out = result.stdout.splitlines(keepends=True)
    src = text.splitlines(keepends=True)
    assert len(out) == len(src)
    for n, (line_in, line_out) in enumerate(zip(src, out, strict=True), start=1):
        if n in bad:
            assert line_out == line_in
            assert f"line {n}:" in result.stderr
        else:
            record = json.loads(line_in)
            alone = runner.invoke(app, ["restore", *_table_args(small_table)], input=record["text"])
            assert json.loads(line_out) == {**record, "text": alone.stdout}
    assert f"{len(bad)} malformed lines passed through" in result.stderr
    assert "exit" in runner.invoke(app, ["restore", "--help"]).stdout.lower()


def test_cli_strict_stops_after_writing_every_earlier_record(small_table: Path) -> None:
    text, bad = _mixed_jsonl()
    result = runner.invoke(
        app, ["restore", "--jsonl", "--strict", *_table_args(small_table)], input=text
    )
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == bad[0] - 1
    assert f"line {bad[0]}:" in result.stderr and "Traceback" not in result.output


def test_cli_jsonl_several_fields_and_annotate(small_table: Path) -> None:
    line = json.dumps({"title": "Court docket", "body": "in keeping with", "x": 1}) + "\n"
    args = ["restore", "--jsonl", "--field", "title", "--field", "body", "--annotate"]
    result = runner.invoke(app, [*args, *_table_args(small_table)], input=line)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["title"], out["body"], out["x"]) == ("Court", "according to", 1)
    assert set(out["unspin"]) == {"spin", "edits", "signature"}
    assert out["unspin"]["edits"] == {"title": 1, "body": 1}


def test_cli_jsonl_output_file_in_place(small_table: Path, tmp_path: Path) -> None:
    src = tmp_path / "items.jsonl"
    text, _ = _mixed_jsonl(10)
    src.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["restore", "--jsonl", "-i", str(src), *_table_args(small_table)])
    assert result.exit_code == EXIT_PASSED_THROUGH
    assert (tmp_path / "items.jsonl.orig").read_text(encoding="utf-8") == text
    assert len(src.read_text(encoding="utf-8").splitlines()) == 10
    assert "court docket" not in src.read_text(encoding="utf-8")


def test_cli_plain_text_in_chunks(
    small_table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(st, "CHUNK_CHARS", 400)
    monkeypatch.setattr(st, "READ_BYTES", 97)
    text = f"{SPUN}\r\n{CLEAN}\n\n" * 30
    result = runner.invoke(app, ["restore", *_table_args(small_table)], input=text)
    assert result.exit_code == 0, result.output
    opts = RestoreOptions(tables=(small_table,), thorough=False)
    out = result.stdout_bytes.decode()  # (.stdout turns \r\n into \n)
    assert out == st.restore_long(text, opts, max_chars=400)
    assert out.count("\r\n") == 30 and "court docket" not in out
    explained = runner.invoke(app, ["explain", *_table_args(small_table)], input=text)
    edits = [json.loads(line) for line in explained.stdout.splitlines()]
    assert len(edits) == 60
    assert all(text[e["start"] : e["end"]] == e["found"] for e in edits)


def test_progress_is_silent_off_a_terminal(small_table: Path) -> None:
    text, _ = _mixed_jsonl(5)
    result = runner.invoke(app, ["restore", "--jsonl", *_table_args(small_table)], input=text)
    assert "records" not in result.stderr and "\r" not in result.stderr


def test_a_real_pipe_gets_each_record_before_the_next_is_sent(small_table: Path) -> None:
    """Constant memory and flushing: record 1 comes out while stdin is still open."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "unspin.cli", "restore", "--jsonl", *_table_args(small_table)]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write((json.dumps({"text": "court docket"}) + "\n").encode())
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no output while the stream was still open"
        assert json.loads(proc.stdout.readline()) == {"text": "court"}
        proc.stdin.write(b"{bad\n")
        proc.stdin.close()
        assert proc.stdout.read() == b"{bad\n"
        assert proc.wait(60) == EXIT_PASSED_THROUGH
    finally:
        proc.kill()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("quiet", "shown"), [(False, True), (True, False)])
def test_progress_on_a_terminal_unless_quiet(
    quiet: bool, shown: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspin.pipelines.files import TerminalProgress

    err = _Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    bar = TerminalProgress(None, " records", quiet, desc="input")
    for _ in range(3):
        bar.update()
    bar.close()
    assert ("input: " in err.getvalue() and "records" in err.getvalue()) is shown
    small = TerminalProgress(100, "B", quiet, after=1_000)  # input within one chunk: no bar
    small.update(100)
    small.close()
    assert "100B" not in err.getvalue()


@pytest.mark.parametrize(
    "style",
    [
        {},
        {"ensure_ascii": False},
        {"separators": (",", ":")},
        {"separators": (",", ":"), "ensure_ascii": False},
    ],
)
def test_a_restored_record_keeps_its_line_style(style: dict, opts: RestoreOptions) -> None:
    record = {"id": 1, "title": "Café “news”", "text": "the court docket"}
    line = (json.dumps(record, **style) + "\n").encode()
    (result,) = st.restore_jsonl_lines([line], "text", opts)
    assert result.data == (json.dumps({**record, "text": "the court"}, **style) + "\n").encode()


def test_odd_json_is_passed_through(opts: RestoreOptions, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        b"[" * 100_000 + b"\n",  # nested too deep for the parser
        b'{"text": "court docket", "n": ' + b"1" * 5_000 + b"}\n",  # int too long to read
        b'{"text": "court docket", "x": NaN}\n',  # Python's json reads and writes NaN
    ]
    results = list(st.restore_jsonl_lines(lines, "text", opts))
    assert [r.data for r in results[:2]] == lines[:2]
    assert all("not valid JSON" in (r.problem or "") for r in results[:2])
    assert results[2].problem is None and results[2].data == b'{"text": "court", "x": NaN}\n'


def test_a_bug_on_one_record_does_not_stop_the_stream(
    opts: RestoreOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = st._restore_parts

    def flaky(record, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if record.get("id") == 2:
            raise RuntimeError("simulated bug")
        return real(record, *args, **kwargs)

    monkeypatch.setattr(st, "_restore_parts", flaky)
    lines = [(json.dumps({"id": i, "text": "court docket"}) + "\n").encode() for i in (1, 2, 3)]
    results = list(st.restore_jsonl_lines(lines, "text", opts))
    assert [r.problem is None for r in results] == [True, False, True]
    assert results[1].data == lines[1] and "simulated bug" in (results[1].problem or "")


def test_a_record_with_fields_in_several_chunks_is_written_whole(
    opts: RestoreOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(st, "CHUNK_CHARS", 50)
    record = {"a": 1, "body": "Café “court docket”.\n\n" * 9, "title": "court docket"}
    expected = {**record, "body": "Café “court”.\n\n" * 9, "title": "court"}
    for style in st._STYLES:
        line = (json.dumps(record, **style) + "\n").encode()
        (result,) = st.restore_jsonl_lines([line], ["title", "body"], opts)
        assert result.data == (json.dumps(expected, **style) + "\n").encode()
    # Raw UTF-8 and a lone surrogate's escape: no style writes that back; escaped ASCII does.
    line = '{"a": "Café", "title": "court docket \\ud800"}\n'.encode()
    (result,) = st.restore_jsonl_lines([line], "title", opts)
    assert json.loads(result.data) == {"a": "Café", "title": "court \ud800"}
    assert result.data.isascii()
