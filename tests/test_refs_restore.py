"""Restoring against a reference index: ``restore --refs``, ``learn --refs``, ``explain
--refs``, ``restore(text, refs=...)``, and the Scrapy and Dask steps with an index.

The index holds seeds 001 and 003 (001 is a clean partial version of the story seed 000
spun) and four short stories; the copies of those stories are spun by the synthetic
spinner of tests/test_linked.py (swaps the bundled table does not know, and two it does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin import restore, restore_and_explain
from unspin.cli import app
from unspin.models.table import load_table
from unspin.twins.refindex import ReferenceIndex
from unspin.twins.store import IndexNotFoundError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_linked import BUNDLED, FOOTER, HEADER, OTHERS, STORY, SWAPS, seed, spin  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
ALL_SWAPS = {**SWAPS, **BUNDLED}
SEED_ERRORS = ("court docket", "in keeping with", "stated", "legal professional")


def _tokens(text: str) -> list[str]:
    import re

    return re.findall(r"\w+(?:'\w+)*|[^\w\s]", text)


def _distance(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(_tokens(a), _tokens(b))


REFERENCES = [
    ("story", " ".join(STORY)),
    *((f"other{k}", " ".join(o)) for k, o in enumerate(OTHERS)),
    ("seeds/001", seed("001")),
    ("seeds/003", seed("003")),
]


def _build(location: str) -> str:
    with ReferenceIndex(location, create=True) as index:
        assert index.add(REFERENCES).added == len(REFERENCES)
    return location


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _build(str(tmp_path_factory.mktemp("refs") / "refs.unspin"))


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """A run's files: seed 000 (copy of 001), a wrapped spun copy of ``story``, the spun
    copies of the other stories, 001 and 003 verbatim, a clean version of ``story``."""
    folder = tmp_path / "in"
    folder.mkdir()
    texts = {
        "s000.txt": seed("000"),
        "story.txt": HEADER + spin(" ".join(STORY), ALL_SWAPS) + FOOTER,
        **{f"other{k}.txt": spin(" ".join(o)) for k, o in enumerate(OTHERS)},
        "s001.txt": seed("001"),
        "s003.txt": seed("003"),
        "version.txt": " ".join(STORY[:5]),
    }
    out = {}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = folder / name
    return out


def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin)


# ---------------------------------------------------------------- restore --refs


def test_restore_refs_files_to_a_folder(
    index: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = _run("restore", "--refs", index, "-q", *map(str, inputs.values()), "-o", str(out))
    assert result.exit_code == 0, result.output
    restored = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert sorted(restored) == sorted(inputs)
    # a wrapped copy of a whole reference: the reference's words, the copy's own lines kept
    assert restored["story.txt"] == HEADER + " ".join(STORY) + FOOTER
    for k, other in enumerate(OTHERS):
        assert restored[f"other{k}.txt"] == " ".join(other)
    # clean inputs: in the index, or a clean version of an indexed story: byte-identical
    for name in ("s001.txt", "s003.txt", "version.txt"):
        assert restored[name] == inputs[name].read_text(encoding="utf-8")


def test_restore_refs_takes_a_postgresql_url_as_a_path(index_location: str, tmp_path: Path) -> None:
    _build(index_location)
    copy = tmp_path / "copy.txt"
    copy.write_text(spin(" ".join(OTHERS[2])), encoding="utf-8")
    result = _run("restore", "--refs", index_location, "-q", str(copy))
    assert result.exit_code == 0, result.output
    assert result.stdout == " ".join(OTHERS[2])


def test_seed_000_with_001_indexed_undoes_more_than_plain_restore(
    index: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    """The twin and the learned table add to the bundled table: the seed's spinner's
    bundled forms are restored in what 001 does not cover too."""
    out = tmp_path / "out"
    result = _run("restore", "--refs", index, "-q", str(inputs["s000.txt"]), "-o", str(out))
    assert result.exit_code == 0, result.output
    spun, with_refs = seed("000"), (out / "s000.txt").read_text(encoding="utf-8")
    plain = restore(spun)
    assert _distance(with_refs, seed("001")) < _distance(plain, seed("001"))
    left = [sum(text.count(form) for form in SEED_ERRORS) for text in (with_refs, plain, spun)]
    assert left[0] <= left[1] < left[2]


def test_restore_refs_stdin_is_a_run_of_one(
    index: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    text = inputs["story.txt"].read_text(encoding="utf-8")
    result = _run("restore", "--refs", index, "-q", stdin=text)
    assert result.exit_code == 0
    assert result.stdout == HEADER + " ".join(STORY) + FOOTER


def test_restore_refs_in_place_keeps_a_backup(index: str, inputs: dict[str, Path]) -> None:
    path = inputs["other0.txt"]
    before = path.read_text(encoding="utf-8")
    result = _run("restore", "--refs", index, "-q", "-i", str(path), str(inputs["s001.txt"]))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == " ".join(OTHERS[0])
    assert Path(str(path) + ".orig").read_text(encoding="utf-8") == before
    assert inputs["s001.txt"].read_text(encoding="utf-8") == seed("001")


def _jsonl(tmp_path: Path) -> tuple[Path, list[str]]:
    records = [
        {"id": "a", "text": spin(" ".join(STORY), ALL_SWAPS)},
        {"id": "b", "text": seed("003")},
        {"id": "c", "text": spin(" ".join(OTHERS[1]))},
    ]
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    lines.insert(2, "not json\n")
    path = tmp_path / "in.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path, lines


@pytest.mark.parametrize("stdin", [False, True])
def test_restore_refs_jsonl_names_the_reference(index: str, tmp_path: Path, stdin: bool) -> None:
    """A JSONL file is linked first; a stream on stdin item by item: both restore a copy
    from its reference, name it with --annotate and pass a malformed line through."""
    path, lines = _jsonl(tmp_path)
    if stdin:
        result = _run("restore", "--refs", index, "--jsonl", "--annotate", stdin=path.read_text())
    else:
        result = _run("restore", "--refs", index, "--jsonl", "--annotate", str(path))
    assert result.exit_code == 3
    out = result.stdout.splitlines(keepends=True)
    assert len(out) == 4 and out[2] == lines[2]
    first, second, third = (json.loads(out[k]) for k in (0, 1, 3))
    assert first["text"] == " ".join(STORY)
    assert first["unspin"]["reference"] == {"text": "story"}
    assert first["unspin"]["how"] == {"text": "twin"}
    assert second["text"] == seed("003") and second["unspin"]["how"] == {"text": "clean"}
    assert third["text"] == " ".join(OTHERS[1]) and third["unspin"]["reference"]["text"] == "other1"
    assert "line 3: not valid JSON" in result.stderr


def test_restore_refs_jsonl_without_annotate_passes_clean_lines_byte_for_byte(
    index: str, tmp_path: Path
) -> None:
    path, lines = _jsonl(tmp_path)
    result = _run("restore", "--refs", index, "--jsonl", "-q", str(path))
    assert result.exit_code == 3
    out = result.stdout.splitlines(keepends=True)
    assert out[1] == lines[1] and out[2] == lines[2]
    assert json.loads(out[0])["text"] == " ".join(STORY)


# ---------------------------------------------------------------- learn --refs


def test_learn_refs_learns_the_spinner_from_linked_inputs(
    index: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    table = tmp_path / "learned.tsv"
    paths = [str(inputs[f"other{k}.txt"]) for k in range(len(OTHERS))]
    result = _run("learn", "--refs", index, *paths, str(inputs["s003.txt"]), "-o", str(table))
    assert result.exit_code == 0, result.output
    assert f"{len(OTHERS)} of {len(OTHERS) + 1} inputs linked" in result.stderr
    rows = {(e.spun, e.original) for e in load_table(table).entries}
    for word in ("spokesman", "judge", "declined"):
        assert any(
            spun.split()[-1] == SWAPS[word] and orig.split()[-1] == word for spun, orig in rows
        )
    # the table undoes the spinner where no reference exists: given to restore --refs
    # (instead of learning one from the run) and to plain restore
    clean = (
        "A spokesman for the court declined to say when the judge would decide on the "
        "appeal. The lawyers expected the customers to decide soon."
    )
    new = tmp_path / "new.txt"
    new.write_text(spin(clean), encoding="utf-8")
    with ReferenceIndex(index, readonly=True) as refs:
        assert refs.link(spin(clean)).text is None  # no twin
    with_refs = _run("restore", "--refs", index, "--table", str(table), "-q", str(new))
    assert with_refs.exit_code == 0 and with_refs.stdout == clean
    assert _run("restore", "--table", str(table), "-q", str(new)).stdout == clean
    assert _run("restore", "--refs", index, "-q", str(new)).stdout != clean  # nothing learned


def test_learn_refs_with_nothing_linked_fails_in_one_line(
    index: str, inputs: dict[str, Path]
) -> None:
    result = _run("learn", "--refs", index, str(inputs["s003.txt"]), "-o", "/tmp/never.tsv")
    assert result.exit_code == 1
    assert result.stderr.startswith("unspin: none of the 1 inputs is a spun copy")
    assert not Path("/tmp/never.tsv").exists()


# ---------------------------------------------------------------- explain --refs


def test_explain_refs_names_the_reference(
    index: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    result = _run("explain", "--refs", index, "-q", str(inputs["story.txt"]))
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and {line["reference"] for line in lines} == {"story"}
    assert {line["source"] for line in lines} == {"twin:story"}
    page = tmp_path / "page.html"
    paths = [str(inputs["story.txt"]), str(inputs["s003.txt"])]
    result = _run("explain", "--refs", index, "--html", "-q", *paths, "-o", str(page))
    assert result.exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count("restored from reference story") == 1
    assert html.count('<section class="doc"') == 2


# ---------------------------------------------------------------- bad input


def test_bad_index_and_bad_flags(index: str, inputs: dict[str, Path], tmp_path: Path) -> None:
    copy = str(inputs["story.txt"])
    missing = _run("restore", "--refs", str(tmp_path / "none.unspin"), copy)
    assert missing.exit_code == 1
    assert missing.stderr.count("\n") == 1 and "none.unspin: no index there" in missing.stderr
    other = tmp_path / "other.txt"
    other.write_text("not an index\n", encoding="utf-8")
    wrong = _run("restore", "--refs", str(other), copy)
    assert wrong.exit_code == 1 and "not an unspin index" in wrong.stderr
    assert wrong.stderr.count("\n") == 1
    both = _run("restore", "--refs", index, "--pile", str(tmp_path), copy)
    assert both.exit_code == 2
    tables = _run("restore", "--refs", index, "-t", copy, "-t", copy, copy)
    assert tables.exit_code == 2 and "one --table" in tables.stderr
    missing_input = _run("restore", "--refs", index, str(tmp_path / "nope.txt"))
    assert missing_input.exit_code == 1 and "nope.txt" in missing_input.stderr


# ---------------------------------------------------------------- API


def test_api_refs_path_url_or_index(index_location: str) -> None:
    _build(index_location)
    copy = HEADER + spin(" ".join(STORY), ALL_SWAPS) + FOOTER
    assert restore(copy, refs=index_location) == HEADER + " ".join(STORY) + FOOTER
    explained = restore_and_explain(copy, refs=index_location)
    assert {e.source for e in explained.edits} == {"twin:story"}
    assert restore(seed("001"), refs=index_location) == seed("001")
    assert restore(" ".join(STORY[:5]), refs=index_location) == " ".join(STORY[:5])
    with ReferenceIndex(index_location, readonly=True) as opened:
        assert restore(copy, refs=opened) == HEADER + " ".join(STORY) + FOOTER


def test_api_refs_adds_to_plain_restore(index: str) -> None:
    """No twin: what plain restore does; seed 000: more than plain restore."""
    alone = seed("004")
    assert restore(alone, refs=index) == restore(alone)
    spun = seed("000")
    assert _distance(restore(spun, refs=index), seed("001")) < _distance(restore(spun), seed("001"))


def test_api_refs_errors(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="none.unspin"):
        restore("text", refs=tmp_path / "none.unspin")
    with pytest.raises(TypeError, match="refs_table"):
        restore("text", refs_table="x.tsv")


# ---------------------------------------------------------------- Scrapy and Dask


SPIDER = """
import sys
import scrapy
from scrapy.crawler import CrawlerProcess


