"""``unspin index add|stats|remove`` and ``unspin match --refs`` through typer's runner:
reading sources, one text stored once, bad input and exit codes, the spun-reference
check, the output of ``match --refs`` (the processes killed and run at once are in
test_index_processes.py)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin.cli import app

runner = CliRunner()
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
COPY = SEEDS / "000_37e887db59ef4590.txt"  # spinner W's copy of ...
ORIGINAL = SEEDS / "001_1d8b1f4f4203ccee.txt"  # ... this clean (partial) original
OTHER = SEEDS / "003_1aaac26ae96cc3cc.txt"  # a clean story of its own


def story(n: int, words: int = 80) -> str:
    """A clean, distinct text of its own (names and figures a fingerprint can hold)."""
    rng = random.Random(n)
    common = [
        "the",
        "said",
        "company",
        "its",
        "year",
        "would",
        "market",
        "new",
        "sales",
        "rose",
        "shares",
        "board",
    ]
    names = ["".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))]
    names += [f"{rng.randint(10, 999)}.{rng.randint(1, 9)}" for _ in range(3)]
    sentences = []
    for _ in range(words // 10):
        body = [rng.choice(common + [n.capitalize() if n.isalpha() else n for n in names])]
        body += [rng.choice(common + names) for _ in range(9)]
        sentences.append(" ".join(body).capitalize() + ".")
    return f"Story {n}: " + " ".join(sentences)


def add(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["index", "add", "--workers", "0", *args], input=input)


def documents(index: str) -> int:
    result = runner.invoke(app, ["index", "stats", "--index", index])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["documents"])


def test_files_folders_and_stdin_each_text_once(tmp_path: Path) -> None:
    folder = tmp_path / "refs" / "deep"
    folder.mkdir(parents=True)
    for n in range(3):
        (folder / f"{n}.txt").write_text(story(n), encoding="utf-8")
    (folder / "same-as-0.txt").write_text(story(0), encoding="utf-8")
    (folder / "notes.csv").write_text(story(9), encoding="utf-8")  # not a reference kind
    single = tmp_path / "single.text"
    single.write_text(story(4), encoding="utf-8")
    index = str(tmp_path / "refs.unspin")
    result = add(str(tmp_path / "refs"), str(single), "-", "--index", index, input=story(5))
    assert result.exit_code == 0, result.output
    assert "6 references read: 5 added, 1 already in the index" in result.stderr
    assert documents(index) == 5
    again = add(str(tmp_path / "refs"), "--index", index)
    assert again.exit_code == 0, again.output
    assert "0 added, 4 already in the index" in again.stderr
    assert documents(index) == 5


def test_jsonl_fields_and_ids(tmp_path: Path) -> None:
    lines = [{"key": "a", "body": story(1)}, {"body": story(2)}, {"key": 7, "body": story(1)}]
    data = tmp_path / "refs.data"  # not named .jsonl: --jsonl says what it is
    data.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    index = str(tmp_path / "refs.unspin")
    result = add(str(data), "--jsonl", "--field", "body", "--id-field", "key", "--index", index)
    assert result.exit_code == 0, result.output
    assert "2 added, 1 already in the index" in result.stderr
    # ids: the id field, else FILE:LINE; the repeated text was not stored under "7"
    assert runner.invoke(app, ["index", "remove", "7", "--index", index]).exit_code == 3
    gone = runner.invoke(app, ["index", "remove", f"{data}:2", "a", "--index", index])
    assert gone.exit_code == 0, gone.output
    assert "2 references removed" in gone.stderr
    assert documents(index) == 0


def test_jsonl_from_stdin_and_gz_files_in_folders(tmp_path: Path) -> None:
    import gzip

    with gzip.open(tmp_path / "refs.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "g1", "text": story(1)}) + "\n")
    index = str(tmp_path / "refs.unspin")
    stdin = json.dumps({"id": "s2", "text": story(2)}) + "\n"
    result = add(str(tmp_path), "-", "--jsonl", "--index", index, input=stdin)
    assert result.exit_code == 0, result.output
    assert documents(index) == 2


def test_workers_store_the_same(tmp_path: Path) -> None:
    for n in range(30):
        (tmp_path / f"{n}.txt").write_text(story(n % 20), encoding="utf-8")
    alone, pooled = str(tmp_path / "a.unspin"), str(tmp_path / "b.unspin")
    assert add(str(tmp_path), "--index", alone).exit_code == 0
    result = runner.invoke(
        app, ["index", "add", str(tmp_path), "--index", pooled, "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert documents(alone) == documents(pooled) == 20
    rows = [
        sorted(sqlite3.connect(p).execute("SELECT ref_id, digest FROM unspin_refs"))
        for p in (alone, pooled)
    ]
    assert rows[0] == rows[1]


def test_unreadable_and_undecodable_are_named_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(story(1), encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes(story(2).encode("utf-8") + b" caf\xe9")
    (tmp_path / "lines.jsonl").write_text(
        f'{{"text": {json.dumps(story(3))}}}\nnot json\n{{"title": "no text"}}\n',
        encoding="utf-8",
    )
    index = str(tmp_path / "refs.unspin")
    result = add(str(tmp_path), "--index", index)
    assert result.exit_code == 3, result.output
    assert "latin.txt: not valid utf-8" in result.stderr
    assert "lines.jsonl, line 2: not valid JSON; skipped" in result.stderr
    assert "lines.jsonl, line 3: no text field 'text'; skipped" in result.stderr
    assert "Traceback" not in result.output
    assert documents(index) == 2
    latin = add(str(tmp_path / "latin.txt"), "--encoding", "latin-1", "--index", index)
    assert latin.exit_code == 0, latin.output
    assert documents(index) == 3


def test_missing_source_adds_nothing(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(story(1), encoding="utf-8")
    index = tmp_path / "refs.unspin"
    result = add(str(tmp_path / "good.txt"), str(tmp_path / "gone"), "--index", str(index))
    assert result.exit_code == 1
    assert "gone: no such file or folder" in result.stderr
    assert not index.exists()


def test_not_an_index_and_other_versions(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(story(1), encoding="utf-8")
    source = str(tmp_path / "good.txt")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("just text\n", encoding="utf-8")
    for command in (["index", "add", source], ["index", "stats"], ["match", source, "--refs"]):
        if command[0] != "match":
            command = [*command, "--index"]
        result = runner.invoke(app, [*command, str(text_file)])
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.count("\n") == 1, result.stderr
        assert f"{text_file}: not an unspin index" in result.stderr
    assert text_file.read_text(encoding="utf-8") == "just text\n"

    index = str(tmp_path / "refs.unspin")
    assert add(source, "--index", index).exit_code == 0
    db = sqlite3.connect(index)
    db.execute("UPDATE unspin_meta SET value = 'other:9' WHERE name = 'fingerprint'")
    db.commit()
    result = add(source, "--index", index)
    assert result.exit_code == 1
    assert "built with fingerprint other:9" in result.stderr and "rebuild it" in result.stderr
    db.execute("UPDATE unspin_meta SET value = '99' WHERE name = 'format_version'")
    db.commit()
    for command in (["index", "add", source], ["index", "stats"], ["index", "remove", "x"]):
        result = runner.invoke(app, [*command, "--index", index])
        assert result.exit_code == 1, result.output
        assert "index format 99, this unspin reads format 1" in result.stderr
    missing = runner.invoke(app, ["index", "stats", "--index", str(tmp_path / "none.unspin")])
    assert missing.exit_code == 1 and "no index there" in missing.stderr


def test_a_reference_that_looks_spun_is_named_and_kept_only_with_the_flag(tmp_path: Path) -> None:
    spun = story(2).replace("Story 2:", "Sales rose 6.nine pct to one.27 billion dlrs.")
    (tmp_path / "spun.txt").write_text(spun, encoding="utf-8")
    (tmp_path / "clean.txt").write_text(story(1), encoding="utf-8")
    index = str(tmp_path / "refs.unspin")
    result = add(str(tmp_path), "--index", index)
    assert result.exit_code == 3, result.output
    assert "spun.txt: looks spun, a figure partly written in words (6.nine)" in result.stderr
    assert documents(index) == 1
    kept = add(str(tmp_path), "--index", index, "--keep-spun")
    assert kept.exit_code == 0, kept.output
    assert "looks spun" in kept.stderr and "kept (--keep-spun)" in kept.stderr
    assert documents(index) == 2


def test_stats_is_one_json_object(tmp_path: Path) -> None:
    index = str(tmp_path / "refs.unspin")
    assert add("-", "--index", index, input=story(1)).exit_code == 0
    result = runner.invoke(app, ["index", "stats", "--index", index])
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    stats = json.loads(result.stdout)
    assert stats["documents"] == 1
    assert stats["text_bytes"] == len(story(1).encode("utf-8"))
    assert stats["backend"] == "sqlite"


def test_match_refs_writes_a_line_per_linked_input(tmp_path: Path) -> None:
    index = str(tmp_path / "refs.unspin")
    assert add(str(ORIGINAL), str(OTHER), "--index", index).exit_code == 0
    links = tmp_path / "links.jsonl"
    unrelated = tmp_path / "unrelated.txt"
    unrelated.write_text(story(3), encoding="utf-8")
    inputs = [str(COPY), str(ORIGINAL), str(OTHER), str(unrelated)]
    result = runner.invoke(app, ["match", "--refs", index, *inputs, "--output", str(links)])
    assert result.exit_code == 0, result.output
    assert "4 inputs: 1 linked, 2 clean" in result.stderr and "1 without a twin" in result.stderr
    lines = [json.loads(line) for line in links.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    link = lines[0]
    assert set(link) == {"spun", "original", "coverage", "similarity"}
    assert (link["spun"], link["original"]) == (str(COPY), str(ORIGINAL))
    assert 0.5 < link["coverage"] <= 1 and 0.5 < link["similarity"] < 1


def test_match_refs_reads_jsonl_from_stdin_and_names_bad_lines(tmp_path: Path) -> None:
    index = str(tmp_path / "refs.unspin")
    assert add(str(ORIGINAL), "--index", index).exit_code == 0
    stdin = json.dumps({"id": "c1", "text": COPY.read_text(encoding="utf-8")}) + "\nnope\n"
    result = runner.invoke(app, ["match", "--refs", index, "-", "--jsonl", "--no-lm"], input=stdin)
    assert result.exit_code == 3, result.output
    assert "standard input, line 2: not valid JSON; skipped" in result.stderr
    assert json.loads(result.stdout) == {
        "spun": "c1",
        "original": str(ORIGINAL),
        **{k: json.loads(result.stdout)[k] for k in ("coverage", "similarity")},
    }


def test_pile_only_flags_need_refs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["match", str(SEEDS), "--jsonl"])
    assert result.exit_code == 2
    assert "--jsonl, --no-lm and --dask go with --refs" in result.stderr


def test_remove_says_what_it_did(tmp_path: Path) -> None:
    index = str(tmp_path / "refs.unspin")
    assert add("-", "--index", index, input=story(1)).exit_code == 0
    result = runner.invoke(app, ["index", "remove", "-", "nope", "--index", index])
    assert result.exit_code == 3
    assert "nope: no reference with this id" in result.stderr
    assert "1 reference removed" in result.stderr
    assert documents(index) == 0


@pytest.mark.parametrize("command", ["add", "stats", "remove"])
def test_every_command_needs_an_index(command: str) -> None:
    result = runner.invoke(app, ["index", command, *(["x"] if command != "stats" else [])])
    assert result.exit_code == 2
    assert "--index" in result.output


def test_index_url_works_where_a_path_does(index_location: str, tmp_path: Path) -> None:
    assert add(str(ORIGINAL), str(OTHER), "--index", index_location).exit_code == 0
    assert add(str(ORIGINAL), "--index", index_location).exit_code == 0
    assert documents(index_location) == 2
    result = runner.invoke(app, ["match", "--refs", index_location, str(COPY), "--no-lm"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["original"] == str(ORIGINAL)
    gone = runner.invoke(app, ["index", "remove", str(OTHER), "--index", index_location])
    assert gone.exit_code == 0 and documents(index_location) == 1
