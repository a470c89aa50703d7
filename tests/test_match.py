"""unspin match: linking each spun copy in a pile to its original (seeds and generated text)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin.cli import app
from unspin.twins.link_choice import WEAK_MARGIN, choose_links
from unspin.twins.match import PairFeatures, PileIndex, iter_pile, match_pile
from unspin.twins.pairing import Edge

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
    assert names(result.links) == [("000_37e887db59ef4590.txt", "001_1d8b1f4f4203ccee.txt")]
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
    result = runner.invoke(app, ["match", str(pile), "--field", "body", "--id-field", "key", "-q"])
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


@pytest.mark.parametrize("settled", [1.0, -1.0])
def test_an_outside_texts_unsure_side_needs_settling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: float
) -> None:
    """Every side counted weak: the outside copy takes the pile's original only if
    ``settle`` reads the copy as the spun one."""
    from unspin.twins import link_choice

    monkeypatch.setattr(link_choice, "WEAK_MARGIN", float("inf"))
    pile = write(tmp_path / "pile", {"original.txt": seed("001"), "other.txt": seed("003")})
    asked: list[int] = []
    index = PileIndex([pile], settle=lambda e: asked.append(e.clean) or settled)
    twin = index.twin(HEADER + seed("000"))
    assert asked and (twin.original is not None) == (settled > 0)


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


def _jsonl_pile(path: Path, records: list[tuple[str, str]]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in records), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize("first", ["zz-early", "aa-late"])
def test_identical_originals_the_piles_first_wins(tmp_path: Path, first: str) -> None:
    """Two identical originals: the copy links to the one read first, whatever its id."""
    other = "aa-late" if first == "zz-early" else "zz-early"
    copy = HEADER + seed("000")
    for order in ([first, other, "copy"], ["copy", first, other]):
        texts = {first: seed("001"), other: seed("001"), "copy": copy}
        pile = _jsonl_pile(tmp_path / "pile.jsonl", [(i, texts[i]) for i in order])
        assert names(match_pile([pile]).links) == [("copy", first)]


def test_a_whole_original_is_preferred_to_its_cut_copy(tmp_path: Path) -> None:
    """A cut original and the whole one hold the same text: the whole one, sharing more of
    the copy's words, is linked even when the cut one comes first."""
    original = seed("001")
    cut = original[: original.rfind(" ", 0, int(0.6 * len(original)))]
    copy = HEADER + seed("000")
    records = [("cut", cut), ("whole", original), ("copy", copy)]
    assert names(match_pile([_jsonl_pile(tmp_path / "p.jsonl", records)]).links) == [
        ("copy", "whole")
    ]


def _edge(spun: int, clean: int, margin: float) -> Edge:
    return Edge(spun, clean, margin, 1.0, None)  # type: ignore[arg-type]


def test_weak_or_contested_links_need_settling() -> None:
    strong, weak = _edge(1, 0, WEAK_MARGIN + 1), _edge(3, 2, WEAK_MARGIN / 2)
    asked: list[tuple[int, int]] = []

    def settle(answer: float):  # type: ignore[no-untyped-def]
        def answering(e: Edge) -> float:
            asked.append((e.spun, e.clean))
            return answer

        return answering

    def chosen(edges: list[Edge], answer: float | None) -> list[tuple[int, int]]:
        settling = None if answer is None else settle(answer)
        links = choose_links(edges, {}, lambda a, b: False, settling)
        return [(e.spun, e.clean) for e in links]

    assert chosen([strong, weak], 0.1) == [(1, 0), (3, 2)] and asked == [(3, 2)]
    assert chosen([strong, weak], -0.1) == [(1, 0)]  # settle reads 2 as the spun one
    assert chosen([strong, weak], None) == [(1, 0)]  # no settle: weak links are dropped
    # 5 looks spun on balance, but is 4's original with as much evidence as it is 4's copy:
    # contested, so settle is asked even though the margin is strong
    asked.clear()
    strong_margin = WEAK_MARGIN + 1
    contested = [_edge(5, 4, strong_margin), _edge(5, 6, strong_margin), _edge(4, 5, strong_margin)]
    assert chosen(contested, -0.1) == [] and (5, 4) in asked
    assert len(chosen(contested, 0.1)) == 1


