"""Build a reference index from, and match, a large pile with Dask: every worker shares one index.

:func:`index_bag` fingerprints and adds references on the workers, each partition a
batch (one transaction) at a time into the one index: an SQLite file (writers take turns
on the file's lock, retried while busy; fingerprinting, most of the work, runs in
parallel) or a ``postgresql://`` URL (writers run at once). A text already stored, by any
worker or earlier run, is stored once. :func:`match_bag` opens the index read-only on each
worker and links every text (:meth:`~unspin.twins.refindex.ReferenceIndex.lookup`): one
record a linked text, ``{"spun", "original", "coverage", "similarity"}`` as
``unspin match --refs`` writes them.

Inputs are a Dask bag of ``(id, text)`` pairs or of records (``field``, ``id_field``),
or paths: ``.txt`` files (id: the path as given), ``.jsonl``/``.jsonl.gz`` files (id: the
``id_field``, else ``path@byte offset``) and folders read recursively; a plain ``.jsonl``
is cut into byte ranges, so one big file is read by every worker. Paths and the SQLite
file must be reachable by every worker (one machine, or a shared file system: SQLite
needs a local one; use PostgreSQL across machines).

From Python (``pip install 'unspin[distributed]'``, plus ``[postgres]`` for a server)::

    from dask.distributed import Client
    from unspin.pipelines.dask_index import index_bag, match_bag
    with Client("tcp://host:8786") as client:          # or none: a local cluster
        index_bag(["archive/"], "refs.unspin")
        links = match_bag(["crawl.jsonl"], "refs.unspin", output="links.jsonl")

or ``python -m unspin.pipelines.dask_index add|match PATHS --index LOCATION
[--scheduler tcp://host:8786]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from ..twins.add_stream import BATCH, Added
from ..twins.pile_reading import record_text

__all__ = ["index_bag", "links_bag", "main", "match_bag", "references_bag"]

#: Bytes of plain JSONL a partition reads, at most, when adding (~15,000 news articles)...
ADD_PARTITION_BYTES = 32 * 2**20
#: ...and when matching (~500 articles: each costs a lookup and an alignment).
MATCH_PARTITION_BYTES = 2**20

_LOCAL = threading.local()  # per worker thread: open read-only indexes (SQLite is per thread)


# ---------------------------------------------------------------- reading


def _records(piece: tuple[str, int, int | None], field: str, id_field: str) -> Iterator[tuple]:
    """``(id, text)`` of one piece: a text file, a whole JSONL(.gz) file, or the lines of a
    plain JSONL file that start in bytes ``[start, end)``."""
    path, start, end = piece
    if not path.lower().endswith((".jsonl", ".jsonl.gz")):
        with open(path, encoding="utf-8") as f:
            yield path, f.read()
        return
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as f:
        if start > 0:
            f.seek(start - 1)
            if f.read(1) != b"\n":
                f.readline()  # that line belongs to the piece before
        while end is None or f.tell() < end:
            at = f.tell()
            line = f.readline()
            if not line:
                break
            if not line.strip():
                continue
            try:
                ref_id, text = record_text(line, field, id_field)
            except ValueError as exc:
                raise ValueError(f"{path}, byte {at}: {exc}") from None
            yield (f"{path}@{at}" if ref_id is None else str(ref_id)), text


def _pieces(
    paths: Iterable[str | os.PathLike[str]], piece_bytes: int
) -> list[tuple[str, int, int | None]]:
    """Files under ``paths`` as pieces; big plain JSONL files cut into byte ranges."""
    from ..text.corpus import _expand

    out: list[tuple[str, int, int | None]] = []
    for path in _expand(Path(p) for p in paths):
        name, size = str(path), path.stat().st_size
        if name.lower().endswith(".jsonl") and size > piece_bytes:
            cuts = list(range(0, size, piece_bytes)) + [size]
            out += [(name, a, b) for a, b in zip(cuts, cuts[1:], strict=False)]
        else:
            out.append((name, 0, None))
    return out


def references_bag(
    source: Any,
    field: str = "text",
    id_field: str = "id",
    files_per_partition: int = 64,
    piece_bytes: int = ADD_PARTITION_BYTES,
) -> Any:
    """A Dask bag of ``(id, text)`` from ``source``: paths (see the module; a plain JSONL
    file cut into pieces of ``piece_bytes``), or a bag of pairs or records (``field``,
    ``id_field``)."""
    import dask.bag as db

    if isinstance(source, (str, os.PathLike)):
        source = [source]
    if isinstance(source, (list, tuple)):
        pieces = _pieces(source, piece_bytes)
        groups: list[list] = []
        for piece in pieces:  # small whole files go together; a JSONL range alone
            small = piece[2] is None and not piece[0].lower().endswith(".jsonl")
            if small and groups and groups[-1][-1][3] and len(groups[-1]) < files_per_partition:
                groups[-1].append((*piece, small))
            else:
                groups.append([(*piece, small)])
        groups = [[piece[:3] for piece in group] for group in groups]
        bag = db.from_sequence(groups, npartitions=max(1, len(groups)))
        return bag.map(_group_records, field, id_field).flatten()
    return source.map(_as_pair, field, id_field)


def _group_records(group: Sequence[tuple], field: str, id_field: str) -> list[tuple]:
    return [pair for piece in group for pair in _records(piece, field, id_field)]


def _as_pair(item: Any, field: str, id_field: str) -> tuple[str, str]:
    if isinstance(item, dict):
        return str(item.get(id_field)), item[field]
    ref_id, text = item
    return str(ref_id), text


# ---------------------------------------------------------------- on the workers


def _add_partition(
    pairs: Iterable[tuple[str, str]], location: str, batch: int, keep_spun: bool
) -> list[tuple[Added, list[tuple[str, str]]]]:
    """Fingerprint and add one partition, ``batch`` references a transaction; with the
    references that look spun (:func:`~unspin.twins.spin_marks.looks_spun`), left out
    unless ``keep_spun``."""
    from ..twins.refindex import ReferenceIndex
    from ..twins.spin_marks import looks_spun

    spun: list[tuple[str, str]] = []

    def checked() -> Iterator[tuple[str, str]]:
        for ref_id, text in pairs:
            why = looks_spun(text)
            if why is not None:
                spun.append((ref_id, why))
                if not keep_spun:
                    continue
            yield ref_id, text

    with ReferenceIndex(location, create=True) as index:
        return [(index.add_many(checked(), batch=batch), spun)]


def _reader(location: str) -> Any:
    """This thread's read-only index at ``location`` (with the language model), kept open."""
    from ..twins.pairing import _load_lm
    from ..twins.refindex import ReferenceIndex

    opened = getattr(_LOCAL, "indexes", None)
    if opened is None:
        opened = _LOCAL.indexes = {}
    if location not in opened:
        opened[location] = ReferenceIndex(location, readonly=True, lm=_load_lm())
    return opened[location]


