"""The reference index in one SQLite file (stdlib ``sqlite3``, no server).

WAL mode: readers never block the writer nor each other; writers take turns
(``BEGIN IMMEDIATE``, a busy timeout, and a retry for as long as another process holds
the lock), so any number of ``unspin index add`` processes can share one file on one
machine (not over a network file system: SQLite's WAL needs shared memory).
``synchronous=FULL``: a committed batch survives a crash of the process or the machine.

Schema (format 1)::

    unspin_meta    (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID
    unspin_refs    (n INTEGER PRIMARY KEY AUTOINCREMENT, digest BLOB UNIQUE,
                    ref_id TEXT, size INTEGER, body BLOB)   -- body: zlib of the UTF-8 text
                   + INDEX (ref_id, size)
    unspin_pending (run INTEGER PRIMARY KEY AUTOINCREMENT, postings INTEGER, data BLOB)
    unspin_buckets (bucket INTEGER PRIMARY KEY, data BLOB)
    unspin_removed (n INTEGER PRIMARY KEY)                  -- removed, postings not yet purged

(see :mod:`unspin.twins.store_postings` for the two posting tiers).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import quote

from .._version import __version__
from . import store_postings as sp
from .store import (
    FORMAT,
    FORMAT_VERSION,
    IndexFormatError,
    IndexPermissionError,
    Prepared,
    check_meta,
    not_an_index,
    not_found,
)
from .store_base import SqlStore

__all__ = ["SqliteStore"]

T = TypeVar("T")

#: How long one statement waits for another process's lock before SQLite gives up...
BUSY_MS = 30_000
#: ...and how long a write keeps retrying after that, in all.
RETRY_S = 3600.0
PAGE_SIZE = 8192
WRITER_CACHE_KB = 64 * 1024
READER_CACHE_KB = 16 * 1024
MERGE_CLAIM_S = 900.0

SCHEMA = """
CREATE TABLE unspin_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE unspin_refs (
    n INTEGER PRIMARY KEY AUTOINCREMENT, digest BLOB NOT NULL UNIQUE,
    ref_id TEXT NOT NULL, size INTEGER NOT NULL, body BLOB NOT NULL);
