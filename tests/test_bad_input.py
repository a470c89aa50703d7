"""Bad input through the API and every command: a correct result or one ``unspin: ...`` line
and exit code 1, never a traceback, and no byte lost."""

from __future__ import annotations

import builtins
import gzip
import json
import os
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner, Result

from unspin import apply_edits, restore, restore_and_explain
from unspin.cli import app
from unspin.options import RestoreOptions
from unspin.pipelines import streaming as st

runner = CliRunner()


class Case(NamedTuple):
    """One kind of input; ``restored`` is what restore must give (None: an error)."""

    name: str
    data: bytes
    restored: bytes | None


SPUN = b"The court docket ruled in keeping with the law."
FOREIGN = (
    "El tribunal dijo que la ley se aplica. Das Gericht entschied. 法院裁定该法律有效。".encode()
)
CASES = [
    Case("empty", b"", b""),
    Case("whitespace", b"  \n\t\r\n  ", b"  \n\t\r\n  "),
    Case("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\xff\xe0" * 20, None),
    Case("invalid-utf8", b"caf\xe9 " + SPUN, None),
    Case("nul-bytes", b"The court docket\x00 ruled\x00.\n", b"The court\x00 ruled\x00.\n"),
    Case(
        "mixed-line-endings",
        b"The court docket ruled.\r\nIn keeping with it.\nOk.\rEnd",
        b"The court ruled.\r\nAccording to it.\nOk.\rEnd",
    ),
    Case(
        "html",
        b'<p class="court docket">The court docket ruled.</p>\n'
        b'<a href="http://example.com/court-docket">in keeping with</a> &amp; '
        b"<!-- court docket --><script>var x = 'court docket';</script>\n",
        b'<p class="court docket">The court ruled.</p>\n'
        b'<a href="http://example.com/court-docket">according to</a> &amp; '
        b"<!-- court docket --><script>var x = 'court docket';</script>\n",
    ),
    Case(
        "markdown",
        b"# News of the court docket\n\nThe court docket ruled, see [the court docket](https://x.org/court_docket)."
        b"\n\n```\nin keeping with = court docket\n```\n\nRun `court docket` in keeping with it.\n",
        b"# News of the court\n\nThe court ruled, see [the court](https://x.org/court_docket)."
        b"\n\n```\nin keeping with = court docket\n```\n\nRun `court docket` according to it.\n",
    ),
    Case("non-english", FOREIGN, FOREIGN),
    Case(
        "emoji-combining",
        "Café 👍 the court docket ruled, e\u0301 👨\u200d👩\u200d👧 in keeping with it.".encode(),
        "Café 👍 the court ruled, e\u0301 👨\u200d👩\u200d👧 according to it.".encode(),
    ),
    Case("control-chars", b"\x1b[1mThe court docket\x1b[0m\x0c ruled.\x07", None),
]
IDS = [c.name for c in CASES]
UNDECODABLE = ("binary", "invalid-utf8")


@pytest.fixture()
def args(small_table: Path) -> list[str]:
    return ["-t", str(small_table), "--table-only", "--min-spin", "0"]


