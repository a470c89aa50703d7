"""Scrapy item pipeline: restore the text fields of scraped items, never drop one."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..options import resolve_options
from ..restore.api import restore
from ..restore.engine import get_engine

__all__ = ["UnspinPipeline"]

_LOG = logging.getLogger("unspin.pipelines")


class UnspinPipeline:
    """Scrapy item pipeline: restores text fields of scraped items, never drops one.

    Works on any item :mod:`itemadapter` knows (dicts, ``scrapy.Item``, dataclass and
    attrs items). Settings: ``UNSPIN_FIELDS`` (default ``["text"]``), ``UNSPIN_TABLES``
    (default: the bundled table), ``UNSPIN_MIN_SPIN`` (default 0.5, see
    :attr:`unspin.RestoreOptions.min_spin`), ``UNSPIN_REFS`` (a reference index, its path
    or ``postgresql://`` URL: each item is linked to its original there and restored from
    it, item by item, :func:`unspin.pipelines.refs.restore_with_refs`; opened read-only
    once), ``UNSPIN_REFS_TABLE`` (with it, a table from ``unspin learn --refs`` for what
    no reference covers); ``UNSPIN_FAST`` is still accepted and does nothing (a warning
    says so). A configured field that is missing or not a string is
    left as it is and logged (warning) through the spider's logger; the item goes on.
    Enable it with ``ITEM_PIPELINES = {"unspin.pipelines.UnspinPipeline": 300}`` (``pip
    install 'unspin[scrapy]'``).

    >>> UnspinPipeline().process_item({"text": "the court docket"})
    {'text': 'the court'}
    """

    def __init__(
        self,
        fields: Iterable[str] = ("text",),
        tables: Iterable[str | Path] = (),
        min_spin: float | None = None,
        crawler: Any = None,
        fast: bool = False,
        refs: str | None = None,
        refs_table: str | Path | None = None,
    ) -> None:
        # ``fast`` does nothing now; resolve_options warns when it is set
        overrides: dict[str, Any] = {"tables": tuple(tables), "fast": bool(fast)}
        if min_spin is not None:
            overrides["min_spin"] = float(min_spin)
        self.fields = tuple(fields)
        self.options = resolve_options(None, **overrides)
        self.crawler = crawler
        self.refs = refs or None
        self.refs_table = Path(refs_table) if refs_table else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> UnspinPipeline:
        """Build from Scrapy settings; the table, model and index load here, so a bad
        ``UNSPIN_TABLES`` or ``UNSPIN_REFS`` stops the crawl before it starts (with the
        file named)."""
        settings = crawler.settings
        min_spin = settings.get("UNSPIN_MIN_SPIN")
        pipe = cls(
            settings.getlist("UNSPIN_FIELDS") or ["text"],
            settings.getlist("UNSPIN_TABLES"),
            None if min_spin in (None, "") else settings.getfloat("UNSPIN_MIN_SPIN"),
            crawler,
            settings.getbool("UNSPIN_FAST", False),
            settings.get("UNSPIN_REFS") or None,
            settings.get("UNSPIN_REFS_TABLE") or None,
        )
        get_engine(pipe.options)
        if pipe.refs is not None:
            from .refs import open_refs

            open_refs(pipe.refs)
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
                adapter[name] = self._restore(value)
            except Exception:  # noqa: BLE001 - policy: an item is never lost to a bug here
                self._logger(spider).exception(
                    "unspin: restoring field %r failed; item passed through unchanged", name
                )
        return item

    def _restore(self, text: str) -> str:
        if self.refs is None:
            return restore(text, self.options)
        from .refs import restore_with_refs

        return restore_with_refs(
            text, self.refs, self.options, table=self.refs_table
        ).restoration.text

    def _logger(self, spider: Any) -> Any:
        if spider is None and self.crawler is not None:
            spider = getattr(self.crawler, "spider", None)
        return getattr(spider, "logger", None) or _LOG
