"""unspin.learn.table_file: ``unspin learn`` from Python (learn_table, merge_tables)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin.cli import app
from unspin.errors import AdaptError, OptionError, UnspinError
from unspin.learn import TableWritten, learn_table, merge_tables
from unspin.models.table import load_table

STORIES = [
    "The lawyers told the judge that the demand was unlawful, according to court papers. "
    "The company said it would turn over nothing until the court had ruled on the demand.",
    "Their lawyers have told reporters that the bank had hidden the fees, according to the "
    "filing. The bank said it would fight the claims in court and expected to win the case.",
]
SPIN = {
    "lawyers": "attorneys",
    "told": "advised",
    "judge": "choose",
    "according to": "in keeping with",
}


def _spin(text: str) -> str:
    for found, repl in SPIN.items():
        text = re.sub(rf"\b{found}\b", repl, text)
    return text


@pytest.fixture
def pile(tmp_path: Path) -> Path:
    folder = tmp_path / "pile"
    folder.mkdir()
    for n, story in enumerate(STORIES):
        (folder / f"{n}.txt").write_text(story, encoding="utf-8")
        (folder / f"{n}_spun.txt").write_text(_spin(story), encoding="utf-8")
    return folder


def test_learn_table_writes_what_unspin_learn_writes(pile: Path, tmp_path: Path) -> None:
    cli_out, py_out = tmp_path / "cli.tsv", tmp_path / "py.tsv"
    args = ["learn", str(pile), "-o", str(cli_out), "--pile-min-count", "1"]
    result = CliRunner().invoke(app, [*args, "--comment", "CC BY-SA", "--name", "mine"])
    assert result.exit_code == 0, result.output
    messages: list[str] = []
    written = learn_table(
        [pile],
        py_out,
        pile_min_count=1,
        comments=["CC BY-SA"],
        name="mine",
        report=messages.append,
    )
    assert py_out.read_bytes() == cli_out.read_bytes()
    assert written.rows == len(load_table(py_out).entries) > 0
    assert {e.spun for e in load_table(py_out).entries} >= {"attorneys", "choose"}
    # the same reports as the command's stderr, in its order: learned, then written
    assert messages[0].startswith("documents read:        4")
    assert messages[1] == written.format() and written.format().startswith("wrote ")
    assert written.learned is not None and written.learned.summary.documents == 4
    assert written.adapted is None


def test_learn_table_is_silent_without_report(pile: Path, tmp_path: Path, capsys) -> None:
    learn_table([pile], tmp_path / "t.tsv", pile_min_count=1)
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"min_count": 0}, "min_count and pile_min_count must be at least 1"),
        ({"pile_min_count": 0}, "min_count and pile_min_count must be at least 1"),
        ({"method": "guessed"}, "method must be one of aligned, "),
        ({"reference_free": "maybe"}, "reference_free must be auto, on or off, not 'maybe'"),
        ({"lm_weight": 1.0}, "lm_weight must be between 0 and 1 (exclusive), not 1.0"),
    ],
)
def test_bad_values_raise_before_anything_is_written(
    pile: Path, tmp_path: Path, kwargs: dict, named: str
) -> None:
    out = tmp_path / "t.tsv"
    with pytest.raises(OptionError) as caught:
        learn_table([pile], out, **kwargs)
    assert str(caught.value).startswith(named)
    assert isinstance(caught.value, ValueError) and not out.exists()


def test_option_errors_name_flags_on_the_command_line() -> None:
    with pytest.raises(OptionError) as caught:
        learn_table([], Path("never.tsv"))
    assert str(caught.value) == "nothing to learn from: give paths, pairs or phrases"
    flagged = caught.value.naming(lambda p: "PATHS" if p == "paths" else f"--{p}")
    assert flagged == "nothing to learn from: give PATHS, --pairs or --phrases"


def test_merge_tables_sums_counts_as_unspin_learn_merge(pile: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.tsv"
    learn_table([pile], one, pile_min_count=1)
    cli_out, py_out = tmp_path / "cli.tsv", tmp_path / "py.tsv"
    args = ["learn", "--merge", str(one), str(one), "-o", str(cli_out), "--name", "m"]
    assert CliRunner().invoke(app, args).exit_code == 0
    written = merge_tables([one, one], py_out, name="m")
    assert isinstance(written, TableWritten) and written.learned is None
    assert py_out.read_bytes() == cli_out.read_bytes()
    counts = {(e.spun, e.original): e.count for e in load_table(one).entries}
    merged = {(e.spun, e.original): e.count for e in load_table(py_out).entries}
    assert merged == {pair: 2 * n for pair, n in counts.items()}
    merge_tables([one, one], py_out, method="mixed")
    assert load_table(py_out).method == "mixed" and load_table(py_out).name == "py"
    with pytest.raises(OptionError):
        merge_tables([one], py_out, method="guessed")


def test_a_missing_table_to_merge_is_an_unspin_error(tmp_path: Path) -> None:
    with pytest.raises(UnspinError, match="nothere.tsv"):
        merge_tables([tmp_path / "nothere.tsv"], tmp_path / "m.tsv")


def test_adapting_a_model_without_clean_text_is_an_adapt_error(tmp_path: Path) -> None:
    phrases = tmp_path / "phrases.tsv"
    phrases.write_text("court docket\tcourt\n", encoding="utf-8")
    out = tmp_path / "t.tsv"
    with pytest.raises(AdaptError, match="no clean text"):
        learn_table(output=out, phrases=[phrases], lm_output=tmp_path / "m.arpa")
    assert out.exists()  # the table was written before the model was tried
