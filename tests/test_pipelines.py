"""Pipelines: JSONL streams, the Scrapy item pipeline, Dask-style bags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.pipelines import (
    RecordError,
    UnspinPipeline,
    restore_bag,
    restore_jsonl_text,
    restore_records,
)

OPTS = {"thorough": False}


def test_records_keep_other_fields(small_table: Path) -> None:
    out = list(
        restore_records(
            [{"id": 3, "text": "filed in court docket", "x": [1]}], tables=[small_table], **OPTS
        )
    )
    assert out == [{"id": 3, "text": "filed in court", "x": [1]}]


def test_missing_field_is_an_error() -> None:
    with pytest.raises(RecordError, match="record 1"):
        list(restore_records([{"body": "x"}]))


def test_jsonl_keeps_blank_lines_and_line_endings(small_table: Path) -> None:
    from unspin.options import RestoreOptions

    text = json.dumps({"text": "court docket"}) + "\r\n\n" + json.dumps({"text": "ok"}) + "\n"
    out = restore_jsonl_text(text, "text", RestoreOptions(tables=(small_table,), thorough=False))
    lines = out.split("\n")
    assert json.loads(lines[0]) == {"text": "court"} and lines[0].endswith("\r")
    assert lines[1] == ""
    with pytest.raises(RecordError, match="line 2: not valid JSON"):
        restore_jsonl_text('{"text": "a"}\n{nope\n', "text")


class FakeItem(dict):
    """Scrapy items behave like dicts."""


def test_scrapy_pipeline_restores_configured_fields(small_table: Path) -> None:
    class Settings:
        def getlist(self, name: str) -> list:
            return {"UNSPIN_FIELDS": ["body"], "UNSPIN_TABLES": [str(small_table)]}[name]

    class Crawler:
        settings = Settings()

    pipe = UnspinPipeline.from_crawler(Crawler())
    item = FakeItem(body="a court docket order", title="court docket")
    out = pipe.process_item(item, spider=None)
    assert out["body"] == "a court order"
    assert out["title"] == "court docket"  # not a configured field


def test_restore_bag_maps_over_partitions(small_table: Path) -> None:
    class Bag:
        def __init__(self, parts: list) -> None:
            self.parts = parts

        def map(self, fn, *args):  # noqa: ANN001, ANN202
            return Bag([[fn(x, *args) for x in p] for p in self.parts])

        def map_partitions(self, fn):  # noqa: ANN001, ANN202
            return Bag([fn(p) for p in self.parts])

    bag = Bag([["court docket"], ["clean"]])
    assert restore_bag(bag, tables=[small_table], **OPTS).parts == [["court"], ["clean"]]
    recs = Bag([[{"text": "court docket"}]])
    assert restore_bag(recs, field="text", tables=[small_table], **OPTS).parts == [
        [{"text": "court"}]
    ]
