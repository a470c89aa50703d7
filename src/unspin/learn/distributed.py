"""``unspin learn`` on a Dask cluster: the same table as one process, from a bigger pile.

:func:`unspin.learn.learner.learn` reads the pile twice and does four things; here each maps
over partitions of the pile and reduces, calling :mod:`unspin.learn.learner`'s own functions:

1. **Index** (map over chunks of the pile, every document; a chunk is a group of files,
   or byte ranges of a big plain ``.jsonl`` file, in reading order): tokens
   (:func:`~unspin.twins.pairing.document_keys`), the chunk's
   :class:`~unspin.twins.pairing.BigramSketch` and each document's MinHash signature
   (:class:`~unspin.twins.neardup.NearDupIndex`), cut into the LSH bands the one-process
   index uses. *Reduce*: the sketches' counts are summed (sent as sparse slot counts);
   band keys are shuffled into buckets by a stable hash, and each bucket task pairs the
   documents that share a band key. Two documents are LSH candidates exactly when they
   share a band key, whatever the order of insertion, so the union is the one-process
   candidate set.
2. **Verify** (map over groups of candidate pairs, in sorted order): each chunk sends
   each group the texts it needs; the group task prepares and aligns its pairs
   (:func:`~unspin.twins.pairing.verify_pair`, with the summed sketch and the worker's LM). A
   document in several groups is prepared once per group (prepared documents only align
   within one process: their codes come from the process's token vocabulary).
   *Reduce*: :func:`~unspin.twins.pairing.direction_votes` per group, summed (a sum of counts).
3. **Orient** (map over groups, with the votes): :func:`~unspin.twins.pairing.orient_pairs`.
   *Reduce* on the client: :func:`~unspin.twins.pairing.choose_pairs` on the edges' numbers
   (no texts), then only the chosen edges' alignments are fetched.
4. **Count**: :func:`~unspin.learn.learner.learn_from_chosen` on the client, as in one process.

Documents are numbered in reading order (chunk offsets come from the chunks' counts),
groups are contiguous slices of the sorted candidates and results are put back in that
order, so every step sees what it sees in one process: the table is byte-identical. The
client holds the candidate pairs (numbers), the edges' numbers and the chosen pairs'
alignments (the counting step, as :func:`~unspin.learn.learner.learn` does); every step whose
cost grows with the pile (reading, shingling, MinHash, bigrams, alignment) runs on the
workers. Workers read the files themselves: the paths must be valid on every worker
(a shared file system), and workers need unspin installed.

Run it with ``python -m unspin.learn.distributed PATHS -o table.tsv --scheduler
tcp://host:8786`` (without it: a local cluster), or from Python with
``learn_distributed(["pile/"], Client("tcp://host:8786"))`` (a ``dask.distributed.Client``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError
from ..text.corpus import _expand, iter_documents
from ..twins.align import prepare
from ..twins.neardup import NearDupIndex
from ..twins.pairing import (
    FULL_PILE,
    BigramSketch,
    Edge,
    _load_lm,
    choose_pairs,
    direction_votes,
    document_keys,
    orient_pairs,
    verify_pair,
)
from .learner import learn_from_chosen
from .result import LearnResult

__all__ = ["learn_distributed", "candidate_pairs_distributed", "cache_report", "main"]

GROUP_SIZE = 1000  # candidate pairs per alignment task, at most

Pair = tuple[int, int]


# ---------------------------------------------------------------- reading pieces of the pile

#: A piece of the pile: a whole file ``(path, 0, None)`` or the JSONL lines of a plain
#: ``.jsonl`` file that start in bytes ``[start, end)``.
Piece = tuple[str, int, int | None]

_LINE_BREAK = re.compile(r"\r\n?|\n")


def _jsonl_range(path: str, start: int, end: int, field: str) -> Iterator[str]:
    """The texts of the JSONL lines of ``path`` that start in bytes ``[start, end)``:
    over consecutive ranges, the documents :func:`unspin.text.corpus.iter_documents` reads
    (lines split at LF, CR LF and CR, as Python's text mode does; blank lines skipped).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_bytes(b'{"text": "one"}\\n\\n{"text": "two"}\\r\\n')
    >>> list(_jsonl_range(str(p), 0, 5, "text")), list(_jsonl_range(str(p), 5, 99, "text"))
    (['one'], ['two'])
    """
    with open(path, "rb") as f:
        if start > 0:
            f.seek(start - 1)
            if f.read(1) != b"\n":
                f.readline()  # this line started in the range before
        while f.tell() < end:
            at = f.tell()
            line = f.readline()
            if not line:
                break
            where = f"{path}, line starting at byte {at}"
            try:
                decoded = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CorpusFormatError(f"{where}: not UTF-8 text ({exc.reason})") from None
            for part in _LINE_BREAK.split(decoded):
                if part.strip():
                    yield _jsonl_text(part, field, where)


def _jsonl_text(line: str, field: str, where: str) -> str:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusFormatError(f"{where}: not valid JSON ({exc.msg})") from None
    value = obj.get(field) if isinstance(obj, dict) else None
    if not isinstance(value, str):
        raise CorpusFormatError(f"{where}: no text field {field!r}; choose it with --field")
    return value


def _piece_texts(pieces: Sequence[Piece], field: str) -> Iterator[str]:
    """The document texts of a chunk of pieces, in reading order."""
    for path, start, end in pieces:
        if end is None:
            yield from (doc.text for doc in iter_documents([Path(path)], field))
        else:
            yield from _jsonl_range(path, start, end, field)


def _pieces(files: Sequence[str], n: int) -> list[list[Piece]]:
    """Cut the pile into about ``n`` chunks of similar size, in reading order: files
    are grouped, and a plain ``.jsonl`` file bigger than a chunk is cut into byte ranges
    (a ``.jsonl.gz`` or ``.txt`` file stays whole)."""
    sizes = [os.path.getsize(f) for f in files]
    target = max(1, -(-sum(sizes) // max(1, n)))
    pieces: list[tuple[Piece, int]] = []
    for path, size in zip(files, sizes, strict=True):
        if path.lower().endswith(".jsonl") and size > target:
            cuts = -(-size // target)
            bounds = [size * k // cuts for k in range(cuts + 1)]
            pieces += [((path, a, b), b - a) for a, b in zip(bounds, bounds[1:], strict=False)]
        else:
            pieces.append(((path, 0, None), size))
    chunks: list[list[Piece]] = [[]]
    filled = 0
    for piece, size in pieces:
        if chunks[-1] and filled + size > target:
            chunks.append([])
            filled = 0
        chunks[-1].append(piece)
        filled += size
    return chunks


# ---------------------------------------------------------------- worker tasks


@lru_cache(maxsize=1)
def _signer() -> NearDupIndex:
    """This process's (empty) index: its MinHash settings and LSH bands, computed once."""
    return NearDupIndex()


def _index_chunk(pieces: Sequence[Piece], field: str, buckets: int) -> tuple:
    """Step 1 on one chunk: (documents, sparse bigram counts, band keys per bucket).

    The band keys are those :class:`~unspin.twins.neardup.NearDupIndex`'s LSH files documents
    under (datasketch's own ranges and byte keys; a test compares the candidate pairs
    with the one-process index's).
    """
    index = _signer()
    lsh = index._lsh
    sketch = BigramSketch()
    by_bucket: list[list[tuple[bytes, int]]] = [[] for _ in range(buckets)]
    count = 0
    for local, text in enumerate(_piece_texts(pieces, field)):
        count += 1
        keys = document_keys(text)
        sketch.add(keys, distinct=True)
        signature = index.signature(text, keys)
        if signature is None:
            continue
        for band, (start, end) in enumerate(lsh.hashranges):
            key = band.to_bytes(2, "big") + lsh._H(signature.hashvalues[start:end])
            by_bucket[zlib.crc32(key) % buckets].append((key, local))
    return count, _sparse(sketch), by_bucket


def _sparse(sketch: BigramSketch) -> tuple[Any, Any]:
    """A chunk's bigram counts as (slots, counts): a few hundred kB instead of 16 MB."""
    import numpy as np

    slots = np.flatnonzero(sketch._counts)
    return slots, sketch._counts[slots]


def _bucket_pairs(offsets: Sequence[int], *parts: list[tuple[bytes, int]]) -> set[Pair]:
    """Step 1's reduce for one bucket: pairs of documents sharing a band key."""
    members: dict[bytes, list[int]] = defaultdict(list)
    for offset, part in zip(offsets, parts, strict=True):
        for key, local in part:
            members[key].append(offset + local)
    found: set[Pair] = set()
    for docs in members.values():
        docs.sort()
        found.update((a, b) for i, a in enumerate(docs) for b in docs[i + 1 :])
    return found


def _bucket(index: tuple, bucket: int) -> list[tuple[bytes, int]]:
    return index[2][bucket]


def _merge_sketches(documents: int, *parts: tuple[Any, Any]) -> BigramSketch:
    """The pile's sketch: the chunks' counts summed (what one pass over the pile counts)."""
    total = BigramSketch()
    for slots, counts in parts:
        total._counts[slots] += counts
    total.weight = min(1.0, documents / FULL_PILE)
    return total


def _select_texts(
    pieces: Sequence[Piece], field: str, offset: int, wanted: dict[int, frozenset[int]]
) -> dict[int, dict[int, str]]:
    """Step 2's map on one chunk: the texts each group needs, ``{group: {doc: text}}``."""
    groups_of: dict[int, list[int]] = defaultdict(list)
    for group, docs in wanted.items():
        for n in docs:
            groups_of[n].append(group)
    out: dict[int, dict[int, str]] = {group: {} for group in wanted}
    for local, text in enumerate(_piece_texts(pieces, field)):
        for group in groups_of.get(offset + local, ()):
            out[group][offset + local] = text
    return out


def _verify_group(pairs: Sequence[Pair], sketch: BigramSketch, *texts: dict[int, str]) -> list:
    """Step 2 on one group of candidate pairs: ``(a, b, alignment, margin)`` per verified pair.

    Documents are prepared here, not where they are read: a prepared document's sentence
    codes come from its process's token vocabulary (:mod:`unspin.twins.align`), so only
    documents prepared in one process can be aligned with each other.
    """
    known: dict[int, str] = {}
    for part in texts:
        known.update(part)
    prepared = {n: prepare(text) for n, text in sorted(known.items())}
    lm = _load_lm()
    verified = []
    for a, b in pairs:
        checked = verify_pair(prepared[a], prepared[b], lm, sketch)
        if checked is not None:
            verified.append((a, b, *checked))
    return verified


def _edge_numbers(edges: Sequence[Edge]) -> list[tuple[int, int, float, float]]:
    return [(e.spun, e.clean, e.margin, e.coverage) for e in edges]


def _pick_edges(edges: Sequence[Edge], wanted: frozenset[Pair]) -> list[Edge]:
    return [e for e in edges if (e.spun, e.clean) in wanted]


def cache_report() -> dict[str, Any]:
    """What this process has loaded: its pid and the cache statistics of the engine,
    table and language-model loaders (run it on workers with ``client.run``)."""
    from ..models.lm import _load
    from ..restore.engine import _load_tables, get_engine

    return {
        "pid": os.getpid(),
        "engine": get_engine.cache_info()._asdict(),
        "tables": _load_tables.cache_info()._asdict(),
        "lm": _load.cache_info()._asdict(),
    }


# ---------------------------------------------------------------- driver


def _beside(client: Any, futures: Sequence[Any]) -> Any:
    """A ``submit`` that runs a task on the worker already holding its first argument
    (once ``futures`` are done), so big intermediate results never travel."""
    from dask.distributed import wait

    wait(futures)
    holders = client.who_has(futures)

    def submit(fn: Any, future: Any, *args: Any) -> Any:
        where = list(holders.get(future.key, ()))
        return client.submit(fn, future, *args, workers=where or None, allow_other_workers=True)

    return submit


def candidate_pairs_distributed(
    paths: Sequence[str | Path],
    client: Any,
    *,
    field: str = "text",
    partitions: int | None = None,
) -> tuple[int, list[Pair], Any, list[list[Piece]], list[int]]:
    """Step 1: (documents, sorted candidate pairs, future of the summed bigram sketch,
    chunks of the pile, chunk offsets)."""
    files = [str(p) for p in _expand(Path(p) for p in paths)]
    if not files:
        return 0, [], None, [], []
    threads = sum(client.nthreads().values()) or 1
    chunks = _pieces(files, partitions or 2 * threads)
    buckets = len(chunks)
    indexes = [client.submit(_index_chunk, chunk, field, buckets) for chunk in chunks]
    beside = _beside(client, indexes)
    counts = client.gather([beside(itemgetter(0), f) for f in indexes])
    offsets = [sum(counts[:i]) for i in range(len(counts))]
    documents = sum(counts)
    sketch = client.submit(_merge_sketches, documents, *[beside(itemgetter(1), f) for f in indexes])
    found: set[Pair] = set()
    for bucket_pairs in client.gather(
        [
            client.submit(_bucket_pairs, offsets, *[beside(_bucket, f, b) for f in indexes])
            for b in range(buckets)
        ]
    ):
        found |= bucket_pairs
    del indexes
    return documents, sorted(found), sketch, chunks, offsets


def learn_distributed(
    paths: Sequence[str | Path],
    client: Any,
    *,
    field: str = "text",
    pairs: Sequence[Path] = (),
    phrases: Sequence[Path] = (),
    min_count: int = 2,
    pile_min_count: int | None = None,
    partitions: int | None = None,
    group_size: int = GROUP_SIZE,
) -> LearnResult:
    """:func:`unspin.learn.learner.learn` with the pile's work on the workers of a Dask
    ``client`` (``dask.distributed.Client``); the same result, entry for entry.

    ``partitions``: file chunks to read in parallel (default: twice the cluster's
    threads); ``group_size``: candidate pairs per alignment task, at most (there are at
    least as many tasks as threads). ``pairs`` and
    ``phrases`` are read on the client, as in one process.
    """
    started = time.perf_counter()
    documents, candidates, sketch, chunks, offsets = candidate_pairs_distributed(
        paths, client, field=field, partitions=partitions
    )
    threads = sum(client.nthreads().values()) or 1
    count = max(threads, -(-len(candidates) // group_size))  # every thread busy
    size = max(1, -(-len(candidates) // count))
    groups = [candidates[i : i + size] for i in range(0, len(candidates), size)]
    chunk_of = _chunk_finder(offsets)
    wanted: list[dict[int, set[int]]] = [defaultdict(set) for _ in chunks]
    for g, group in enumerate(groups):
        for pair in group:
            for n in pair:
                wanted[chunk_of(n)][g].add(n)
    selected = [
        client.submit(
            _select_texts,
            chunk,
            field,
            offsets[c],
            {g: frozenset(docs) for g, docs in wanted[c].items()},
        )
        for c, chunk in enumerate(chunks)
        if wanted[c]
    ]
    chunk_ids = [c for c in range(len(chunks)) if wanted[c]]
    beside = _beside(client, selected)
    verified = []
    for g, group in enumerate(groups):
        texts = [
            beside(itemgetter(g), selected[i]) for i, c in enumerate(chunk_ids) if g in wanted[c]
        ]
        verified.append(client.submit(_verify_group, group, sketch, *texts))
    beside = _beside(client, verified)
    votes: Counter[tuple[str, str]] = Counter()
    for part in client.gather([beside(direction_votes, v) for v in verified]):
        votes.update(part)
    (votes_future,) = client.scatter([votes], broadcast=True)
    edges = [beside(orient_pairs, v, votes_future) for v in verified]
    beside = _beside(client, edges)
    numbers = client.gather([beside(_edge_numbers, e) for e in edges])
    # choose_pairs looks at the edges' numbers only: no alignment needs to travel
    light = [Edge(s, c, m, cov, None) for part in numbers for s, c, m, cov in part]  # type: ignore
    chosen_keys = [(e.spun, e.clean) for e in choose_pairs(light)]
    wanted_keys = frozenset(chosen_keys)
    picked = {
        (e.spun, e.clean): e
        for part in client.gather([beside(_pick_edges, e, wanted_keys) for e in edges])
        for e in part
    }
    del selected, verified, edges, sketch
    return learn_from_chosen(
        documents,
        [picked[key] for key in chosen_keys],
        pairs=pairs,
        phrases=phrases,
        min_count=min_count,
        pile_min_count=pile_min_count,
        started=started,
    )


def _chunk_finder(offsets: Sequence[int]):  # -> Callable[[int], int]
    from bisect import bisect_right

    return lambda n: bisect_right(offsets, n) - 1


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m unspin.learn.distributed PATHS -o table.tsv [--scheduler tcp://host:8786]``:
    what ``unspin learn`` writes, learned on a Dask cluster."""
    from .gates import write_learned_table
    from .learner import table_comments

    parser = argparse.ArgumentParser(
        prog="python -m unspin.learn.distributed", description=main.__doc__
    )
    parser.add_argument("paths", nargs="+", type=Path, help="pile: .txt, folders, .jsonl(.gz)")
    parser.add_argument("-o", "--output", type=Path, default=Path("table.tsv"))
    parser.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")
    parser.add_argument("--workers", type=int, default=2, help="local cluster: worker processes")
    parser.add_argument("--field", default="text")
    parser.add_argument("--pairs", type=Path, action="append", default=[])
    parser.add_argument("--phrases", type=Path, action="append", default=[])
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--pile-min-count", type=int, default=None)
    parser.add_argument("--name", default=None)
    args = parser.parse_args(argv)

    from contextlib import ExitStack

    from dask.distributed import Client, LocalCluster

    from ..errors import UnspinError

    try:
        with ExitStack() as stack:
            if args.scheduler:
                client = stack.enter_context(Client(args.scheduler))
            else:
                cluster = stack.enter_context(
                    LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True)
                )
                client = stack.enter_context(Client(cluster))
            result = learn_distributed(
                args.paths,
                client,
                field=args.field,
                pairs=args.pairs,
                phrases=args.phrases,
                min_count=args.min_count,
                pile_min_count=args.pile_min_count,
            )
        print(result.summary.format(), file=sys.stderr)
        rows, gate, threshold = write_learned_table(
            result,
            args.paths,
            args.output,
            args.name or args.output.stem,
            table_comments(result),
            field=args.field,
        )
    except (UnspinError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"wrote {rows} rows to {args.output}", file=sys.stderr)
    if gate is not None:
        print(f"spin gate:             {gate} (share of table hits)", file=sys.stderr)
        print(f"decision threshold:    {threshold} (table candidates)", file=sys.stderr)


if __name__ == "__main__":
    main()