def _link_partition(pairs: Iterable[tuple[str, str]], location: str) -> list[dict]:
    index = _reader(location)
    out = []
    for name, text in pairs:
        record = index.lookup(text).link_record(name)
        if record is not None:
            out.append(record)
    return out


# ---------------------------------------------------------------- the API


def _compute(bag: Any, scheduler: Any) -> list:
    """``bag`` computed on ``scheduler``: a name ("sync", "threads", "processes"), a
    scheduler address ("tcp://..."), a Client, or None (the current Client, else Dask's
    default)."""
    if isinstance(scheduler, str) and "://" in scheduler:
        from dask.distributed import Client

        with Client(scheduler, set_as_default=False) as client:
            return bag.compute(scheduler=client)
    return bag.compute(**({} if scheduler is None else {"scheduler": scheduler}))


def index_bag(
    source: Any,
    location: str | os.PathLike[str],
    *,
    field: str = "text",
    id_field: str = "id",
    batch: int = BATCH,
    scheduler: Any = None,
    keep_spun: bool = False,
    spun: Callable[[str, str], None] | None = None,
) -> Added:
    """Add every reference of ``source`` (paths, or a bag of ``(id, text)`` pairs or
    records) to the index at ``location`` (created if absent) on Dask's workers; what was
    added, summed over the workers. References that look spun are left out unless
    ``keep_spun``; ``spun(id, why)`` hears of each, kept or not.

    >>> import dask.bag as db, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
    >>> texts = [(f"d{i}", f"Harrowgate Mills sold {i} Kestrel carpets.") for i in range(6)]
    >>> index_bag(db.from_sequence(texts + texts, npartitions=3), path, scheduler="sync")
    Added(added=6, known=6)
    """
    from ..twins.refindex import ReferenceIndex

    location = os.fspath(location)
    with ReferenceIndex(location, create=True):  # the schema once, before the workers race
        pass
    bag = references_bag(source, field, id_field)
    parts = _compute(bag.map_partitions(_add_partition, location, batch, keep_spun), scheduler)
    for _, flagged in parts:
        for ref_id, why in flagged:
            if spun is not None:
                spun(ref_id, why)
    return Added(sum(p.added for p, _ in parts), sum(p.known for p, _ in parts))


