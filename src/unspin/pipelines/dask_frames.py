"""Restore Dask bags and dataframes (or pandas ones) across workers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..options import RestoreOptions, resolve_options
from ..restore.api import restore

if TYPE_CHECKING:
    from .refs import Refs

__all__ = ["restore_bag", "restore_dataframe"]

_LOG = logging.getLogger("unspin.pipelines")


#: Where a worker finds the index: its location (path or URL) and the learned table.
RefsAt = tuple[str, str | None] | None


def _restored(text: str, options: RestoreOptions, refs: RefsAt) -> str:
    """``text`` restored, against the index when ``refs`` names one (each worker opens it
    read-only once, :func:`unspin.pipelines.refs.open_refs`)."""
    if refs is None:
        return restore(text, options)
    from pathlib import Path

    from .refs import restore_with_refs

    location, table = refs
    learned = Path(table) if table else None
    return restore_with_refs(text, location, options, table=learned).restoration.text


def _restore_record(record: Any, field: str, options: RestoreOptions, refs: RefsAt = None) -> Any:
    """``record`` with ``field`` restored; a record without a string there comes back
    as it is (logged), so a bag never loses one."""
    value = record.get(field) if isinstance(record, dict) else None
    if not isinstance(value, str):
        _LOG.warning("unspin: record without a string field %r passed through unchanged", field)
        return record
    return {**record, field: _restored(value, options, refs)}


def _restore_text(value: Any, options: RestoreOptions, refs: RefsAt = None) -> Any:
    """Restore a string; anything else (None, NaN, numbers) comes back as it is."""
    return _restored(value, options, refs) if isinstance(value, str) else value


def _restore_series(series: Any, options: RestoreOptions, refs: RefsAt = None) -> Any:
    """A copy of a pandas series with its string cells restored (dtype kept)."""
    out = series.copy()
    texts = series.map(lambda value: isinstance(value, str)).astype(bool)
    out[texts] = [_restored(value, options, refs) for value in series[texts]]
    return out


def _refs_at(refs: Refs | None, refs_table: str | None) -> RefsAt:
    """What workers need to open the index: its location and the learned table."""
    if refs is None:
        return None
    from .refs import refs_location

    return (refs_location(refs), str(refs_table) if refs_table else None)


def restore_bag(
    bag: Any,
    field: str | None = None,
    *,
    refs: Refs | None = None,
    refs_table: str | None = None,
    **overrides: Any,
) -> Any:
    """Restore a Dask bag of strings (or of dict records, given ``field``) across workers.

    Output is element for element what :func:`unspin.restore` gives in one process (with
    ``refs``, what ``unspin.restore(text, refs=..., refs_table=...)`` gives: each element
    linked to its original in that index, a path or ``postgresql://`` URL that every
    worker opens read-only once; an open index is passed on by its location). Each
    worker process loads the table and model once (cached per process), on first use.
    Non-string elements and records without a string ``field`` pass through unchanged.
    Needs ``pip install 'unspin[distributed]'``.

    >>> import dask.bag as db
    >>> restore_bag(db.from_sequence(["the court docket", None])).compute(scheduler="sync")
    ['the court', None]
    """
    opts = resolve_options(None, **overrides)
    at = _refs_at(refs, refs_table)
    if field is None:
        return bag.map(_restore_text, opts, at)
    return bag.map(_restore_record, field, opts, at)


def restore_dataframe(
    frame: Any,
    column: str,
    *,
    refs: Refs | None = None,
    refs_table: str | None = None,
    **overrides: Any,
) -> Any:
    """Restore one text column of a Dask (or pandas) dataframe; other columns, the
    index and non-string cells (None, NaN) are kept; ``refs`` and ``refs_table`` as
    :func:`restore_bag` takes them.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2], "text": ["the court docket", "a clean line"]})
    >>> restore_dataframe(df, "text")["text"].tolist()
    ['the court', 'a clean line']
    """
    opts = resolve_options(None, **overrides)
    at = _refs_at(refs, refs_table)
    column_data = frame[column]
    if hasattr(column_data, "map_partitions"):
        restored = column_data.map_partitions(_restore_series, opts, at, meta=column_data._meta)
    else:
        restored = _restore_series(column_data, opts, at)
    return frame.assign(**{column: restored})
