"""Restore Dask bags and dataframes (or pandas ones) across workers."""

from __future__ import annotations

import logging
from typing import Any

from ..options import RestoreOptions, resolve_options
from ..restore.api import restore

__all__ = ["restore_bag", "restore_dataframe"]

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
