"""The command line, through typer's runner and one real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin.cli import app

runner = CliRunner()
SPUN = "The lawsuit was filed in federal court docket in keeping with the rules.\n"


def test_stdin_to_stdout(small_table: Path) -> None:
    result = runner.invoke(
        app, ["restore", "--table", str(small_table), "--table-only"], input=SPUN
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "The lawsuit was filed in federal court according to the rules.\n"


def test_file_and_output_dir(small_table: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SPUN, encoding="utf-8")
    b.write_text("Clean text.\r\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["restore", str(a), str(b), "-o", str(out), "-t", str(small_table), "--table-only"]
    )
    assert result.exit_code == 0, result.output
    assert "according to" in (out / "a.txt").read_text(encoding="utf-8")
    assert (out / "b.txt").read_bytes() == b"Clean text.\r\n"


def test_several_files_need_a_destination(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["restore", str(a), str(a)])
    assert result.exit_code == 2
    assert "--output-dir" in result.output


def test_in_place_keeps_a_backup(small_table: Path, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text(SPUN, encoding="utf-8")
    result = runner.invoke(app, ["restore", "-i", str(a), "-t", str(small_table), "--table-only"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == SPUN
    assert "according to" in a.read_text(encoding="utf-8")


def test_undecodable_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 court docket")
    result = runner.invoke(app, ["restore", str(bad)])
    assert result.exit_code == 1
    assert "not valid utf-8" in result.output and "--encoding" in result.output
    ok = runner.invoke(app, ["restore", str(bad), "--encoding", "latin-1", "--no-lm"])
    assert ok.exit_code == 0
    assert ok.stdout_bytes == b"caf\xe9 court"  # written back in the same encoding


def test_missing_file_and_bad_table(tmp_path: Path) -> None:
    result = runner.invoke(app, ["restore", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "nope.txt" in result.output
    table = tmp_path / "t.tsv"
    table.write_text("not a table\n", encoding="utf-8")
    result = runner.invoke(app, ["restore", "-t", str(table)], input="x")
    assert result.exit_code == 1 and "line 1" in result.output
    result = runner.invoke(app, ["restore", "-t", str(tmp_path / "none.tsv")], input="x")
    assert result.exit_code == 1 and "unspin learn" in result.output


def test_explain_prints_json_lines(small_table: Path) -> None:
    result = runner.invoke(
        app, ["explain", "-", "-t", str(small_table), "--table-only"], input=SPUN
    )
    assert result.exit_code == 0, result.output
    edits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["found"], e["restored"]) for e in edits] == [
        ("court docket", "court"),
        ("in keeping with", "according to"),
    ]
    assert SPUN[edits[0]["start"] : edits[0]["end"]] == "court docket"


def test_jsonl_mode(small_table: Path) -> None:
    lines = json.dumps({"id": 7, "body": "in keeping with"}) + "\n"
    result = runner.invoke(
        app,
        ["restore", "--jsonl", "--field", "body", "-t", str(small_table), "--table-only"],
        input=lines,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": 7, "body": "according to"}
    bad = runner.invoke(app, ["restore", "--jsonl"], input="{oops\n")
    assert bad.exit_code == 3 and "line 1" in bad.stderr
    assert bad.stdout == "{oops\n"  # passed through, not lost
    strict = runner.invoke(app, ["restore", "--jsonl", "--strict"], input="{oops\n")
    assert strict.exit_code == 1 and strict.stdout == ""


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("unspin:")


def test_real_subprocess_through_stdin(small_table: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "unspin.cli", "restore", "-t", str(small_table), "--table-only"],
        input=SPUN.encode(),
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert (
        proc.stdout.decode() == "The lawsuit was filed in federal court according to the rules.\n"
    )


def test_margin_makes_restoration_more_cautious(small_table: Path) -> None:
    args = ["restore", "-t", str(small_table), "--table-only"]
    bold = runner.invoke(app, args, input=SPUN)
    cautious = runner.invoke(app, [*args, "--margin", "50"], input=SPUN)
    assert bold.stdout != SPUN
    assert cautious.stdout == SPUN


def test_an_unexpected_failure_is_one_line(
    small_table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restore_module = sys.modules["unspin.restore.api"]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(restore_module, "restore_and_explain", broken)
    monkeypatch.delenv("UNSPIN_DEBUG", raising=False)
    result = runner.invoke(app, ["restore", "-t", str(small_table)], input=SPUN)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "unspin: unexpected RuntimeError: simulated bug (run with UNSPIN_DEBUG=1 for details "
        "and please report it)"
    ]
    monkeypatch.setenv("UNSPIN_DEBUG", "1")
    debug = runner.invoke(app, ["restore", "-t", str(small_table)], input=SPUN)
    assert isinstance(debug.exception, RuntimeError)


def test_a_closed_pipe_is_not_a_traceback(small_table: Path) -> None:
    """`unspin restore big.txt | head -c 10`: the reader goes away early."""
    cmd = [sys.executable, "-m", "unspin.cli", "restore", "--jsonl", "-t", str(small_table)]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.close()
    try:
        proc.stdin.write((json.dumps({"text": SPUN}) + "\n").encode() * 2000)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err, err.decode()
    assert proc.returncode in (1, 141, -13)
