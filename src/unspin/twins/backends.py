"""Opening the reference index: the backend a location names (a path: one SQLite file;
``postgresql://...``: a PostgreSQL server), behind :class:`~unspin.twins.store.ReferenceStore`."""

from __future__ import annotations

import os

from .store import ReferenceStore, is_server_url

__all__ = ["open_store"]


def open_store(
    location: str | os.PathLike[str],
    *,
    create: bool = False,
    readonly: bool = False,
    fingerprint: str | None = None,
) -> ReferenceStore:
    """Open the reference index at ``location`` (a path, or a ``postgresql://`` URL).

    ``create`` makes a new empty index where there is none (never over another file);
    ``readonly`` refuses writes. ``fingerprint`` is the signature of the keys the caller
    computes: the first ``add`` records it and every later open with another one raises
    :class:`IndexFingerprintError`; ``add`` needs it, reading does not.

    >>> import tempfile, os
    >>> open_store(os.path.join(tempfile.mkdtemp(), "none.unspin"))
    Traceback (most recent call last):
    ...
    unspin.twins.store.IndexNotFoundError: ...none.unspin: no index there; \
`unspin index add SOURCE --index ...none.unspin` creates one
    """
    if create and readonly:
        raise ValueError("open_store: create and readonly exclude each other")
    if is_server_url(location):
        from .store_postgres import PostgresStore

        return PostgresStore(
            str(location), create=create, readonly=readonly, fingerprint=fingerprint
        )
    from .store_sqlite import SqliteStore

    return SqliteStore(
        os.fspath(location), create=create, readonly=readonly, fingerprint=fingerprint
    )
