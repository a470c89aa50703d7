"""unspin match: linking each spun copy in a pile to its original (seeds and generated text)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin.cli import app
from unspin.learn.match import PairFeatures, PileIndex, iter_pile, match_pile

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
HEADER = "Posted by admin | Category: World News\nShare on Facebook | Tweet\n\n"
FOOTER = "\n\nRelated posts:\n- Ten things to know today\nCopyright 2024 Daily Farm. All rights.\n"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def names(links) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(Path(k.spun).name, Path(k.original).name) for k in links]


def test_seeds_link_the_spun_copy_to_its_original_only() -> None:
    result = match_pile([SEEDS])
    assert result.documents == 5 and not result.skipped
    assert names(result.links) == [
        ("000_37e887db59ef4590.txt", "001_1d8b1f4f4203ccee.txt")
    ]
    link = result.links[0]
    # 000 copies part of 001's story: part of its words are aligned, many of those differ
    assert 0.3 < link.shared <= 1.0
    assert 0 < link.spun_words < 729


def test_boilerplate_around_a_copy_does_not_stop_it(tmp_path: Path) -> None:
    pile = write(
        tmp_path / "pile",
        {
            "copy.txt": HEADER + seed("000") + FOOTER,
            "original.txt": seed("001"),
            "other.txt": seed("003"),
        },
    )
    assert names(match_pile([pile]).links) == [("copy.txt", "original.txt")]


def test_a_copy_of_part_of_the_original_is_linked(tmp_path: Path) -> None:
    original = seed("001")
    cut = original[: original.rfind(" ", 0, int(0.6 * len(original)))]
    pile = write(tmp_path / "pile", {"copy.txt": seed("000"), "part.txt": cut})
    assert names(match_pile([pile]).links) == [("copy.txt", "part.txt")]


def test_clean_versions_of_one_story_are_not_spun_copies(tmp_path: Path) -> None:
    story = seed("003")
    pile = write(
        tmp_path / "pile",
        {"site_a.txt": story, "site_b.txt": HEADER + story + FOOTER, "x.txt": seed("002")},
    )
    index = PileIndex([pile])
    assert index.links() == []
    # each is the other's clean twin
    assert index.twin(story).clean and not index.twin(story).original


def test_features_tell_spun_clean_and_other_stories_apart() -> None:
    assert PairFeatures(12, 0, 300, 280).kind() == "spun"
    assert PairFeatures(0, 1, 300, 299).kind() == "clean"
    assert PairFeatures(12, 40, 300, 200).kind() is None  # figures and names differ


def test_cli_writes_sorted_json_lines_like_the_api(tmp_path: Path) -> None:
    pile = write(
        tmp_path / "pile",
        {
            "b_copy.txt": seed("000") + FOOTER,
            "a_original.txt": seed("001"),
            "c.txt": seed("003"),
            "d.txt": seed("004"),
        },
    )
    out = tmp_path / "links.jsonl"
    result = CliRunner().invoke(app, ["match", str(pile), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    api = [k.as_json() for k in match_pile([pile]).links]
    assert rows == api
    assert [Path(r["spun"]).name for r in rows] == ["b_copy.txt"]
    assert {"spun", "original", "shared", "spun_words"} <= set(rows[0])
    assert rows == sorted(rows, key=lambda r: (r["spun"], r["original"]))


def test_jsonl_pile_uses_the_id_field_and_skips_bad_entries(tmp_path: Path) -> None:
    pile = tmp_path / "pile.jsonl"
    lines = [
        json.dumps({"key": "copy-1", "body": seed("000")}),
        "this line is not JSON",
        json.dumps({"key": "orig-1", "body": seed("001")}),
        json.dumps({"key": "no-text"}),
        json.dumps({"key": "other", "body": seed("003")}),
    ]
    pile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        app, ["match", str(pile), "--field", "body", "--id-field", "key", "-q"]
    )
    assert result.exit_code == 3  # done, bad entries skipped
    assert "line 2: not valid JSON" in result.output and "line 4" in result.output
    links = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(k["spun"], k["original"]) for k in links] == [("copy-1", "orig-1")]


def test_undecodable_file_is_named_and_skipped(tmp_path: Path) -> None:
    pile = write(tmp_path / "pile", {"a.txt": seed("000"), "b.txt": seed("001")})
    (pile / "bad.txt").write_bytes(b"\xff\xfe caf\xe9 \x80\x81")
    seen: list[str] = []
    docs = list(iter_pile([pile], problem=seen.append))
    assert len(docs) == 2 and len(seen) == 1 and "bad.txt" in seen[0]


def test_a_text_from_outside_the_pile_finds_its_original(tmp_path: Path) -> None:
    pile = write(tmp_path / "pile", {"original.txt": seed("001"), "other.txt": seed("003")})
    index = PileIndex([pile])
    twin = index.twin(HEADER + seed("000"))
    assert twin.original is not None and Path(index.ids[twin.original]).name == "original.txt"
    assert not twin.clean
    assert index.twin(seed("002")) == (None, None, False)  # no twin at all


def test_missing_pile_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["match", str(tmp_path / "nowhere"), "-q"])
    assert result.exit_code == 1 and "no such file" in result.output


@pytest.mark.parametrize("copies", [2])
def test_two_copies_of_one_original_both_link(tmp_path: Path, copies: int) -> None:
    texts = {f"copy{k}.txt": f"Site {k} header line.\n\n" + seed("000") for k in range(copies)}
    pile = write(tmp_path / "pile", {**texts, "original.txt": seed("001")})
    links = names(match_pile([pile]).links)
    assert links == [(f"copy{k}.txt", "original.txt") for k in range(copies)]


def test_shutil_copy_of_pile_gives_same_links(tmp_path: Path) -> None:
    """The links depend on the texts, not on where the pile sits."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    here = [(Path(k.spun).name, Path(k.original).name, k.shared) for k in match_pile([SEEDS]).links]
    there = match_pile([tmp_path / "seeds"]).links
    assert here == [(Path(k.spun).name, Path(k.original).name, k.shared) for k in there]
