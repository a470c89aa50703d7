"""A real Scrapy crawl through UnspinPipeline: pages from the seeds, served on localhost.

The crawl runs in a subprocess (Twisted's reactor cannot be restarted in one process);
its items come back through a JSONL feed and are compared with :func:`unspin.restore`
applied to the page text in this process.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from unspin import restore

pytest.importorskip("scrapy")
pytest.importorskip("itemadapter")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
SPUN, CLEAN = ("000", "004"), ("001", "003")

SPIDER = """
import dataclasses
import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class Article(scrapy.Item):
    url = scrapy.Field()
    title = scrapy.Field()
    text = scrapy.Field()
    raw = scrapy.Field()


@dataclasses.dataclass
class Page:
    url: str
    title: str
    text: object
    raw: object


class Pages(scrapy.Spider):
    name = "pages"

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse_page)

    def parse_page(self, response):
        title = response.css("h1::text").get()
        kind = response.css("body::attr(data-kind)").get()
        body = response.css("#body")
        text = "".join(body.css("::text").getall()) if body else None
        if kind == "list":
            text = body.css("::text").getall()
        fields = {"url": response.url, "title": title, "text": text, "raw": text}
        if kind == "missing":
            del fields["text"]
            yield {k: v for k, v in fields.items()}
        elif kind == "item":
            yield Article(**fields)
        elif kind == "dataclass":
            yield Page(**fields)
        else:
            yield fields


process = CrawlerProcess(
    {
        "ITEM_PIPELINES": {"unspin.pipelines.UnspinPipeline": 300},
        "UNSPIN_FIELDS": ["text"],
        "FEEDS": {sys.argv[2]: {"format": "jsonlines", "encoding": "utf8"}},
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
    }
)
process.crawl(Pages, start_urls=[sys.argv[1]])
process.start()
"""


def _page(title: str, text: str, kind: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'</head><body data-kind="{kind}"><h1>{html.escape(title)}</h1>'
        f'<pre id="body">{html.escape(text)}</pre></body></html>'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A local web site: one page per spun and clean seed (as a dict, a ``scrapy.Item``
    or a dataclass item), one page without the text, one whose text is a list."""
    root = tmp_path_factory.mktemp("site")
    kinds = ["dict", "item", "dataclass", "dict"]
    pages: dict[str, str] = {}
    for kind, prefix in zip(kinds, [*SPUN, *CLEAN], strict=True):
        name = f"{prefix}-{kind}.html"
        pages[name] = SEEDS[prefix]
        (root / name).write_text(_page(f"seed {prefix}", SEEDS[prefix], kind), encoding="utf-8")
    pages["missing.html"] = ""
    (root / "missing.html").write_text(_page("no text", "x", "missing"), encoding="utf-8")
    pages["list.html"] = ""
    (root / "list.html").write_text(_page("a list", "court docket", "list"), encoding="utf-8")
    links = "".join(f'<a href="{name}">{name}</a>' for name in pages)
    (root / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html", pages
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def crawl(
    site: tuple[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, dict], str]:
    """Items by page name and the crawl's log, from a real crawl of ``site``."""
    url, _ = site
    work = tmp_path_factory.mktemp("crawl")
    (work / "spider.py").write_text(SPIDER, encoding="utf-8")
    out = work / "items.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, str(work / "spider.py"), url, str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_page = {item["url"].rsplit("/", 1)[1]: item for item in items}
    assert len(by_page) == len(items)
    return by_page, done.stderr


def test_crawl_loses_no_item(crawl: tuple[dict[str, dict], str], site: tuple) -> None:
    items, _ = crawl
    assert sorted(items) == sorted(site[1])


def test_crawled_text_is_the_page_text(crawl: tuple[dict[str, dict], str], site: tuple) -> None:
    items, _ = crawl
    for prefix in (*SPUN, *CLEAN):
        (name,) = [n for n in items if n.startswith(prefix)]
        assert items[name]["raw"] == SEEDS[prefix]  # the spider saw the text exactly
        assert items[name]["title"] == f"seed {prefix}"


@pytest.mark.parametrize("prefix", SPUN)
def test_spun_pages_come_out_restored_as_restore_does(
    crawl: tuple[dict[str, dict], str], prefix: str
) -> None:
    items, _ = crawl
    (item,) = [v for n, v in items.items() if n.startswith(prefix)]
    assert item["text"] == restore(SEEDS[prefix])
    assert item["text"] != SEEDS[prefix]


@pytest.mark.parametrize("prefix", CLEAN)
def test_clean_pages_come_out_unchanged(crawl: tuple[dict[str, dict], str], prefix: str) -> None:
    items, _ = crawl
    (item,) = [v for n, v in items.items() if n.startswith(prefix)]
    assert item["text"] == SEEDS[prefix]


def test_items_without_text_pass_through_and_are_logged(
    crawl: tuple[dict[str, dict], str],
) -> None:
    items, log = crawl
    assert "text" not in items["missing.html"] and items["missing.html"]["title"] == "no text"
    assert items["list.html"]["text"] == ["court docket"]  # not a string: left alone
    assert "field 'text' is missing; item passed through unchanged" in log
    assert "field 'text' is a list, not a string; item passed through unchanged" in log
