"""How the reference index lays out its postings, shared by both backends (numpy).

Postings (``key -> reference number``) live in two tiers, so that adding stays fast
however big the index grows and the disk holds 6-9 bytes a posting:

* **pending runs**: each ``add`` writes its postings as one immutable row, sorted by
  code (about 6 bytes a posting, deflated). Appending never touches the rest of the
  index (a random insert into a big B-tree rewrites a whole page for every posting:
  measured, a naive ``(key, ref)`` table fell from 3,060 references/s at 50,000 to 881
  at 200,000 and 439 at 550,000, at 18.5 bytes a posting).
* **buckets**: :func:`merge_chunk` folds the pending runs into one row per bucket (the
  top :data:`BUCKET_BITS` bits of a key's code), its postings as sorted pairs of 32-bit
  sub-code (the code's other bits) and 32-bit reference number. A merge rewrites the
  buckets a range at a time, in short transactions; merging a run twice changes
  nothing (exact duplicates collapse), so a merge cut short is simply redone.

A key is mixed (splitmix64) before it is cut into bucket and sub-code, so keys that
crowd one end of the 64-bit range (bottom-k sampling keeps the *smallest* hashes) still
spread evenly; the stored code keeps the mixed key's top 48 bits: two different keys
share a code with probability 2^-48 (a query key meets a spurious posting about once in
7 million at 40 million postings). Once merged, a key keeps at most :data:`HOT_LIMIT` + 1
postings, the lowest numbers: a key that common is skipped by every caller anyway
(removing references can leave such a key with fewer kept numbers than holders).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

#: Bits of a stored code (the mixed key's top bits).
CODE_BITS = 48
#: Bits of a code that choose its bucket: 524,288 bucket rows, ~70 postings (~550 bytes)
#: each at a million references. Rows that small pack 8 KB pages (9 B a posting on disk)
#: and a lookup reads one row a key; 65,536 rows of ~4.4 KB at a million left 41% of
#: their 4 KB pages unused, and cutting them into ~1 KB rows made lookups 2.5x slower.
BUCKET_BITS = 19
#: Bits of a code kept in the bucket row (a uint32).
SUB_BITS = CODE_BITS - BUCKET_BITS
#: Postings (merged and new) a merge rewrites per transaction, at most 64 transactions.
CHUNK_POSTINGS = 1_000_000
#: Postings a key keeps once merged, beyond which it is hot: HOT_LIMIT + 1 are kept.
HOT_LIMIT = 1024
#: Pending postings that make ``add`` merge them into the buckets.
MERGE_AT = 2_000_000
#: Removed references whose postings make ``remove`` purge them.
PURGE_AT = 20_000

_CODE_SHIFT = 64 - CODE_BITS
_SUB_MASK = np.uint64((1 << SUB_BITS) - 1)
_U64 = np.dtype("<u8")
_U32 = np.dtype("<u4")
_EMPTY_CODES = np.zeros(0, _U64)
_EMPTY_REFS = np.zeros(0, _U32)


def codes(keys: Sequence[int] | np.ndarray) -> np.ndarray:
    """The stored codes of fingerprint keys (mixed, top :data:`CODE_BITS`), as uint64.

    >>> c = codes([0, 1, 2**63 - 1])
    >>> c.dtype.name, bool(c.max() < 2**48), len(set(c.tolist()))
    ('uint64', True, 3)
    """
    try:
        x = np.asarray(keys, dtype=np.uint64)
    except (OverflowError, ValueError, TypeError) as error:
        raise ValueError(f"fingerprint keys must be integers in [0, 2**64): {error}") from None
    x = x.copy()
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x >> np.uint64(_CODE_SHIFT)


def bucket_of(code: np.ndarray) -> np.ndarray:
    """The bucket of each code (int64, for SQL parameters)."""
    return (code >> np.uint64(SUB_BITS)).astype(np.int64)


def key_codes(keys: Sequence[int]) -> np.ndarray:
    """One reference's distinct codes, sorted."""
    return np.unique(codes(keys))


def encode_run(numbered: Iterable[tuple[int, np.ndarray]]) -> tuple[int, bytes]:
    """One pending run from ``(reference number, key_codes(keys))`` pairs: ``(postings, blob)``.

    The blob is the sorted codes and their numbers, byte-shuffled (all first bytes, then
    all second bytes...) and deflated: about 6 bytes a posting instead of 12.

    >>> n, blob = encode_run([(1, key_codes([5, 6])), (2, key_codes([5, 5]))])
    >>> n, sorted(decode_run(blob)[1].tolist())
    (3, [1, 1, 2])
    """
    parts, owners = [], []
    for number, c in numbered:
        parts.append(c)
        owners.append(np.full(len(c), number, _U32))
    if not parts:
        return 0, b""
    c, r = np.concatenate(parts), np.concatenate(owners)
    order = np.lexsort((r, c))
    c, r = c[order].astype(_U64), r[order].astype(_U32)
    m = len(c)
    shuffled = (
        c.view(np.uint8).reshape(m, 8).T.tobytes() + r.view(np.uint8).reshape(m, 4).T.tobytes()
    )
    return m, zlib.compress(shuffled, 1)