CREATE INDEX unspin_refs_by_id ON unspin_refs (ref_id, size);
CREATE TABLE unspin_pending (
    run INTEGER PRIMARY KEY AUTOINCREMENT, postings INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE unspin_buckets (bucket INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE unspin_removed (n INTEGER PRIMARY KEY);
"""

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class SqliteStore(SqlStore):
    """The reference index in one SQLite file; see :func:`unspin.twins.backends.open_store`.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
    >>> with SqliteStore(path, create=True, fingerprint="demo:1") as store:
    ...     store.add([("a", "One text.", [1, 2, 3])])
    ...     store.remove("a"), store.texts([1])
    [1]
    (1, {})
    """

    backend = "sqlite"

    def __init__(
        self,
        path: str,
        *,
        create: bool = False,
        readonly: bool = False,
        fingerprint: str | None = None,
    ) -> None:
        if sqlite3.sqlite_version_info < (3, 24, 0):  # upserts
            raise IndexFormatError(
                f"{path}: the index needs SQLite 3.24 or later; this Python "
                f"has {sqlite3.sqlite_version}"
            )
        self.location = path
        self.readonly = readonly
        self._wanted = fingerprint
        self._pending = sp.PendingRuns()
        if os.path.isdir(path):
            raise not_an_index(path, "a folder")
        if not os.path.exists(path):
            if not create:
                raise not_found(path)
        else:
            with open(path, "rb") as f:
                head = f.read(16)
            if head and head != _SQLITE_MAGIC:
                raise not_an_index(path, "not an SQLite file")
        try:
            if readonly:
                uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
                self._db = sqlite3.connect(
                    uri, uri=True, isolation_level=None, timeout=BUSY_MS / 1000
                )
            else:
                self._db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_MS / 1000)
        except sqlite3.Error as error:
            raise IndexFormatError(f"{path}: cannot open the index ({error})") from None
        try:
            self._setup(create)
        except BaseException:
            self._db.close()
            raise

    # -- opening --------------------------------------------------------------------

    def _setup(self, create: bool) -> None:
        db = self._db
        cache = READER_CACHE_KB if self.readonly else WRITER_CACHE_KB
        db.execute(f"PRAGMA cache_size=-{cache}")
        db.execute("PRAGMA mmap_size=0")
        if self.readonly:
            db.execute("PRAGMA query_only=1")
        else:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA journal_size_limit=67108864")
        meta = self._retry(self._read_meta)
        if meta is None:
            if not create:
                raise not_an_index(self.location, "no unspin tables in this SQLite file")
            self._retry(self._create)
            meta = self._retry(self._read_meta)
            assert meta is not None
        self.fingerprint = check_meta(self.location, meta, self._wanted) or self._wanted

    def _read_meta(self) -> dict[str, str] | None:
        try:
            return dict(self._db.execute("SELECT name, value FROM unspin_meta"))
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and _busy(error):
                raise
            if "no such table" in str(error) or "no such column" in str(error):
                return None
            raise not_an_index(self.location, str(error)) from None

    def _create(self) -> None:
        db = self._db
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master")]
        if tables and "unspin_meta" not in tables:  # someone else's database: leave it be
            raise not_an_index(self.location, "an SQLite file with other tables")
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        if db.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
            raise IndexFormatError(f"{self.location}: cannot switch the file to WAL mode")
        db.execute("BEGIN IMMEDIATE")
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master")]
            if "unspin_meta" not in tables:  # another process may have just created it
                if tables:
                    raise not_an_index(self.location, "an SQLite file with other tables")
                for statement in filter(str.strip, SCHEMA.split(";")):
                    db.execute(statement)
                db.executemany(
                    "INSERT INTO unspin_meta VALUES (?, ?)",
                    [
                        ("format", FORMAT),
                        ("format_version", str(FORMAT_VERSION)),
                        ("created_by", f"unspin {__version__}"),
                        ("hot_limit", str(sp.HOT_LIMIT)),
                        ("bucket_bits", str(sp.BUCKET_BITS)),
                    ],
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # -- transactions ---------------------------------------------------------------

    def _retry(self, work: Callable[[], T]) -> T:
        """Run ``work`` again while another process holds the lock (up to RETRY_S)."""
        deadline = time.monotonic() + RETRY_S
        pause = 0.01
        while True:
            try:
                return work()
            except sqlite3.OperationalError as error:
                if not _busy(error) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one write transaction (``BEGIN IMMEDIATE``), retried if busy."""
        if self.readonly:
            raise ValueError(
                f"{self.location}: opened read-only; open it without readonly to write"
            )

        def once() -> T:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._db)
                self._db.execute("COMMIT")
                return result
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

        try:
            return self._retry(once)
        except sqlite3.OperationalError as error:
            if "readonly" not in str(error):
                raise
            raise IndexPermissionError(
                f"{self.location}: cannot write the file ({error}): check the permissions of "
                f"the file and its folder (SQLite writes -wal and -shm files beside it)"
            ) from None

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one read transaction: one consistent snapshot."""

        def once() -> T:
            self._db.execute("BEGIN")
            try:
                return work(self._db)
            finally:
                if self._db.in_transaction:
                    self._db.execute("COMMIT")

        return self._retry(once)

    def _in(self, values: Iterable[int]) -> tuple[str, object]:
        return "IN (SELECT value FROM json_each(?))", json.dumps(list(values))

    def _insert_refs(self, db: sqlite3.Connection, items: list[Prepared]) -> list[int | None]:
        # BEGIN IMMEDIATE made this the only writer: no other insert can race ours
        out: list[int | None] = []
        for item in items:
            number = None
            if item.body:
                cur = db.execute(
                    "INSERT INTO unspin_refs (digest, ref_id, size, body) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (digest) DO NOTHING",
                    (item.digest, item.ref_id, item.size, item.body),
                )
                number = cur.lastrowid if cur.rowcount == 1 else None
            out.append(number)
        return out

    @contextmanager
    def _merge_lock(self) -> Iterator[bool]:
        # a claim in the meta table, so that two writers do not both start the same
        # long merge (a merge also checks its runs are still there: two would be safe)
        claim = f"{os.getpid()}:{time.time()}"
        if not self._write(lambda db: self._take_claim(db, claim)):
            yield False
            return
        try:
            yield True
        finally:
            self._write(
                lambda db: db.execute(
                    "DELETE FROM unspin_meta WHERE name = 'merge_claim' AND value = ?", (claim,)
                )
            )

    def _take_claim(self, db: sqlite3.Connection, claim: str) -> bool:
        row = db.execute("SELECT value FROM unspin_meta WHERE name = 'merge_claim'").fetchone()
        if row is not None:
            pid, _, started = row[0].partition(":")
            if time.time() - float(started) < MERGE_CLAIM_S and _alive(int(pid)):
                return False
        db.execute("INSERT OR REPLACE INTO unspin_meta VALUES ('merge_claim', ?)", (claim,))
        return True

    def _disk_bytes(self) -> int:
        files = [self.location + suffix for suffix in ("", "-wal")]
        return sum(os.path.getsize(f) for f in files if os.path.exists(f))

    # -- lifetime -------------------------------------------------------------------

    def close(self) -> None:
        """Close the file (everything committed stays)."""
        self._db.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