class Pages(scrapy.Spider):
    name = "pages"

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse_page)

    def parse_page(self, response):
        yield {"url": response.url, "text": "".join(response.css("#body ::text").getall())}


process = CrawlerProcess({
    "ITEM_PIPELINES": {"unspin.pipelines.UnspinPipeline": 300},
    "UNSPIN_REFS": sys.argv[3],
    "FEEDS": {sys.argv[2]: {"format": "jsonlines", "encoding": "utf8"}},
    "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
})
process.crawl(Pages, start_urls=[sys.argv[1]])
process.start()
"""


def test_scrapy_pipeline_with_unspin_refs(index: str, tmp_path: Path) -> None:
    pytest.importorskip("scrapy")
    import html
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    pages = {"copy.html": HEADER + spin(" ".join(STORY), ALL_SWAPS), "clean.html": seed("001")}
    site = tmp_path / "site"
    site.mkdir()
    for name, text in pages.items():
        body = f'<html><body><pre id="body">{html.escape(text)}</pre></body></html>'
        (site / name).write_text(body, encoding="utf-8")
    links = "".join(f'<a href="{n}">{n}</a>' for n in pages)
    (site / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    spider, feed = tmp_path / "spider.py", tmp_path / "items.jsonl"
    spider.write_text(SPIDER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    try:
        done = subprocess.run(
            [sys.executable, str(spider), url, str(feed), index],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr[-2000:]
    items = {
        json.loads(line)["url"].rsplit("/", 1)[1]: json.loads(line)["text"]
        for line in feed.read_text(encoding="utf-8").splitlines()
    }
    assert items["copy.html"] == HEADER + " ".join(STORY)
    assert items["clean.html"] == seed("001")


def test_scrapy_pipeline_with_a_missing_index_stops_before_the_crawl(tmp_path: Path) -> None:
    pytest.importorskip("scrapy")
    from scrapy.settings import Settings

    from unspin.pipelines import UnspinPipeline

    class Crawler:
        settings = Settings({"UNSPIN_REFS": str(tmp_path / "none.unspin")})

    with pytest.raises(IndexNotFoundError, match="none.unspin"):
        UnspinPipeline.from_crawler(Crawler())


def test_dask_restore_bag_with_refs_in_worker_processes(index: str) -> None:
    db = pytest.importorskip("dask.bag")
    from unspin.pipelines import restore_bag, restore_dataframe

    texts = [spin(" ".join(o)) for o in OTHERS] + [seed("003"), seed("004")]
    records = [{"id": k, "text": t} for k, t in enumerate(texts)]
    bag = restore_bag(db.from_sequence(texts, npartitions=2), refs=index)
    restored = bag.compute(scheduler="processes", num_workers=2)
    assert restored == [restore(t, refs=index) for t in texts]
    assert restored[: len(OTHERS)] == [" ".join(o) for o in OTHERS]
    assert restored[len(OTHERS)] == seed("003")
    done = restore_bag(db.from_sequence(records, npartitions=2), "text", refs=index)
    assert [r["text"] for r in done.compute(scheduler="sync")] == restored
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    assert restore_dataframe(frame, "text", refs=index)["text"].tolist() == restored