def test_a_copy_is_not_linked_to_a_document_that_looks_spun() -> None:
    """Two copies of one story (0 the original): the closer copy is no one's original."""
    edges = [_edge(1, 0, 3.0), _edge(2, 0, 3.0), _edge(2, 1, 2.5), _edge(1, 2, 0.1)]
    equal = {(1, 0): 100, (2, 0): 90, (2, 1): 95, (1, 2): 95}
    links = choose_links(edges, equal, lambda a, b: False, lambda e: 1.0)
    assert [(e.spun, e.clean) for e in links] == [(1, 0), (2, 0)]


# ---------------------------------------------------------------- restore --pile


def test_restore_from_twin_takes_the_originals_words_and_keeps_the_copys_lines(
    tmp_path: Path,
) -> None:
    from unspin.twins.pile_restore import PileRestorer

    original = seed("001")
    copy = HEADER + seed("000") + FOOTER
    pile = write(tmp_path / "pile", {"copy.txt": copy, "original.txt": original})
    restorer = PileRestorer([pile])
    try:
        done = restorer.restore(copy)
        assert done.how == "twin" and Path(done.twin or "").name == "original.txt"
        text = done.restoration.text
        assert text.startswith(HEADER) and text.endswith(FOOTER)  # the copy's own lines
        twin = [e for e in done.restoration.edits if e.source.startswith("twin:")]
        assert twin and all(e.restored in original for e in twin)
        # sentences of the original come back word for word (000 rewrote some of them)
        from unspin.twins.align import prepare

        sentences = [
            original[x.tokens[0].start : x.tokens[-1].end] for x in prepare(original).sentences
        ]
        assert sum(x in text for x in sentences) > sum(x in copy for x in sentences) + 3
        # the edits replay
        from unspin.restore.api import apply_edits

        assert apply_edits(copy, done.restoration.edits) == text
        # clean texts come back byte-identical
        assert restorer.restore(original).restoration.text == original
        assert restorer.restore(original).how == "clean"
    finally:
        restorer.close()


STORY = [
    "The lawyers told a federal judge on Friday that the company would appeal the ruling.",
    "The judge said she would decide next week whether the case could go to trial.",
    "According to court papers, the company had asked the court to dismiss the lawsuit.",
    "A spokesman for the company declined to comment on the decision on Friday evening.",
    "The customers who filed the lawsuit say the company hid fees from them for years.",
    "Their lawyers expected the judge to rule in their favour, according to the filing.",
]
SWAPS = {
    "lawyers": "attorneys",
    "told": "advised",
    "judge": "choose",
    "According to": "In keeping with",
    "according to": "in keeping with",
    "company": "corporate",
    "declined": "refused",
    "customers": "clients",
    "expected": "anticipated",
    "decide": "determine",
}


def spin(text: str) -> str:
    for word, swap in SWAPS.items():
        text = text.replace(word, swap)
    return text


def test_a_whole_twin_restores_a_generated_copy_exactly(tmp_path: Path) -> None:
    from unspin.twins.pile_restore import PileRestorer

    original = "\n".join(STORY) + "\n"
    copy = HEADER + spin(original) + FOOTER
    pile = write(tmp_path / "pile", {"a.txt": copy, "b.txt": original, "c.txt": seed("003")})
    restorer = PileRestorer([pile])
    try:
        assert restorer.restore(copy).restoration.text == HEADER + original + FOOTER
        assert restorer.restore(seed("003")).restoration.text == seed("003")
    finally:
        restorer.close()


def test_restore_pile_cli_files_and_jsonl(tmp_path: Path) -> None:
    copy = seed("000") + FOOTER
    pile = write(
        tmp_path / "pile",
        {"copy.txt": copy, "original.txt": seed("001"), "clean.txt": seed("003")},
    )
    out = tmp_path / "out"
    files = [str(pile / n) for n in ("copy.txt", "original.txt", "clean.txt")]
    result = CliRunner().invoke(app, ["restore", "--pile", str(pile), *files, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "original.txt").read_bytes() == (pile / "original.txt").read_bytes()
    restored = (out / "copy.txt").read_text(encoding="utf-8")
    assert restored != copy and restored.endswith(FOOTER)

    stream = tmp_path / "in.jsonl"
    rows = [{"id": 1, "text": copy}, {"id": 2, "text": seed("001")}]
    stream.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["restore", "--pile", str(pile), "--jsonl", str(stream), "-q"])
    assert result.exit_code == 3  # the malformed line passed through
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert json.loads(lines[0])["text"] == restored
    assert lines[1] == json.dumps(rows[1])  # unchanged record: byte for byte
    assert lines[2] == "not json"