def _one_line_error(result: Result) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("unspin: "), result.stderr


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_restore_and_explain_commands(case: Case, args: list[str], tmp_path: Path) -> None:
    path = tmp_path / f"{case.name}.txt"
    path.write_bytes(case.data)
    result = runner.invoke(app, ["restore", str(path), *args])
    explained = runner.invoke(app, ["explain", str(path), *args])
    if case.name in UNDECODABLE:
        _one_line_error(result)
        _one_line_error(explained)
        assert str(path) in result.stderr and "--errors" in result.stderr
        return
    assert result.exit_code == 0, result.output
    assert explained.exit_code == 0, explained.output
    if case.restored is not None:
        assert result.stdout_bytes == case.restored
    # No byte lost: the output is the input with exactly the explained edits.
    text = case.data.decode("utf-8")
    edits = [json.loads(line) for line in explained.stdout_bytes.decode().splitlines()]
    assert all(text[e["start"] : e["end"]] == e["found"] for e in edits)
    from unspin.restore.engine import Edit

    replay = apply_edits(text, [Edit(**e) for e in edits])
    assert result.stdout_bytes == replay.encode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_score_learn_train_lm_commands(case: Case, tmp_path: Path) -> None:
    path = tmp_path / f"{case.name}.txt"
    path.write_bytes(case.data)
    undecodable = case.name in UNDECODABLE
    score = runner.invoke(app, ["score", str(path), "--no-lm"])
    learn = runner.invoke(app, ["learn", str(path), "-q", "-o", str(tmp_path / "t.tsv")])
    lm = runner.invoke(app, ["train-lm", str(path), "-q", "-o", str(tmp_path / "m.arpa")])
    if undecodable:
        for result in (score, learn, lm):
            _one_line_error(result)
        return
    assert score.exit_code == 0, score.output
    name, value = score.stdout.strip().split("\t")
    assert name == str(path) and 0.0 <= float(value) <= 1.0
    assert learn.exit_code == 0, learn.output
    if case.data.strip():
        assert lm.exit_code == 0, lm.output
    else:
        _one_line_error(lm)  # nothing to train on
        assert "empty" in lm.stderr


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_api(case: Case, small_table: Path) -> None:
    try:
        text = case.data.decode("utf-8")
    except UnicodeDecodeError:
        with pytest.raises(TypeError, match="decode it first"):
            restore(case.data)  # type: ignore[arg-type]
        text = case.data.decode("utf-8", "surrogateescape")
    r = restore_and_explain(text, tables=[small_table], thorough=False, min_spin=0)
    assert apply_edits(text, r.edits) == r.text
    if case.restored is not None:
        assert r.text == case.restored.decode("utf-8")
    assert r.text.encode("utf-8", "surrogateescape").count(b"\x00") == case.data.count(b"\x00")


def test_decoding_errors_replace_or_keep(args: list[str], tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9 " + SPUN)
    replaced = runner.invoke(app, ["restore", str(path), "--errors", "replace", *args])
    assert replaced.exit_code == 0
    assert replaced.stdout_bytes == "caf\ufffd The court ruled according to the law.".encode()
    kept = runner.invoke(app, ["restore", str(path), "--errors", "keep", *args])
    assert kept.exit_code == 0
    assert kept.stdout_bytes == b"caf\xe9 The court ruled according to the law."
    for command in ("explain", "score"):
        ok = runner.invoke(app, [command, str(path), "--errors", "keep"])
        assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["restore", str(path), "--errors", "ignore"])
    assert bad.exit_code == 2 and "--errors" in bad.output


