"""unspin as a pre-processing step: JSONL streams, a Scrapy item pipeline, Dask bags."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .engine import get_engine
from .options import RestoreOptions, resolve_options
from .restore import restore
from .streaming import RecordError, restore_jsonl_text, restore_records

__all__ = [
    "spin_score",
    "restore_records",
    "restore_jsonl_text",
    "RecordError",
    "UnspinPipeline",
    "restore_bag",
]


def spin_score(text: str, options: RestoreOptions | None = None, **overrides: Any) -> float:
    """How spun ``text`` looks, from 0 (clean) to 1.

    >>> spin_score("The court ruled on Friday.") < 0.5
    True
    """
    return get_engine(resolve_options(options, **overrides)).spin(text).spin


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