# ---------------------------------------------------------------- Dask


def test_match_on_dask_gives_the_same_links(tmp_path: Path) -> None:
    pytest.importorskip("dask.bag")
    from unspin.twins.match_distributed import match_pile_dask

    pile = write(
        tmp_path / "pile",
        {
            "copy.txt": HEADER + seed("000"),
            "original.txt": seed("001"),
            "gen_copy.txt": spin("\n".join(STORY)) + FOOTER,
            "gen_original.txt": "\n".join(STORY),
            "other.txt": seed("003"),
            "spun_alone.txt": seed("004"),
        },
    )
    here = match_pile([pile]).links
    assert len(here) == 2
    # groups of one pair: every pair checked in its own task, results put back in order
    there = match_pile_dask([pile], scheduler="sync", group_size=1).links
    assert there == here


def test_restore_pile_names_and_skips_bad_pile_entries(tmp_path: Path) -> None:
    copy = seed("000")
    pile = write(tmp_path / "pile", {"copy.txt": copy, "original.txt": seed("001")})
    (pile / "broken.txt").write_bytes(b"\xff\xfe not utf-8 \x80")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["restore", "--pile", str(pile), str(pile / "copy.txt"), "-o", str(out), "-q"]
    )
    assert result.exit_code == 3
    assert "broken.txt" in result.output and "skipped" in result.output
    assert (out / "copy.txt").read_text(encoding="utf-8") != copy  # restored all the same


def test_pile_agrees_needs_one_way_votes_for_a_pairs_swaps() -> None:
    from collections import Counter

    from unspin.twins.align import align_texts
    from unspin.twins.pair_check import pile_agrees

    pair = align_texts("He stated it was late today.", "He said it was late today.")
    votes = Counter({("stated", "said"): 9})
    assert pile_agrees(pair, 0, votes) == 1
    assert pile_agrees(pair.swapped(), 0, votes) == -1  # the other side is the copy
    assert pile_agrees(pair, 0, Counter({("stated", "said"): 2})) == 0  # too few votes
    assert pile_agrees(pair, 2, votes) == 0  # changed names or figures: another story
    both_ways = Counter({("stated", "said"): 9, ("said", "stated"): 9})
    assert pile_agrees(pair, 0, both_ways) == 0
    two = align_texts("He stated it was late today.", "He said it was early today.")
    against = Counter({("stated", "said"): 9, ("early", "late"): 3})
    assert pile_agrees(two, 0, against) == 0  # one swap says the other way round


def _story(k: int) -> str:
    """A generated news story of a few sentences, different for each ``k``."""
    towns = ["Leeds", "Bristol", "Cardiff", "Dundee", "Exeter", "Belfast", "Norwich"]
    return "\n".join(
        [
            f"The company in {towns[k % 7]} said on Monday that {k + 3} new stores would open.",
            f"Its chief executive stated that customers in district {k} had asked for them.",
            f"According to the report, sales rose {k + 11} percent in the quarter to March {k}.",
            f"The judge in case {k * 7 + 1} declined to comment on the plan and left early.",
            f"Analysts expected the shares of group {k} to rise when the market opened.",
        ]
    )


def test_a_lightly_spun_copy_is_linked_when_the_pile_made_its_swap_often(tmp_path: Path) -> None:
    texts = {}
    for k in range(6):  # clear pairs: many swaps each
        texts[f"o{k}.txt"], texts[f"s{k}.txt"] = _story(k), spin(_story(k))
    light = _story(6).replace("customers", "clients")  # one swap, seen in every pair
    texts["o6.txt"], texts["s6.txt"] = _story(6), light
    edited = _story(7).replace("left early", "went early")  # an editor's change
    texts["o7.txt"], texts["e7.txt"] = _story(7), edited
    links = names(match_pile([write(tmp_path / "pile", texts)]).links)
    assert ("s6.txt", "o6.txt") in links
    assert not any("7" in a or "7" in b for a, b in links)
    assert sorted(links) == sorted((f"s{k}.txt", f"o{k}.txt") for k in range(7))
