"""unspin as a pre-processing step: JSONL streams, a Scrapy item pipeline, Dask bags."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .engine import get_engine
from .errors import UnspinError
from .options import RestoreOptions, resolve_options
from .restore import restore

__all__ = ["spin_score", "restore_records", "restore_jsonl_text", "UnspinPipeline", "restore_bag"]


class RecordError(UnspinError, ValueError):
    """A JSONL record is malformed or lacks the text field."""


def spin_score(text: str, options: RestoreOptions | None = None, **overrides: Any) -> float:
    """How spun ``text`` looks, from 0 (clean) to 1.

    >>> spin_score("The court ruled on Friday.") < 0.5
    True
    """
    return get_engine(resolve_options(options, **overrides)).spin(text).spin


def restore_records(
    records: Iterable[dict[str, Any]],
    field: str = "text",
    options: RestoreOptions | None = None,
    **overrides: Any,
) -> Iterator[dict[str, Any]]:
    """Restore ``field`` of each record; other fields pass through untouched.

    >>> next(restore_records([{"id": 1, "text": "in keeping with the law"}]))
    {'id': 1, 'text': 'according to the law'}
    """
    opts = resolve_options(options, **overrides)
    for n, record in enumerate(records, start=1):
        value = record.get(field)
        if not isinstance(value, str):
            raise RecordError(f"record {n}: field {field!r} is missing or not a string")
        yield {**record, field: restore(value, opts)}


def restore_jsonl_text(
    text: str, field: str = "text", options: RestoreOptions | None = None, source: str = "input"
) -> str:
    """Restore one field of every line of a JSONL document; blank lines are kept."""
    out: list[str] = []
    for lineno, line in enumerate(text.splitlines(keepends=True), start=1):
        if not line.strip():
            out.append(line)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{source}, line {lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise RecordError(f"{source}, line {lineno}: expected a JSON object")
        try:
            (restored,) = restore_records([record], field, options)
        except RecordError:
            raise RecordError(
                f"{source}, line {lineno}: field {field!r} is missing or not a string"
            ) from None
        ending = line[len(line.rstrip("\r\n")) :]
        out.append(json.dumps(restored, ensure_ascii=False) + ending)
    return "".join(out)


class UnspinPipeline:
    """Scrapy item pipeline: restores text fields of scraped items.

    Settings: ``UNSPIN_FIELDS`` (default ``["text"]``), ``UNSPIN_TABLES``. Add it
    to ``ITEM_PIPELINES = {"unspin.pipelines.UnspinPipeline": 300}``.

    >>> UnspinPipeline().process_item({"text": "the court docket"}, spider=None)
    {'text': 'the court'}
    """

    def __init__(self, fields: Iterable[str] = ("text",), tables: Iterable[str] = ()) -> None:
        self.fields = tuple(fields)
        self.options = resolve_options(None, tables=tuple(tables))

    @classmethod
    def from_crawler(cls, crawler: Any) -> UnspinPipeline:
        """Build from Scrapy settings."""
        settings = crawler.settings
        return cls(settings.getlist("UNSPIN_FIELDS") or ["text"], settings.getlist("UNSPIN_TABLES"))

    def process_item(self, item: Any, spider: Any) -> Any:
        """Restore the configured fields of one item in place."""
        for name in self.fields:
            value = item.get(name) if hasattr(item, "get") else None
            if isinstance(value, str):
                item[name] = restore(value, self.options)
        return item


def restore_bag(bag: Any, field: str | None = None, **overrides: Any) -> Any:
    """Restore a Dask bag of strings (or of dicts, given ``field``) across workers.

    Each worker loads the table and model once (they are cached per process).
    Needs ``pip install unspin[distributed]``.
    """
    opts = resolve_options(None, **overrides)
    if field is None:
        return bag.map(restore, opts)
    return bag.map_partitions(lambda part: list(restore_records(part, field, opts)))
