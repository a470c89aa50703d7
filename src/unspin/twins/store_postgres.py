"""The reference index on a PostgreSQL server, shared by many readers and writers.

Needs psycopg 3 (``pip install 'unspin[postgres]'``), imported only when a
``postgresql://`` index is opened. The schema and behaviour are those of the SQLite
file (:mod:`unspin.twins.store_sqlite`), as PostgreSQL types::

    unspin_meta    (name text PRIMARY KEY, value text)
    unspin_refs    (n bigint IDENTITY PRIMARY KEY, digest bytea UNIQUE, ref_id text,
                    size integer, body bytea)             + INDEX (ref_id, size)
    unspin_pending (run bigint IDENTITY PRIMARY KEY, postings integer, data bytea)
    unspin_buckets (bucket integer PRIMARY KEY, data bytea)
    unspin_removed (n bigint PRIMARY KEY)

Concurrent writers: each batch inserts its texts in digest order with ``INSERT ... ON
CONFLICT (digest) DO NOTHING RETURNING n``, so a text two writers add at once is stored
by one of them, and only that one writes its postings (a deadlock or serialization
failure is retried). One merge runs at a time (a session advisory lock, released by the
server if the merging process dies). Lookups read in one ``REPEATABLE READ`` snapshot.

Pointing unspin at an existing server: ``--index postgresql://USER:PASSWORD@HOST:5432/DB``
(any libpq URI; a password can also come from ``PGPASSWORD`` or ``~/.pgpass``). Give the
index a database of its own (``CREATE DATABASE unspin_refs``), or a schema of its own with
``?options=-csearch_path%3Dmyschema`` after ``CREATE SCHEMA myschema``; the first
``unspin index add`` creates the tables in it, which needs ``CREATE`` on that schema;
later writers need ``SELECT, INSERT, UPDATE, DELETE`` on the ``unspin_*`` tables and
readers ``SELECT``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .._version import __version__
from . import store_postings as sp
from .store import (
    FORMAT,
    FORMAT_VERSION,
    IndexConnectionError,
    IndexDriverError,
    IndexFormatError,
    IndexNotFoundError,
    IndexPermissionError,
    Prepared,
    check_meta,
    redact,
)
from .store_base import SqlStore

__all__ = ["PostgresStore"]

T = TypeVar("T")

#: How long a write keeps retrying after deadlocks or lost connections, in all.
RETRY_S = 600.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS unspin_meta (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS unspin_refs (
    n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, digest bytea NOT NULL UNIQUE,
    ref_id text NOT NULL, size integer NOT NULL, body bytea NOT NULL);
ALTER TABLE unspin_refs ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX IF NOT EXISTS unspin_refs_by_id ON unspin_refs (ref_id, size);
CREATE TABLE IF NOT EXISTS unspin_pending (
    run bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, postings integer NOT NULL,
    data bytea NOT NULL);
ALTER TABLE unspin_pending ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS unspin_buckets (bucket integer PRIMARY KEY, data bytea NOT NULL);
ALTER TABLE unspin_buckets ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS unspin_removed (n bigint PRIMARY KEY)
"""

_TABLES = ("unspin_meta", "unspin_refs", "unspin_pending", "unspin_buckets", "unspin_removed")
# advisory lock keys, per schema: creating the tables, and merging
_LOCK = "hashtextextended(?::text || coalesce(current_schema(), ''), 0)"


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise IndexDriverError(
            "a postgresql:// index needs psycopg 3: pip install 'unspin[postgres]'"
        ) from None
    return psycopg


