"""What both index backends do alike, over a few hooks each backend fills in.

The schema and every statement are the same on SQLite and PostgreSQL; a backend says
how it opens a transaction, how a list goes into ``IN``, how it inserts references
(so that concurrent writers store each text once) and how it keeps two merges apart.
SQL here is written with ``?`` placeholders (PostgreSQL's backend turns them into
``%s``), so no statement may hold a literal ``?`` or ``%``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import numpy as np

from . import store_postings as sp
from .store import (
    RESERVED_META,
    Prepared,
    Reference,
    ReferenceStore,
    fingerprint_mismatch,
    prepare,
    text_digest,
    unpack_text,
)

__all__ = ["SqlStore"]

T = TypeVar("T")
Db = Any  # an sqlite3.Connection or a psycopg.Connection: both have execute()


class SqlStore(ReferenceStore):
    """The reference index over one SQL connection; subclasses give the hooks."""

    #: "sqlite" or "postgresql".
    backend: str
    location: str
    fingerprint: str | None
    readonly: bool
    _wanted: str | None
    _pending: sp.PendingRuns

    # -- hooks ----------------------------------------------------------------------

    def _read(self, work: Callable[[Db], T]) -> T:
        """Run ``work(db)`` in one read transaction (one consistent snapshot)."""
        raise NotImplementedError

    def _write(self, work: Callable[[Db], T]) -> T:
        """Run ``work(db)`` in one write transaction, retried while another holds a lock."""
        raise NotImplementedError

    def _in(self, values: Iterable[int]) -> tuple[str, object]:
        """An ``IN``-list test (SQL after the column, one parameter) for integers."""
        raise NotImplementedError

    def _insert_refs(self, db: Db, items: list[Prepared]) -> list[int | None]:
        """Insert the new texts of a batch; each item's new number, None if known."""
        raise NotImplementedError

    def _merge_lock(self) -> AbstractContextManager[bool]:
        """Held around a merge; yields False when another merge is running."""
        raise NotImplementedError

    def _merge_step(self, db: Db) -> None:
        """First thing in each of a merge's write transactions: whatever keeps two merges'
        read-modify-writes of one bucket apart (SQLite's one writer already does)."""

    def _disk_bytes(self) -> int:
        """Bytes the index takes on disk."""
        raise NotImplementedError

    def _write_buckets(self, db: Db, rows: list[sp.Row]) -> None:
        """Insert or replace bucket rows (a merge's bulk of writing)."""
        self._many(
            db,
            "INSERT INTO unspin_buckets VALUES (?, ?) "
            "ON CONFLICT (bucket) DO UPDATE SET data = excluded.data",
            rows,
        )

    def _sql(self, statement: str) -> str:
        return statement

    def _run(self, db: Db, statement: str, params: Iterable[object] = ()) -> Any:
        return db.execute(self._sql(statement), tuple(params))

    def _many(self, db: Db, statement: str, rows: list[tuple[object, ...]]) -> None:
        if rows:
            db.cursor().executemany(self._sql(statement), rows)

    def _column(self, db: Db, statement: str, params: Iterable[object] = ()) -> list[Any]:
        return [row[0] for row in self._run(db, statement, params)]

    def _one(self, db: Db, statement: str, params: Iterable[object] = ()) -> Any:
        row = self._run(db, statement, params).fetchone()
        return None if row is None else row[0]

    # -- writing --------------------------------------------------------------------

    def add(self, batch: Iterable[Reference]) -> list[int | None]:
        """Add a batch in one transaction; per item its new number, None if its text was
        already stored (under any id, or earlier in this batch)."""
        if self.readonly:
            raise ValueError(f"{self.location}: opened read-only; open it without readonly to add")
        if self._wanted is None:
            raise ValueError(f"{self.location}: open the index with fingerprint=... to add")
        items = prepare(batch)
        per_ref = [sp.key_codes(item.keys) for item in items]

        def work(db: Db) -> tuple[list[int | None], int]:
            self._claim_fingerprint(db)
            numbers = self._insert_refs(db, items)
            count, blob = sp.encode_run(
                (n, c) for n, c in zip(numbers, per_ref, strict=True) if n is not None
            )
            if count:
                self._run(
                    db, "INSERT INTO unspin_pending (postings, data) VALUES (?, ?)", (count, blob)
                )
            return numbers, int(
                self._one(db, "SELECT coalesce(sum(postings), 0) FROM unspin_pending")
            )

        numbers, waiting = self._write(work)
        if waiting >= sp.MERGE_AT:
            self.merge()
        return numbers

    def _claim_fingerprint(self, db: Db) -> None:
        query = "SELECT value FROM unspin_meta WHERE name = 'fingerprint'"
        stored = self._one(db, query)
        if stored is None:
            self._run(
                db,
                "INSERT INTO unspin_meta VALUES ('fingerprint', ?) ON CONFLICT DO NOTHING",
                (self._wanted,),
            )
            stored = self._one(db, query)
        if stored != self._wanted:
            raise fingerprint_mismatch(self.location, stored, str(self._wanted))
        self.fingerprint = self._wanted

    def remove(self, ref_id: str) -> int:
        """Remove every text stored under ``ref_id`` (one transaction); how many."""

        def work(db: Db) -> tuple[int, int]:
            numbers = self._column(db, "SELECT n FROM unspin_refs WHERE ref_id = ?", (ref_id,))
            numbers_in, param = self._in(numbers)
            self._run(db, f"DELETE FROM unspin_refs WHERE n {numbers_in}", (param,))
            self._many(
                db,
                "INSERT INTO unspin_removed VALUES (?) ON CONFLICT DO NOTHING",
                [(n,) for n in numbers],
            )
            return len(numbers), int(self._one(db, "SELECT count(*) FROM unspin_removed"))

        count, tombstones = self._write(work)
        if tombstones >= sp.PURGE_AT:
            self.merge()
        return count

    def set_meta(self, name: str, value: str) -> None:
        """Store a string with the index (one transaction); the index's own names refused."""
        if name in RESERVED_META:
            raise ValueError(f"meta name {name!r} is the index's own; pick another")
        self._write(
            lambda db: self._run(
                db,
                "INSERT INTO unspin_meta VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, str(value)),
            )
        )

    def merge(self) -> bool:
        """Fold the pending runs into the buckets and purge removed references' postings
        now (``add`` and ``remove`` do it by themselves when enough has gathered); whether
        anything was merged (False also when another process is merging)."""
        with self._merge_lock() as mine:
            return mine and self._merge()

    def _merge(self) -> bool:
        def snapshot(db: Db) -> tuple[list[tuple[int, bytes]], list[int]]:
            # the oldest runs, up to twice MERGE_AT postings: memory stays bounded even when
            # merges fell behind (a later merge takes the rest)
            sizes = self._run(db, "SELECT run, postings FROM unspin_pending ORDER BY run")
            take, total = [], 0
            for run, postings in sizes:
                if take and total + postings > 2 * sp.MERGE_AT:
                    break
                take.append(run)
                total += postings
            every = len(take) == int(self._one(db, "SELECT count(*) FROM unspin_pending"))
            take_in, param = self._in(take)
            runs = [
                (r, bytes(b))
                for r, b in self._run(
                    db,
                    f"SELECT run, data FROM unspin_pending WHERE run {take_in} ORDER BY run",
                    (param,),
                )
            ]
            # removed references are purged for good only by a merge that takes every run
            # (another run could still hold their postings)
            removed = self._column(db, "SELECT n FROM unspin_removed") if every else []
            return runs, removed

        runs, removed = self._read(snapshot)
        if not runs and not removed:
            return False
        run_ids = [run for run, _ in runs]
        decoded = [sp.decode_run(blob) for _, blob in runs]
        del runs
        new_codes = np.concatenate([c for c, _ in decoded] or [np.zeros(0, np.uint64)])
        new_refs = np.concatenate([r for _, r in decoded] or [np.zeros(0, np.uint32)])
        del decoded
        order = np.argsort(new_codes, kind="stable")
        new_codes, new_refs = new_codes[order], new_refs[order]
        runs_in, runs_param = self._in(run_ids)

        def ours_still_pending(db: Db) -> bool:
            self._merge_step(db)
            found = self._one(
                db, f"SELECT count(*) FROM unspin_pending WHERE run {runs_in}", (runs_param,)
            )
            return bool(found == len(run_ids))

        def fold(db: Db, first: int, last: int, new: slice) -> bool:
            if not ours_still_pending(db):
                return False  # another merge folded them in meanwhile
            gone = np.array(self._column(db, "SELECT n FROM unspin_removed"), np.uint32)
            old = [
                (b, bytes(d))
                for b, d in self._run(
                    db,
                    "SELECT bucket, data FROM unspin_buckets WHERE bucket BETWEEN ? AND ?",
                    (first, last),
                )
            ]
            writes, deletes = sp.merge_chunk(old, new_codes[new], new_refs[new], gone)
            self._write_buckets(db, writes)
            self._many(db, "DELETE FROM unspin_buckets WHERE bucket = ?", [(b,) for b in deletes])
            return True

        merged = (
            int(
                self._read(
                    lambda db: self._one(
                        db, "SELECT coalesce(sum(length(data)), 0) FROM unspin_buckets"
                    )
                )
            )
            // 8
        )
        shift = np.uint64(sp.SUB_BITS)
        for first, last in sp.merge_ranges(new_codes, merged, purge=bool(removed)):
            lo = int(np.searchsorted(new_codes, np.uint64(first) << shift))
            hi = int(np.searchsorted(new_codes, np.uint64(last + 1) << shift))
            if not self._write(lambda db, f=first, la=last, s=slice(lo, hi): fold(db, f, la, s)):
                return False

        def finish(db: Db) -> bool:
            if not ours_still_pending(db):
                return False
            self._run(db, f"DELETE FROM unspin_pending WHERE run {runs_in}", (runs_param,))
            gone_in, gone_param = self._in(removed)
            self._run(db, f"DELETE FROM unspin_removed WHERE n {gone_in}", (gone_param,))
            return True

        return self._write(finish)

    # -- reading --------------------------------------------------------------------

    def postings(self, keys: Iterable[int], cap: int) -> dict[int, list[int]]:
        """For each of ``keys`` held by any reference, its first ``cap + 1`` reference
        numbers, ascending (a list that long says: a hot key). ``cap`` < ``HOT_LIMIT``."""
        if not 0 <= cap < sp.HOT_LIMIT:
            raise ValueError(f"cap must be in [0, {sp.HOT_LIMIT}), not {cap}")
        wanted = sorted({int(k) for k in keys})
        if not wanted:
            return {}
        code_of = sp.codes(wanted)
        query = np.unique(code_of)
        buckets_in, buckets_param = self._in(sorted(set(sp.bucket_of(query).tolist())))

        def work(db: Db) -> tuple[list[sp.Row], np.ndarray]:
            ids = self._column(db, "SELECT run FROM unspin_pending")
            self._pending.sync(ids, lambda missing: self._fetch_runs(db, missing))
            gone = np.array(self._column(db, "SELECT n FROM unspin_removed"), np.uint32)
            rows = self._run(
                db,
                "SELECT bucket, data FROM unspin_buckets WHERE bucket "
                f"{buckets_in} ORDER BY bucket",
                (buckets_param,),
            ).fetchall()
            return rows, gone

        rows, gone = self._read(work)
        found = sp.lookup(query, rows, self._pending, gone, cap)
        by_code = {c: f for c, f in zip(query.tolist(), found, strict=True) if f}
        return {
            k: by_code[c] for k, c in zip(wanted, code_of.tolist(), strict=True) if c in by_code
        }

    def _fetch_runs(self, db: Db, runs: list[int]) -> Iterator[tuple[int, bytes]]:
        runs_in, param = self._in(runs)
        for run, blob in self._run(
            db, f"SELECT run, data FROM unspin_pending WHERE run {runs_in}", (param,)
        ):
            yield run, bytes(blob)

    def texts(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        """``{number: (ref_id, text)}`` for those of ``numbers`` still stored."""
        wanted, param = self._in(sorted({int(n) for n in numbers}))
        rows = self._read(
            lambda db: self._run(
                db, f"SELECT n, ref_id, body FROM unspin_refs WHERE n {wanted}", (param,)
            ).fetchall()
        )
        return {n: (ref_id, unpack_text(bytes(body))) for n, ref_id, body in rows}

    def find_text(self, text: str) -> int | None:
        """The number of the reference with exactly this text, or None."""
        found = self._read(
            lambda db: self._one(
                db, "SELECT n FROM unspin_refs WHERE digest = ?", (text_digest(text),)
            )
        )
        return None if found is None else int(found)

    def contains_text(self, text: str) -> bool:
        """Whether exactly this text is stored."""
        return self.find_text(text) is not None

    def get_meta(self, name: str) -> str | None:
        """A string stored with the index (None if unset)."""
        return self._read(
            lambda db: self._one(db, "SELECT value FROM unspin_meta WHERE name = ?", (name,))
        )

    def stats(self) -> dict[str, object]:
        """Counts and sizes: ``documents`` (distinct texts), ``last_number`` (the highest
        reference number in use), ``text_bytes`` (their UTF-8 size), postings merged and
        pending, ``disk_bytes``, the format and fingerprint."""

        def work(db: Db) -> dict[str, object]:
            meta = dict(self._run(db, "SELECT name, value FROM unspin_meta"))
            count = lambda sql: int(self._one(db, sql))  # noqa: E731
            return {
                "documents": count("SELECT count(*) FROM unspin_refs"),
                "last_number": count("SELECT coalesce(max(n), 0) FROM unspin_refs"),
                "text_bytes": count("SELECT coalesce(sum(size), 0) FROM unspin_refs"),
                "postings_merged": count(
                    "SELECT coalesce(sum(length(data)), 0) FROM unspin_buckets"
                )
                // 8,
                "postings_pending": count("SELECT coalesce(sum(postings), 0) FROM unspin_pending"),
                "pending_runs": count("SELECT count(*) FROM unspin_pending"),
                "removed_unpurged": count("SELECT count(*) FROM unspin_removed"),
                "format_version": int(meta["format_version"]),
                "fingerprint": meta.get("fingerprint"),
                "hot_limit": int(meta.get("hot_limit", sp.HOT_LIMIT)),
            }

        out = self._read(work)
        out["disk_bytes"] = self._disk_bytes()
        out["backend"] = self.backend
        return out

    # -- lifetime -------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (everything committed stays)."""
        raise NotImplementedError

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
