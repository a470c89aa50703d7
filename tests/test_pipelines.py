"""Pipelines: JSONL streams, the Scrapy item pipeline (real Scrapy objects), Dask in one
process (the local cluster is in test_dask.py, a real crawl in test_scrapy.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin import restore
from unspin.pipelines import (
    RecordError,
    UnspinPipeline,
    restore_bag,
    restore_dataframe,
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


# ---------------------------------------------------------------- Scrapy (real objects)

LONG = (
    "The judge ruled on the case in the court docket on Friday, and the lawyers for both "
    "sides said they would appeal the decision to a higher court next month."
)


def _crawler(settings: dict):  # noqa: ANN202 - a scrapy Crawler
    pytest.importorskip("scrapy")
    from scrapy.utils.test import get_crawler

    return get_crawler(settings_dict=settings)


def _spider():  # noqa: ANN202 - a scrapy Spider
    import scrapy

    return scrapy.Spider(name="unspin-test")


def test_scrapy_pipeline_restores_dicts_items_and_dataclasses(small_table: Path) -> None:
    import dataclasses

    import scrapy
    from itemadapter import ItemAdapter

    class Article(scrapy.Item):
        body = scrapy.Field()
        title = scrapy.Field()

    @dataclasses.dataclass
    class Page:
        body: str
        title: str

    crawler = _crawler({"UNSPIN_FIELDS": ["body"], "UNSPIN_TABLES": [str(small_table)]})
    pipe = UnspinPipeline.from_crawler(crawler)
    body, title = "a court docket order", "court docket"
    expected = restore(body, tables=[small_table])
    assert expected != body
    for item in (
        {"body": body, "title": title},
        Article(body=body, title=title),
        Page(body=body, title=title),
    ):
        out = pipe.process_item(item, _spider())
        assert out is item and type(out) is type(item)
        adapter = ItemAdapter(out)
        assert adapter["body"] == expected
        assert adapter["title"] == title  # not a configured field


def test_scrapy_pipeline_passes_bad_items_through_and_logs(
    small_table: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pipe = UnspinPipeline.from_crawler(
        _crawler({"UNSPIN_FIELDS": ["text"], "UNSPIN_TABLES": [str(small_table)]})
    )
    spider = _spider()
    for item in ({"title": "court docket"}, {"text": ["court docket"]}, {"text": None}):
        before = json.dumps(item)
        with caplog.at_level("WARNING"):
            out = pipe.process_item(item, spider)
        assert out is item and json.dumps(out) == before
    messages = [r for r in caplog.records if r.name == "unspin-test"]
    assert len(messages) == 3 and all("'text'" in r.getMessage() for r in messages)
    assert "a list, not a string" in messages[1].getMessage()


def test_scrapy_pipeline_honours_min_spin(small_table: Path) -> None:
    tables = [str(small_table)]
    default = UnspinPipeline.from_crawler(_crawler({"UNSPIN_TABLES": tables}))
    strict = UnspinPipeline.from_crawler(
        _crawler({"UNSPIN_TABLES": tables, "UNSPIN_MIN_SPIN": "0.9"})
    )
    assert strict.options.min_spin == 0.9 and default.options.min_spin == 0.5
    restored = default.process_item({"text": LONG})["text"]
    kept = strict.process_item({"text": LONG})["text"]
    assert restored == restore(LONG, tables=tables) != LONG
    assert kept == restore(LONG, tables=tables, min_spin=0.9) == LONG


def test_scrapy_pipeline_still_takes_unspin_fast(small_table: Path) -> None:
    tables = [str(small_table)]
    with pytest.warns(FutureWarning, match="does nothing"):
        fast = UnspinPipeline.from_crawler(
            _crawler({"UNSPIN_TABLES": tables, "UNSPIN_FAST": "True"})
        )
    assert fast.options == UnspinPipeline.from_crawler(_crawler({"UNSPIN_TABLES": tables})).options


def test_scrapy_pipeline_bad_table_fails_at_start(tmp_path: Path) -> None:
    from unspin.errors import UnspinError

    with pytest.raises(UnspinError, match="missing.tsv"):
        UnspinPipeline.from_crawler(_crawler({"UNSPIN_TABLES": [str(tmp_path / "missing.tsv")]}))


# ---------------------------------------------------------------- Dask (real bags, one process)


def test_restore_bag_maps_over_partitions(small_table: Path) -> None:
    db = pytest.importorskip("dask.bag")
    texts = ["court docket", "clean", None, "in keeping with it"]
    bag = db.from_sequence(texts, npartitions=2)
    out = restore_bag(bag, tables=[small_table], **OPTS).compute(scheduler="sync")
    assert out == [restore(t, tables=[small_table], **OPTS) if t else t for t in texts]
    assert out[0] != texts[0]
    records = [{"id": 1, "text": "court docket"}, {"id": 2}, {"id": 3, "text": 4}]
    recs = restore_bag(db.from_sequence(records, npartitions=2), field="text", tables=[small_table])
    assert recs.compute(scheduler="sync") == [
        {"id": 1, "text": restore("court docket", tables=[small_table])},
        {"id": 2},
        {"id": 3, "text": 4},
    ]


def test_restore_dataframe_keeps_other_columns_and_missing_cells(small_table: Path) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    texts = ["court docket", None, "in keeping with the law", "clean text"]
    frame = pd.DataFrame({"id": [4, 3, 2, 1], "text": texts}, index=[10, 11, 12, 13])
    ddf = dd.from_pandas(frame, npartitions=2)
    out = restore_dataframe(ddf, "text", tables=[small_table]).compute(scheduler="sync")
    assert list(out.index) == [10, 11, 12, 13] and out["id"].tolist() == [4, 3, 2, 1]
    got = out["text"].tolist()
    assert pd.isna(got[1])
    want = [restore(t, tables=[small_table]) for t in texts if t]
    assert [got[0], got[2], got[3]] == want and want[0] != texts[0]