class PostgresStore(SqlStore):
    """The reference index in a PostgreSQL database; see
    :func:`unspin.twins.backends.open_store` (tests start a real server with ``pgserver``)."""

    backend = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        create: bool = False,
        readonly: bool = False,
        fingerprint: str | None = None,
    ) -> None:
        self._psycopg = _driver()
        self.location = redact(url)
        self.readonly = readonly
        self._wanted = fingerprint
        self._pending = sp.PendingRuns()
        self._url = re.sub(r"^[a-z]+(\+\w+)?://", "postgresql://", url, flags=re.IGNORECASE)
        self._db = self._connect()
        try:
            meta = self._read_meta()
            if meta is None:
                if not create:
                    raise IndexNotFoundError(
                        f"{self.location}: no unspin index in this database (schema "
                        f"{self._schema()}); `unspin index add SOURCE --index URL` creates one"
                    )
                self._create()
                meta = self._read_meta()
                assert meta is not None
            self.fingerprint = check_meta(self.location, meta, self._wanted) or self._wanted
        except BaseException:
            self._db.close()
            raise

    # -- opening --------------------------------------------------------------------

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self._url, autocommit=True)
        except self._psycopg.Error as error:
            reason = " ".join(line.strip() for line in str(error).splitlines()) or repr(error)
            raise IndexConnectionError(
                f"{self.location}: cannot connect ({redact(reason)}); check that the server "
                f"runs and that the URL's host, port, user, password and database are right"
            ) from None

    def _schema(self) -> str:
        return str(self._db.execute("SELECT coalesce(current_schema(), '(none)')").fetchone()[0])

    def _read_meta(self) -> dict[str, str] | None:
        errors = self._psycopg.errors
        try:
            return dict(self._db.execute("SELECT name, value FROM unspin_meta").fetchall())
        except errors.UndefinedTable:
            return None
        except (errors.UndefinedColumn, errors.DatatypeMismatch) as error:
            raise IndexFormatError(
                f"{self.location}: its unspin_meta table is not an unspin index's ({error}); "
                f"give the index another database or schema"
            ) from None

    def _create(self) -> None:
        if self._one(self._db, "SELECT current_schema()") is None:
            raise IndexFormatError(
                f"{self.location}: no schema to create the index in: CREATE SCHEMA it first, "
                f"or fix ?options=-csearch_path%3D... in the URL"
            )
        try:
            with self._db.transaction():
                self._run(self._db, f"SELECT pg_advisory_xact_lock({_LOCK})", ("unspin-create",))
                for statement in SCHEMA.split(";"):
                    self._db.execute(statement)
                self._many(
                    self._db,
                    "INSERT INTO unspin_meta VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [
                        ("format", FORMAT),
                        ("format_version", str(FORMAT_VERSION)),
                        ("created_by", f"unspin {__version__}"),
                        ("hot_limit", str(sp.HOT_LIMIT)),
                        ("bucket_bits", str(sp.BUCKET_BITS)),
                    ],
                )
        except self._psycopg.errors.InsufficientPrivilege as error:
            raise IndexConnectionError(
                f"{self.location}: not allowed to create the index's tables ({error}); "
                f"GRANT CREATE ON SCHEMA {self._schema()} to this user, or use another schema"
            ) from None

    # -- hooks ----------------------------------------------------------------------

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def _in(self, values: Iterable[int]) -> tuple[str, object]:
        return "= ANY(?)", list(values)

    def _transaction(self, work: Callable[[Any], T], *, read: bool) -> T:
        errors = self._psycopg.errors
        retryable = (errors.DeadlockDetected, errors.SerializationFailure)
        deadline = time.monotonic() + RETRY_S
        pause = 0.01
        while True:
            try:
                with self._db.transaction():
                    if read:
                        self._db.execute(
                            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                        )
                    return work(self._db)
            except retryable:
                if time.monotonic() > deadline:
                    raise
            except errors.InsufficientPrivilege as error:
                raise IndexPermissionError(
                    f"{self.location}: not allowed ({error.diag.message_primary}); writers need "
                    f"SELECT, INSERT, UPDATE, DELETE on the unspin_* tables (and TEMP on the "
                    f"database), readers SELECT"
                ) from None
            except self._psycopg.OperationalError:
                if time.monotonic() > deadline or not self._db.broken:
                    raise
                self._db = self._connect()  # the connection dropped: try again on a new one
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _read(self, work: Callable[[Any], T]) -> T:
        return self._transaction(work, read=True)

    def _write(self, work: Callable[[Any], T]) -> T:
        if self.readonly:
            raise ValueError(
                f"{self.location}: opened read-only; open it without readonly to write"
            )
        return self._transaction(work, read=False)

    def _insert_refs(self, db: Any, items: list[Prepared]) -> list[int | None]:
        # in digest order, so that two writers of overlapping batches wait for each other
        # in one order (no deadlock); a text another writer holds uncommitted is waited for
        fresh = sorted((item for item in items if item.body), key=lambda item: item.digest)
        rows = db.execute(
            "INSERT INTO unspin_refs (digest, ref_id, size, body) "
            "SELECT * FROM unnest(%s::bytea[], %s::text[], %s::integer[], %s::bytea[]) "
            "ON CONFLICT (digest) DO NOTHING RETURNING digest, n",
            (
                [i.digest for i in fresh],
                [i.ref_id for i in fresh],
                [i.size for i in fresh],
                [i.body for i in fresh],
            ),
        ).fetchall()
        new = {bytes(digest): int(n) for digest, n in rows}
        return [new.get(item.digest) if item.body else None for item in items]

    @contextmanager
    def _merge_lock(self) -> Iterator[bool]:
        got = self._one(self._db, f"SELECT pg_try_advisory_lock({_LOCK})", ("unspin-merge",))
        if not got:
            yield False
            return
        try:
            yield True
        finally:
            self._run(self._db, f"SELECT pg_advisory_unlock({_LOCK})", ("unspin-merge",))

    def _write_buckets(self, db: Any, rows: list[sp.Row]) -> None:
        # COPY into a temporary table, then one upsert: several times executemany's speed
        if not rows:
            return
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS unspin_incoming "
            "(bucket integer, data bytea) ON COMMIT DELETE ROWS"
        )
        with db.cursor().copy("COPY unspin_incoming FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        db.execute(
            "INSERT INTO unspin_buckets SELECT * FROM unspin_incoming "
            "ON CONFLICT (bucket) DO UPDATE SET data = excluded.data"
        )

    def _merge_step(self, db: Any) -> None:
        # the session lock of _merge_lock is lost if the connection drops and is made again:
        # this one keeps every merge transaction apart from any other merge's all the same
        self._run(db, f"SELECT pg_advisory_xact_lock({_LOCK})", ("unspin-merge",))

    def _disk_bytes(self) -> int:
        return int(
            self._one(
                self._db,
                "SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(?::text[]) AS t",
                (list(_TABLES),),
            )
        )

    def close(self) -> None:
        """Close the connection (everything committed stays)."""
        self._db.close()
