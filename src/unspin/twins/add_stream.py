"""Adding a long stream of references fast: fingerprinting in other processes, storing here.

Fingerprinting a ~2 KB reference costs about 0.2 ms of one core and storing it about
0.5 ms (compression, digest, SQL). :func:`add_stream` cuts the stream into batches of
``batch`` references; with ``workers`` > 1 it fingerprints batches in ``workers - 1``
other processes while this one stores the batches already fingerprinted, in order (each
batch one transaction, as :meth:`~unspin.twins.refindex.ReferenceIndex.add`). At most a
few batches are in flight, so memory stays bounded however long the stream.
:func:`prepared_batches` is the part both it and ``unspin index add``
(:func:`unspin.pipelines.references.add_references`, which also checks each reference with
:func:`~unspin.twins.spin_marks.looks_spun`) use: batches fingerprinted in worker processes
that ignore Ctrl-C (the caller's to handle) and exit when the caller is killed outright.

>>> import os, tempfile
>>> from unspin.twins.refindex import ReferenceIndex
>>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
>>> texts = [(f"doc{i}", f"Harrowgate Mills sold {i} Kestrel carpets.") for i in range(5)]
>>> with ReferenceIndex(path, create=True) as index:
...     add_stream(index.store, texts + texts[:2], batch=3)
Added(added=5, known=2)
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from .fingerprint import reference_keys
from .spin_marks import looks_spun
from .store import ReferenceStore

__all__ = ["BATCH", "Added", "Prepared", "add_stream", "prepare", "prepared_batches"]

#: References per transaction (a Ctrl-C loses at most the batch it interrupts).
BATCH = 1000


class Added(NamedTuple):
    """What was stored: ``added`` new texts, ``known`` texts the index already held."""

    added: int
    known: int


#: A batch ready to store: ``(id, text, keys, why it looks spun or None)`` each.
Prepared = list[tuple[str, str, list[int], str | None]]


def prepare(batch: list[tuple[str, str]], check: bool = True) -> Prepared:
    """Each reference with its keys and why it looks spun (None: it does not, or no
    ``check``); blank texts get no keys. The work a fingerprinting process does."""
    out = []
    for ref_id, text in batch:
        if not text.strip():
            out.append((ref_id, text, [], None))
            continue
        out.append((ref_id, text, reference_keys(text), looks_spun(text) if check else None))
    return out


def _keys_only(batch: list[tuple[str, str]], check: bool) -> list[tuple[list[int], str | None]]:
    return [(keys, why) for _, _, keys, why in prepare(batch, check)]


def _worker_start(parent: int) -> None:
    """In a fingerprinting process: Ctrl-C is the main process's to handle, and a main
    process killed outright (``kill -9``) takes its workers with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _batches(references: Iterable[tuple[str, str]], size: int) -> Iterator[list]:
    batch: list[tuple[str, str]] = []
    for item in references:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def prepared_batches(
    references: Iterable[tuple[str, str]],
    batch: int,
    workers: int,
    check: bool,
    *,
    fork: bool = True,
) -> Iterator[Prepared]:
    """Prepared batches in input order; with ``workers``, fingerprinted in that many
    processes while the caller stores (a few batches ahead, never the whole input).
    ``fork``: workers forked where the platform can (they inherit the word lists, warmed
    up first), else spawned (no copy of this process's open connections)."""
    if workers <= 0:
        for part in _batches(references, batch):
            yield prepare(part, check)
        return
    methods = multiprocessing.get_all_start_methods()
    forked = fork and "fork" in methods
    if forked:
        reference_keys("Warm up the word lists before forking.")  # each worker inherits them
    context = multiprocessing.get_context("fork" if forked else "spawn")
    pool = cf.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )
    waiting: deque[tuple[list, cf.Future]] = deque()
    try:
        for part in _batches(references, batch):
            waiting.append((part, pool.submit(_keys_only, part, check)))
            if len(waiting) > 2 * workers:
                part, future = waiting.popleft()
                yield [(i, t, k, w) for (i, t), (k, w) in zip(part, future.result(), strict=True)]
        while waiting:
            part, future = waiting.popleft()
            yield [(i, t, k, w) for (i, t), (k, w) in zip(part, future.result(), strict=True)]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def add_stream(
    store: ReferenceStore,
    references: Iterable[tuple[str, str]],
    *,
    workers: int = 1,
    batch: int = BATCH,
    progress: Callable[[Added], None] | None = None,
) -> Added:
    """Add ``(id, text)`` references to ``store`` a batch (one transaction) at a time;
    ``workers`` > 1 fingerprints in ``workers - 1`` other processes meanwhile (2 on a
    2-core machine: one fingerprints, this one stores). ``progress`` is called after each
    batch with the running totals. An interrupted stream keeps every batch committed.
    Workers are spawned processes: in a script, call this under ``if __name__ ==
    "__main__":``; inside a daemonic process (a Dask worker, a Pool task) use 1."""
    added = known = 0
    for part in prepared_batches(references, batch, workers - 1, check=False, fork=False):
        numbers = store.add([(ref_id, text, keys) for ref_id, text, keys, _ in part])
        new = sum(n is not None for n in numbers)
        added, known = added + new, known + len(numbers) - new
        if progress is not None:
            progress(Added(added, known))
    return Added(added, known)
