"""unspin as a pre-processing step: JSONL streams, a Scrapy item pipeline, Dask bags."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
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
    "restore_dataframe",
]


def spin_score(text: str, options: RestoreOptions | None = None, **overrides: Any) -> float:
    """How spun ``text`` looks, from 0 (clean) to 1.

    >>> spin_score("The court ruled on Friday.") < 0.5
    True
    """
    return get_engine(resolve_options(options, **overrides)).spin(text).spin


class UnspinPipeline:
    """Scrapy item pipeline: restores text fields of scraped items, never drops one.

    Works on any item :mod:`itemadapter` knows (dicts, ``scrapy.Item``, dataclass and
    attrs items). Settings: ``UNSPIN_FIELDS`` (default ``["text"]``), ``UNSPIN_TABLES``
    (default: the bundled table), ``UNSPIN_MIN_SPIN`` (default 0.5, see
    :attr:`unspin.RestoreOptions.min_spin`). A configured field that is missing or not
    a string is left as it is and logged (warning) through the spider's logger; the
    item goes on. Enable it with ``ITEM_PIPELINES = {"unspin.pipelines.UnspinPipeline":
    300}`` (``pip install 'unspin[scrapy]'``).

    >>> UnspinPipeline().process_item({"text": "the court docket"})
    {'text': 'the court'}
    """

    def __init__(
        self,
        fields: Iterable[str] = ("text",),
        tables: Iterable[str | Path] = (),
        min_spin: float | None = None,
        crawler: Any = None,
    ) -> None:
        overrides: dict[str, Any] = {"tables": tuple(tables)}
        if min_spin is not None:
            overrides["min_spin"] = float(min_spin)
        self.fields = tuple(fields)
        self.options = resolve_options(None, **overrides)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> UnspinPipeline:
        """Build from Scrapy settings; the table and model load here, so a bad
        ``UNSPIN_TABLES`` stops the crawl before it starts (with the file named)."""
        settings = crawler.settings
        min_spin = settings.get("UNSPIN_MIN_SPIN")
        pipe = cls(
            settings.getlist("UNSPIN_FIELDS") or ["text"],
            settings.getlist("UNSPIN_TABLES"),
            None if min_spin in (None, "") else settings.getfloat("UNSPIN_MIN_SPIN"),
            crawler,
        )
        get_engine(pipe.options)
        return pipe

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Restore the configured fields of one item in place and return it."""
        from itemadapter import ItemAdapter

        adapter = ItemAdapter(item)
        for name in self.fields:
            value = adapter.get(name)
            if not isinstance(value, str):
                state = "missing" if value is None else f"a {type(value).__name__}, not a string"
                self._logger(spider).warning(
                    "unspin: field %r is %s; item passed through unchanged", name, state
                )
                continue
            try:
                adapter[name] = restore(value, self.options)
            except Exception:  # noqa: BLE001 - policy: an item is never lost to a bug here
                self._logger(spider).exception(
                    "unspin: restoring field %r failed; item passed through unchanged", name
                )
        return item

    def _logger(self, spider: Any) -> Any:
        if spider is None and self.crawler is not None:
            spider = getattr(self.crawler, "spider", None)
        return getattr(spider, "logger", None) or _LOG


_LOG = logging.getLogger("unspin.pipelines")


def _restore_record(record: Any, field: str, options: RestoreOptions) -> Any:
    """``record`` with ``field`` restored; a record without a string there comes back
    as it is (logged), so a bag never loses one."""
    value = record.get(field) if isinstance(record, dict) else None
    if not isinstance(value, str):
        _LOG.warning("unspin: record without a string field %r passed through unchanged", field)
        return record
    return {**record, field: restore(value, options)}


def _restore_text(value: Any, options: RestoreOptions) -> Any:
    """Restore a string; anything else (None, NaN, numbers) comes back as it is."""
    return restore(value, options) if isinstance(value, str) else value


def _restore_series(series: Any, options: RestoreOptions) -> Any:
    """A copy of a pandas series with its string cells restored (dtype kept)."""
    out = series.copy()
    texts = series.map(lambda value: isinstance(value, str)).astype(bool)
    out[texts] = [restore(value, options) for value in series[texts]]
    return out


def restore_bag(bag: Any, field: str | None = None, **overrides: Any) -> Any:
    """Restore a Dask bag of strings (or of dict records, given ``field``) across workers.

    Output is element for element what :func:`unspin.restore` gives in one process. Each
    worker process loads the table and model once (cached per process), on first use.
    Non-string elements and records without a string ``field`` pass through unchanged.
    Needs ``pip install 'unspin[distributed]'``.

    >>> import dask.bag as db
    >>> restore_bag(db.from_sequence(["the court docket", None])).compute(scheduler="sync")
    ['the court', None]
    """
    opts = resolve_options(None, **overrides)
    if field is None:
        return bag.map(_restore_text, opts)
    return bag.map(_restore_record, field, opts)


def restore_dataframe(frame: Any, column: str, **overrides: Any) -> Any:
    """Restore one text column of a Dask (or pandas) dataframe; other columns, the
    index and non-string cells (None, NaN) are kept.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2], "text": ["the court docket", "a clean line"]})
    >>> restore_dataframe(df, "text")["text"].tolist()
    ['the court', 'a clean line']
    """
    opts = resolve_options(None, **overrides)
    column_data = frame[column]
    if hasattr(column_data, "map_partitions"):
        restored = column_data.map_partitions(_restore_series, opts, meta=column_data._meta)
    else:
        restored = _restore_series(column_data, opts)
    return frame.assign(**{column: restored})