def test_a_long_single_line_is_restored_in_pieces(
    args: list[str], small_table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(st, "CHUNK_CHARS", 2_000)
    line = (SPUN.decode() + " ") * 800  # 38 kB, no line break: cut at sentence ends
    path = tmp_path / "line.txt"
    path.write_text(line, encoding="utf-8")
    result = runner.invoke(app, ["restore", str(path), *args])
    assert result.exit_code == 0, result.output
    out = result.stdout_bytes.decode()
    opts = RestoreOptions(tables=(small_table,), thorough=False, min_spin=0)
    assert out == st.restore_long(line, opts, max_chars=2_000)
    assert "court docket" not in out and out.count("The court ruled ") == 800
    no_space = tmp_path / "blob.txt"
    no_space.write_text("x" * 9_999, encoding="utf-8")  # cut at the limit itself
    blob = runner.invoke(app, ["restore", str(no_space), *args])
    assert blob.stdout_bytes == b"x" * 9_999


@pytest.mark.parametrize(
    "content",
    [
        b"#unspin-table\t1\tname=x\nspun\toriginal\tcount\tkept\tp_restore\tp_channel\tsource\n"
        b"court docket\tcourt\t9\t0\t0.97\t0.3\ttest\nin keeping with\taccor",  # truncated
        b"#unspin-tab",  # truncated header
        b"\x1f\x8b\x08\x00garbage",  # not a table
        b"",
    ],
    ids=["truncated-row", "truncated-header", "binary", "empty"],
)
def test_corrupt_table_names_the_file(content: bytes, tmp_path: Path) -> None:
    table = tmp_path / "broken.tsv"
    table.write_bytes(content)
    for command in (["restore"], ["explain"], ["score"]):
        result = runner.invoke(app, [*command, "-t", str(table)], input="The court docket.")
        _one_line_error(result)
        assert "broken.tsv" in result.stderr
    merged = runner.invoke(app, ["learn", "--merge", str(table), "-o", str(tmp_path / "o.tsv")])
    _one_line_error(merged)
    assert "broken.tsv" in merged.stderr


@pytest.mark.parametrize("kind", ["truncated-gz", "truncated-arpa", "garbage"])
def test_corrupt_language_model_names_the_file(kind: str, tmp_path: Path) -> None:
    good = "\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0\t<s>\t-0.5\n-1.0\t</s>\n-1.0\tcourt\t-0.3\n"
    model = tmp_path / ("lm.arpa.gz" if kind == "truncated-gz" else "lm.arpa")
    if kind == "truncated-gz":
        model.write_bytes(gzip.compress((good + "\n\\end\\\n").encode())[:40])
    elif kind == "truncated-arpa":
        model.write_text(good[:60], encoding="utf-8")
    else:
        model.write_bytes(os.urandom(200))
    result = runner.invoke(app, ["restore", "--lm", str(model)], input="The court docket.")
    _one_line_error(result)
    assert "lm.arpa" in result.stderr


def test_a_folder_where_a_file_is_expected(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "a.txt").write_text("The court docket.", encoding="utf-8")
    for cmd in (
        ["restore", str(folder)],
        ["explain", str(folder)],
        ["score", str(folder)],
        ["restore", "-t", str(folder)],
        ["restore", "--lm", str(folder)],
        ["learn", str(tmp_path / "a.txt"), "-q", "-o", str(folder)],
        ["learn", "--pairs", str(folder), "-q", "-o", str(tmp_path / "t.tsv")],
        ["train-lm", str(tmp_path / "a.txt"), "-q", "-o", str(folder)],
    ):
        result = runner.invoke(app, cmd, input="x")
        _one_line_error(result)
        assert "folder" in result.stderr, cmd


def test_missing_files(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone.txt")
    for cmd in (
        ["restore", gone],
        ["explain", gone],
        ["score", gone],
        ["restore", "--jsonl", gone],
    ):
        result = runner.invoke(app, cmd)
        _one_line_error(result)
        assert "gone.txt" in result.stderr


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Running as root, chmod 000 does not stop reading: the refusal is simulated."""
    path = tmp_path / "secret.txt"
    path.write_text("The court docket.", encoding="utf-8")
    if os.geteuid() != 0:
        path.chmod(0)
    else:
        real_open = builtins.open

        def refuse(file, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *a, **kw)

        monkeypatch.setattr(builtins, "open", refuse)
    try:
        for cmd in (["restore", str(path)], ["explain", str(path)], ["score", str(path)]):
            result = runner.invoke(app, cmd)
            _one_line_error(result)
            assert "secret.txt" in result.stderr and "ermission" in result.stderr
    finally:
        path.chmod(0o644)


def test_api_rejects_what_is_not_text() -> None:
    for value in (b"court docket", bytearray(b"x"), None, 3, ["court docket"]):
        with pytest.raises(TypeError):
            restore(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["truncated", "not-gzip"])
def test_corrupt_gzip_pile_names_the_file(kind: str, tmp_path: Path) -> None:
    pile = tmp_path / "pile.jsonl.gz"
    whole = gzip.compress(b'{"text": "The court docket ruled."}\n' * 200)
    pile.write_bytes(whole[: len(whole) // 2] if kind == "truncated" else b"plain text")
    for cmd in (
        ["learn", str(pile), "-q", "-o", str(tmp_path / "t.tsv")],
        ["train-lm", str(pile), "-q", "-o", str(tmp_path / "m.arpa")],
    ):
        result = runner.invoke(app, cmd)
        _one_line_error(result)
        assert "pile.jsonl.gz" in result.stderr and "gzip" in result.stderr
