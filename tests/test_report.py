"""The review page (``unspin explain --html``, :mod:`unspin.report`): every edit the API
makes is on it, text is escaped, nothing is loaded from the network, and a real browser
renders it. Expectations come from :func:`unspin.restore_and_explain` at test time."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unspin import RestoreOptions, restore_and_explain
from unspin.cli import app
from unspin.report import review, to_html

runner = CliRunner()
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
REVIEWED = ["004_0829a57a15649cb0.txt", "000_37e887db59ef4590.txt", "003_1aaac26ae96cc3cc.txt"]
SPUN = "The lawsuit was filed in federal court docket in keeping with the rules.\n"


class Section:
    """What one document's section shows."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.meta = ""
        self.edits: list[tuple[str, str, str]] = []  # found, restored, source
        self.flagged: list[str] = []
        self.original: list[str] = []  # the text with struck words, without restored ones
        self.restored: list[str] = []  # the text with restored words, without struck ones


class Page(HTMLParser):
    """The page's sections, read back from its HTML (entities decoded)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self.counts: dict[str, int] = {}
        self.where: list[str] = []  # open elements of interest: h2, meta, text, edit, del, ...
        self.count_label = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "section" and "doc" in cls:
            self.sections.append(Section())
        if not self.sections and tag == "dd":
            self.count_label = a.get("data-count") or ""
        if not self.sections:
            return
        doc = self.sections[-1]
        if tag == "span" and cls.startswith("edit"):
            doc.edits.append(("", "", a.get("data-source") or ""))
        role = {"h2": "h2", "del": "del", "ins": "ins", "mark": "flag"}.get(tag)
        if tag == "p" and cls == "meta":
            role = "meta"
        if tag == "div" and cls == "text":
            role = "text"
        if tag == "span" and cls.startswith("edit"):
            role = "edit"
        self.where.append(role or "")

    def handle_endtag(self, tag: str) -> None:
        if self.sections and self.where:
            self.where.pop()
        if tag == "dd":
            self.count_label = ""

    def handle_data(self, data: str) -> None:
        if self.count_label:
            self.counts[self.count_label] = int(data.replace(",", ""))
        if not self.sections:
            return
        doc = self.sections[-1]
        if "h2" in self.where:
            doc.name += data
        elif "meta" in self.where:
            doc.meta += data
        elif "text" in self.where:
            if "del" in self.where:
                found, restored, source = doc.edits[-1]
                doc.edits[-1] = (found + data, restored, source)
                doc.original.append(data)
            elif "ins" in self.where:
                found, restored, source = doc.edits[-1]
                doc.edits[-1] = (found, restored + data, source)
                doc.restored.append(data)
            else:
                if "flag" in self.where:
                    doc.flagged.append(data)
                doc.original.append(data)
                doc.restored.append(data)


def expected(text: str, options: RestoreOptions | None = None) -> list[tuple[str, str, str]]:
    return [(e.found, e.restored, e.source) for e in restore_and_explain(text, options).edits]


def offline(html: str) -> None:
    """Nothing on the page loads anything: no scripts, links, remote URLs or imports."""
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"<(img|iframe|object|embed|video|audio|source)\b", html, re.I)


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of the issue's command, written by the command line."""
    out = tmp_path_factory.mktemp("page") / "page.html"
    args = ["explain", "--html", *(str(SEEDS / name) for name in REVIEWED), "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def test_seed_page_shows_every_edit(seed_page: Path) -> None:
    html = seed_page.read_text(encoding="utf-8")
    offline(html)
    page = Page(html)
    assert [s.name for s in page.sections] == [str(SEEDS / name) for name in REVIEWED]
    for name, section in zip(REVIEWED, page.sections, strict=True):
        text = (SEEDS / name).read_text(encoding="utf-8")
        restoration = restore_and_explain(text)
        assert section.edits == expected(text), name
        # Struck words read back as the input, restored words as the restored text.
        assert "".join(section.original) == text
        assert "".join(section.restored) == restoration.text
        if not restoration.edits:
            assert "unchanged" in section.meta
    assert page.counts["documents read"] == 3
    assert page.counts["edits"] == sum(len(s.edits) for s in page.sections)
    assert page.counts["restored"] == sum(bool(s.edits) for s in page.sections)


def test_explain_json_lines_are_the_page_edits(seed_page: Path) -> None:
    """`unspin explain FILE` (JSON lines) and the page show the same edits, offsets aside."""
    page = Page(seed_page.read_text(encoding="utf-8"))
    for name, section in zip(REVIEWED, page.sections, strict=True):
        result = runner.invoke(app, ["explain", str(SEEDS / name)])
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert [(e["found"], e["restored"], e["source"]) for e in lines] == section.edits


def test_markup_in_the_input_is_shown_as_text() -> None:
    text = 'The court docket said <script>alert("x")</script> & <b>so</b> in keeping with it.'
    html = to_html([("<i>name</i>", text)], min_spin=0)
    offline(html)
    assert "<b>" not in html and "<i>name" not in html
    section = Page(html).sections[0]
    assert section.name == "<i>name</i>"
    assert "".join(section.original) == text
    assert section.edits == expected(text, RestoreOptions(min_spin=0))
    assert section.edits  # the edits around the markup are still made and shown


def test_summary_counts_and_anchors(small_table: Path) -> None:
    opts = RestoreOptions(tables=(small_table,), thorough=False, min_spin=0)
    texts = [SPUN, "Clean text stays as it is.", "The court docket ruled."]
    reviews = [review(t, f"doc {k}", opts) for k, t in enumerate(texts)]
    html = to_html(reviews)
    page = Page(html)
    assert page.counts == {
        "documents read": 3,
        "judged spun": sum(r.spin >= 0.5 for r in reviews),
        "restored": sum(bool(r.restoration.edits) for r in reviews),
        "edits": sum(len(r.restoration.edits) for r in reviews),
        "flagged, left alone": sum(len(r.flagged) for r in reviews),
    }
    for n in range(1, 4):
        assert f'id="doc-{n}"' in html and f'href="#doc-{n}"' in html
    assert html.count("<rect") == 10 and "<svg" in html
    # One document: no summary.
    assert "data-count" not in to_html(reviews[:1])


def test_flagged_words_are_left_alone_and_marked_apart(small_table: Path) -> None:
    opts = RestoreOptions(tables=(small_table,), min_spin=0)
    text = "The supervision said the court docket would act in keeping with the law."
    r = review(text, "x", opts)
    section = Page(to_html([r])).sections[0]
    assert section.flagged == [s.word for s in r.flagged]
    for s in r.flagged:
        assert text[s.start : s.end] == s.word
        assert all(s.end <= e.start or e.end <= s.start for e in r.restoration.edits)


def test_page_size_is_linear_in_documents(small_table: Path) -> None:
    opts = RestoreOptions(tables=(small_table,), thorough=False, min_spin=0)
    texts = [SPUN * 3, "Clean text stays as it is.\n" * 5, "The court docket ruled.\n"]
    reviews = [review(t, f"doc {k}", opts) for k, t in enumerate(texts)]
    one, small, large = (len(to_html(reviews * k)) for k in (1, 34, 334))  # up to 1,002
    per_doc_small = (small - one) / (34 - 1) / 3
    per_doc_large = (large - small) / (334 - 34) / 3
    assert 0.98 < per_doc_large / per_doc_small < 1.03  # linear: each document adds the same
    assert per_doc_large < 3 * sum(map(len, texts)) / 3 + 1500  # a small multiple of its text


def test_cli_errors_and_routes(small_table: Path, tmp_path: Path) -> None:
    fast = ["-t", str(small_table), "--table-only", "--min-spin", "0"]
    a = tmp_path / "a.txt"
    a.write_text(SPUN, encoding="utf-8")
    out = tmp_path / "page.html"
    # A missing file: one line, exit 1, no page left behind.
    missing = runner.invoke(
        app, ["explain", "--html", str(a), str(tmp_path / "no.txt"), "-o", str(out), *fast]
    )
    assert missing.exit_code == 1 and "no.txt" in missing.output
    assert missing.output.count("\n") == 1 and not out.exists()
    # Flags that only mean something with --html.
    for args in (["-o", str(out)], ["--jsonl"], [str(a), str(a)]):
        usage = runner.invoke(app, ["explain", str(a), *args, *fast])
        assert usage.exit_code == 2 and "--html" in usage.output
    # Without -o the page goes to standard output.
    to_stdout = runner.invoke(app, ["explain", "--html", str(a), *fast])
    assert to_stdout.exit_code == 0 and to_stdout.stdout.startswith("<!DOCTYPE html>")
    assert Page(to_stdout.stdout).sections[0].edits == expected(
        SPUN, RestoreOptions(tables=(small_table,), thorough=False, min_spin=0)
    )


def test_jsonl_fields_and_malformed_lines(small_table: Path, tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    lines = [
        json.dumps({"title": "Court docket rules", "text": SPUN}),
        "{oops",
        "",
        json.dumps({"title": "No text"}),
        json.dumps({"title": "Clean", "text": "Clean text stays as it is."}),
    ]
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "page.html"
    result = runner.invoke(
        app,
        [
            "explain",
            "--html",
            "--jsonl",
            "--field",
            "title",
            "--field",
            "text",
            str(items),
            "-o",
            str(out),
            "-t",
            str(small_table),
            "--table-only",
            "--min-spin",
            "0",
        ],
    )
    assert result.exit_code == 3, result.output
    assert f"{items}:2" in result.output and f"{items}:4" in result.output
    page = Page(out.read_text(encoding="utf-8"))
    assert [s.name for s in page.sections] == [
        f"{items}:1 title",
        f"{items}:1 text",
        f"{items}:5 title",
        f"{items}:5 text",
    ]
    opts = RestoreOptions(tables=(small_table,), thorough=False, min_spin=0)
    assert page.sections[1].edits == expected(SPUN, opts)


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chromium")
    assert exe is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ]
    return subprocess.run([exe, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="headless Chromium is not installed (.ci/run installs Debian's chromium package)",
)
def test_a_real_browser_renders_the_page(seed_page: Path, tmp_path: Path) -> None:
    url = seed_page.resolve().as_uri()
    shot = tmp_path / "shot.png"
    taken = _chromium(f"--screenshot={shot}", "--window-size=1200,1600", url)
    assert taken.returncode == 0, taken.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    dumped = _chromium("--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr
    rendered = Page(dumped.stdout)  # the DOM after parsing, as the browser built it
    assert len(rendered.sections) == len(REVIEWED)
    for name, section in zip(REVIEWED, rendered.sections, strict=True):
        text = (SEEDS / name).read_text(encoding="utf-8")
        assert section.edits == expected(text), name
        assert "".join(section.original).replace("\r\n", "\n") == text.replace("\r\n", "\n")