def links_bag(
    source: Any, location: str | os.PathLike[str], *, field: str = "text", id_field: str = "id"
) -> Any:
    """A lazy Dask bag of the link records of ``source``'s texts (linked ones only)."""
    return references_bag(
        source, field, id_field, files_per_partition=16, piece_bytes=MATCH_PARTITION_BYTES
    ).map_partitions(_link_partition, os.fspath(location))


def match_bag(
    source: Any,
    location: str | os.PathLike[str],
    *,
    field: str = "text",
    id_field: str = "id",
    scheduler: Any = None,
    output: str | os.PathLike[str] | None = None,
) -> list[dict]:
    """Link every text of ``source`` against the index at ``location`` on Dask's workers:
    the records ``{"spun", "original", "coverage", "similarity"}`` of the linked ones, in
    input order (also written as JSON lines to ``output`` if given).

    >>> import dask.bag as db, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
    >>> original = ("Harrowgate Mills said its Kestrel carpets sold well in Dunmore and Atlanta. "
    ...     "Net profit rose to 19.6 mln dlrs, chief executive Alden Voss said.")
    >>> _ = index_bag(db.from_sequence([("mills", original)]), path, scheduler="sync")
    >>> spun = ("Harrowgate Mills stated its Kestrel carpets offered smartly in Dunmore and "
    ...     "Atlanta. internet benefit rose to nineteen.6 mln dlrs, leader government Alden "
    ...     "Voss stated.")
    >>> [r["original"] for r in match_bag(db.from_sequence([("copy", spun), ("same", original)]),
    ...                                   path, scheduler="sync")]
    ['mills']
    """
    from ..twins.refindex import ReferenceIndex

    location = os.fspath(location)
    with ReferenceIndex(location, readonly=True):  # a missing index: one clear error here
        pass
    records = _compute(links_bag(source, location, field=field, id_field=id_field), scheduler)
    if output is not None:
        with open(output, "w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return list(records)


# ---------------------------------------------------------------- command line


@contextmanager
def dask_client(scheduler: str | None, workers: int = 2) -> Iterator[Any]:
    """A Dask client: on the cluster at ``scheduler`` (``tcp://host:8786``), else on a
    local cluster of ``workers`` processes, closed afterwards."""
    from dask.distributed import Client, LocalCluster

    with ExitStack() as stack:
        if scheduler and scheduler != "local":
            yield stack.enter_context(Client(scheduler))
            return
        cluster = stack.enter_context(
            # the dashboard on any free port: a second cluster on this machine is no error
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        )
        yield stack.enter_context(Client(cluster))


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m unspin.pipelines.dask_index add|match PATHS --index LOCATION``: build or
    match against a reference index on a Dask cluster (``--scheduler tcp://host:8786``;
    without it, a local cluster of ``--workers`` processes)."""
    parser = argparse.ArgumentParser(
        prog="python -m unspin.pipelines.dask_index", description=main.__doc__
    )
    parser.add_argument("command", choices=["add", "match"])
    parser.add_argument("paths", nargs="+", help=".txt files, folders, .jsonl(.gz)")
    parser.add_argument("--index", required=True, help="an SQLite path or postgresql:// URL")
    parser.add_argument("--output", "-o", help="match: the links file (default: stdout)")
    parser.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")
    parser.add_argument("--workers", type=int, default=2, help="local cluster: worker processes")
    parser.add_argument("--field", default="text", help="JSONL: the text field")
    parser.add_argument("--id-field", default="id", help="JSONL: the id field")
    args = parser.parse_args(argv)

    from ..errors import UnspinError

    try:
        with dask_client(args.scheduler, args.workers) as client:
            if args.command == "add":
                done = index_bag(
                    args.paths,
                    args.index,
                    field=args.field,
                    id_field=args.id_field,
                    scheduler=client,
                )
                print(json.dumps(done._asdict()))
            else:
                links = match_bag(
                    args.paths,
                    args.index,
                    field=args.field,
                    id_field=args.id_field,
                    scheduler=client,
                    output=args.output,
                )
                if args.output is None:
                    for record in links:
                        print(json.dumps(record, ensure_ascii=False))
                print(f"{len(links)} linked", file=sys.stderr)
    except (UnspinError, OSError, ValueError) as error:
        print(f"unspin: {error}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    # run the imported module's main: tasks then name its functions, which workers import,
    # rather than carry this __main__'s by value (with its per-thread state)
    from unspin.pipelines.dask_index import main as imported_main

    imported_main()