def decode_run(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A pending run's sorted codes and their reference numbers."""
    raw = np.frombuffer(zlib.decompress(blob), np.uint8)
    m = len(raw) // 12
    c = np.ascontiguousarray(raw[: 8 * m].reshape(8, m).T).view(_U64).reshape(m)
    r = np.ascontiguousarray(raw[8 * m :].reshape(4, m).T).view(_U32).reshape(m)
    return c, r


Row = tuple[int, bytes]  # a bucket row: (bucket, its sorted (sub-code, number) pairs)


def _decode_buckets(rows: Sequence[Row]) -> tuple[np.ndarray, np.ndarray]:
    """Codes and reference numbers of bucket rows in bucket order, as two sorted arrays."""
    if not rows:
        return _EMPTY_CODES, _EMPTY_REFS
    pairs = np.frombuffer(b"".join(blob for _, blob in rows), _U32).reshape(-1, 2)
    ids = np.repeat(np.array([b for b, _ in rows], np.uint64), [len(blob) // 8 for _, blob in rows])
    return (ids << np.uint64(SUB_BITS)) | pairs[:, 0].astype(np.uint64), pairs[:, 1]


def merge_ranges(new_codes: np.ndarray, merged: int, purge: bool) -> list[tuple[int, int]]:
    """The bucket ranges ``(first, last)`` a merge rewrites, one transaction each: about
    :data:`CHUNK_POSTINGS` postings apiece, only those new postings fall in unless removed
    references are to be purged everywhere.

    >>> merge_ranges(codes([1, 2, 3]), merged=0, purge=False)
    [(0, 524287)]
    >>> len(merge_ranges(np.zeros(0, np.uint64), merged=10**8, purge=True))
    64
    """
    need = max(1, -(-(merged + len(new_codes)) // CHUNK_POSTINGS))
    size = (1 << BUCKET_BITS) >> min(6, (need - 1).bit_length())
    starts = range(0, 1 << BUCKET_BITS, size)
    touched = set((bucket_of(new_codes) // size).tolist())
    return [(a, a + size - 1) for a in starts if purge or a // size in touched]


def merge_chunk(
    old_rows: Sequence[Row],
    new_codes: np.ndarray,
    new_refs: np.ndarray,
    removed: np.ndarray,
) -> tuple[list[Row], list[int]]:
    """Fold new postings into a range's bucket rows: ``(rows to write, buckets to delete)``.

    Removed references are dropped, exact duplicates collapse, a key keeps its
    :data:`HOT_LIMIT` + 1 lowest numbers; rows that come out unchanged are not rewritten.

    >>> c = codes([7, 8])
    >>> rows, gone = merge_chunk([], c, np.array([3, 4], np.uint32), np.zeros(0, np.uint32))
    >>> again, _ = merge_chunk(rows, c, np.array([3, 4], np.uint32), np.zeros(0, np.uint32))
    >>> len(rows), again, gone
    (2, [], [])
    """
    old_codes, old_refs = _decode_buckets(sorted(old_rows))
    code = np.concatenate([old_codes, new_codes.astype(np.uint64)])
    ref = np.concatenate([old_refs, new_refs.astype(np.uint32)])
    if len(removed):
        keep = ~np.isin(ref, removed)
        code, ref = code[keep], ref[keep]
    # two sorted runs: a stable sort merges them in linear time; numbers within a code are
    # then ascending unless a writer committed out of order (PostgreSQL): sort fully then
    order = np.argsort(code, kind="stable")
    code, ref = code[order], ref[order]
    same = code[1:] == code[:-1]
    if np.any(same & (ref[1:] < ref[:-1])):
        order = np.lexsort((ref, code))
        code, ref = code[order], ref[order]
        same = code[1:] == code[:-1]
    if len(code):
        fresh = np.ones(len(code), bool)
        fresh[1:] = ~same | (ref[1:] != ref[:-1])
        code, ref = code[fresh], ref[fresh]
        starts = np.ones(len(code), bool)
        starts[1:] = code[1:] != code[:-1]
        index = np.arange(len(code))
        rank = index - np.maximum.accumulate(np.where(starts, index, 0))
        keep = rank <= HOT_LIMIT
        code, ref = code[keep], ref[keep]
    bucket = bucket_of(code)
    cuts = (np.flatnonzero(np.diff(bucket)) + 1).tolist()
    packed = memoryview(
        np.stack([(code & _SUB_MASK).astype(_U32), ref.astype(_U32)], axis=1).tobytes()
    )
    old = dict(old_rows)
    writes: list[Row] = []
    for lo, hi in zip([0, *cuts], [*cuts, len(code)], strict=True):
        if hi <= lo:
            continue
        b = int(bucket[lo])
        blob = bytes(packed[8 * lo : 8 * hi])
        if old.pop(b, None) != blob:
            writes.append((b, blob))
    return writes, sorted(old)


class PendingRuns:
    """A reader's copy of the pending runs, kept in step with the index cheaply.

    Runs never change once written, so each is read once. They are kept as a few sorted
    segments of geometrically growing size (two neighbours merge when the older is under
    1.5 times the newer), so a lookup searches O(log n) arrays and each posting is
    re-sorted O(log n) times. Memory is bounded by :data:`MERGE_AT` postings (12 bytes
    each) while merges keep up.
    """

    def __init__(self) -> None:
        self._segments: list[tuple[frozenset[int], np.ndarray, np.ndarray]] = []

    def sync(
        self, ids: Iterable[int], load: Callable[[list[int]], Iterable[tuple[int, bytes]]]
    ) -> None:
        """Bring the copy to the runs ``ids`` (the index's now), reading new ones by ``load``."""
        now = set(ids)
        if any(not runs <= now for runs, _, _ in self._segments):
            self._segments = []  # a merge took runs away: start again from what is left
        known = set().union(*(runs for runs, _, _ in self._segments))
        missing = sorted(now - known)
        for run, blob in load(missing) if missing else ():
            self._segments.append((frozenset({run}), *decode_run(bytes(blob))))
            while len(self._segments) > 1 and (
                2 * len(self._segments[-2][1]) < 3 * len(self._segments[-1][1])
            ):
                (a, ca, ra), (b, cb, rb) = self._segments[-2:]
                c, r = np.concatenate([ca, cb]), np.concatenate([ra, rb])
                order = np.lexsort((r, c))
                self._segments[-2:] = [(a | b, c[order], r[order])]

    def find(self, query: np.ndarray, limit: int) -> list[list[np.ndarray]]:
        """For each query code (sorted), the first ``limit`` reference numbers each run
        holds for it."""
        found: list[list[np.ndarray]] = [[] for _ in range(len(query))]
        for _, c, r in self._segments:
            for i, lo, hi in _spans(c, query, limit):
                found[i].append(r[lo:hi])
        return found


def lookup(
    query: np.ndarray,
    buckets: Sequence[Row],
    pending: PendingRuns,
    removed: np.ndarray,
    cap: int,
) -> list[list[int]]:
    """For each (sorted, distinct) query code, its first ``cap + 1`` live reference numbers
    (ascending; empty when the code has none). ``buckets``: rows in bucket order."""
    limit = cap + 1 + len(removed)  # each source is ascending: its first `limit` will do
    found = pending.find(query, limit)
    if buckets:
        stored, refs = _decode_buckets(buckets)
        for i, lo, hi in _spans(stored, query, limit):
            found[i].append(refs[lo:hi])
    out: list[list[int]] = []
    for parts in found:
        if len(parts) == 1 and not len(removed):
            out.append(parts[0][: cap + 1].tolist())
        elif parts:
            numbers = np.concatenate(parts)
            numbers.sort()
            numbers = numbers[np.r_[True, numbers[1:] != numbers[:-1]]]
            if len(removed):
                numbers = numbers[~np.isin(numbers, removed)]
            out.append(numbers[: cap + 1].tolist())
        else:
            out.append([])
    return out


def _spans(stored: np.ndarray, query: np.ndarray, limit: int) -> Iterator[tuple[int, int, int]]:
    """``(query index, start, end)`` of the stored entries equal to each query code (sorted
    arrays), at most ``limit`` each. One full binary search; the second only for hits."""
    if not len(stored):
        return
    lo = np.searchsorted(stored, query, "left")
    hit = np.flatnonzero(stored[np.minimum(lo, len(stored) - 1)] == query)
    if not len(hit):
        return
    hi = np.searchsorted(stored, query[hit], "right")
    yield from zip(
        hit.tolist(), lo[hit].tolist(), np.minimum(hi, lo[hit] + limit).tolist(), strict=True
    )
