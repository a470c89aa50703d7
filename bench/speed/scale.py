"""The reference index at scale (issue 29): build rate, lookup latency, memory, disk, linking.

Builds one index through the library as ``unspin index add`` does
(:meth:`~unspin.twins.refindex.ReferenceIndex.add_many`: real fingerprints, batches of
1,000, ``--workers`` processes) from the haystack of :mod:`bench.speed.scale_data`, and at
each of ``--sizes`` on the way measures:

* build rate (references/s, wall clock, text generation included) and the build's peak
  RSS (the storing process; the fingerprinting worker's apart);
* in a fresh lookup process (the language model loaded, as ``match --refs`` runs): the
  median and 99th percentile of a lookup before alignment (query keys, postings, ranked
  candidates) and of the whole link (:meth:`~unspin.twins.refindex.ReferenceIndex.lookup`:
  candidates verified by alignment), and that process's peak RSS;
* disk per reference against its raw UTF-8 text;
* linking as the hidden test counts it (:func:`bench.quality.refs.score`): copies of spinner W
  (light) and its heavy proxy whose originals are indexed, copies without, clean queries;
  and how many true twins keep fewer than 2 usable keys (shared with the copy and not hot).

    taskset -c 0,1 python -m bench.speed.scale --backend sqlite --sizes 10000 100000 1000000
    python -m bench.speed.scale --backend postgresql --sizes 10000 100000
    python -m bench.speed.scale --lookup-only --sizes 1000000   # re-measure the last index

One JSON line a size on stdout, appended to ``--out`` (default bench/out/scale.jsonl).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.speed import scale_data  # noqa: E402
from bench.speed.bench_store import peak_rss_mb, pg_location  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return round(values[int(share * (len(values) - 1))], 2)


def lookup_worker(location: str, queries_path: str, result: multiprocessing.Queue) -> None:
    """In a fresh process: link every query; times, outcomes, twin-key diagnostics, RSS."""
    from bench.quality.refs import score
    from unspin.models.lm import load_lm
    from unspin.twins.candidates import MAX_POSTINGS, MIN_MATCHED, rank
    from unspin.twins.fingerprint import query_keys, reference_keys
    from unspin.twins.refindex import ReferenceIndex

    queries = json.loads(Path(queries_path).read_text())
    before, whole, outcomes = [], [], []
    lost = usable_total = shared_total = hot_total = twins = 0
    with ReferenceIndex(location, readonly=True, lm=load_lm()) as index:
        index.lookup(queries[0]["text"])  # warm: pending runs read, caches filled
        for q in queries:
            t0 = time.perf_counter()
            rank(query_keys(q["text"]), index.postings, 5, MAX_POSTINGS)
            t1 = time.perf_counter()
            found = index.lookup(q["text"])
            t2 = time.perf_counter()
            before.append(1000 * (t1 - t0))
            whole.append(1000 * (t2 - t1))
            number = found.found.reference
            ref_id = index.reference(number)[0] if number is not None else None
            outcomes.append({"kind": found.found.kind, "reference": ref_id})
            if q.get("original_text") is not None and q["spinner"]:
                shared = set(reference_keys(q["original_text"])) & set(query_keys(q["text"]))
                lists = index.postings(sorted(shared))
                usable = sum(1 for v in lists.values() if len(v) <= MAX_POSTINGS)
                twins += 1
                lost += usable < MIN_MATCHED
                usable_total += usable
                shared_total += len(shared)
                hot_total += len(shared) - usable
    for q in queries:  # score() compares reference ids as its numbers
        q["accept"], q["versions"] = q["accept_ids"], q["version_ids"]
    result.put(
        {
            "lookup_ms_median": round(statistics.median(before), 2),
            "lookup_ms_p99": _percentile(before, 0.99),
            "link_ms_median": round(statistics.median(whole), 1),
            "link_ms_p99": _percentile(whole, 0.99),
            "links_per_s": round(len(queries) / (sum(whole) / 1000), 1),
            "lookup_peak_rss_mb": peak_rss_mb(),
            "twins_under_2_usable_keys": lost,
            "twin_keys_shared_mean": round(shared_total / max(twins, 1), 1),
            "twin_keys_usable_mean": round(usable_total / max(twins, 1), 1),
            "twin_keys_hot_share": round(hot_total / max(shared_total, 1), 4),
            "linking": score(queries, outcomes),
        }
    )


def measure_lookups(location: str, queries: list[dict], workdir: Path) -> dict:
    path = workdir / "scale_queries.json"
    path.write_text(json.dumps(queries))
    ctx = multiprocessing.get_context("spawn")
    result: multiprocessing.Queue = ctx.Queue()
    proc = ctx.Process(target=lookup_worker, args=(location, str(path), result))
    proc.start()
    out = result.get()
    proc.join()
    return out


def make_location(backend: str, workdir: Path, fresh: bool) -> str:
    if backend == "sqlite":
        location = str(workdir / "scale.unspin")
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(location + suffix).unlink(missing_ok=True)
        return location
    if fresh:
        shutil.rmtree(workdir / "pgdata", ignore_errors=True)
    return pg_location(workdir, "scale", fresh=fresh)


def main() -> None:
    from unspin.twins.refindex import ReferenceIndex

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--set", default="tune")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "scale")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale.jsonl")
    parser.add_argument("--lookup-only", action="store_true")
    parser.add_argument("--no-lookups", action="store_true", help="build only")
    args = parser.parse_args()
    workdir = args.workdir / args.backend
    workdir.mkdir(parents=True, exist_ok=True)
    refs, queries = scale_data.query_set(args.set)
    by_id = {r["id"]: r["text"] for r in refs}
    for q in queries:
        q["original_text"] = by_id.get(q["original_id"]) if q["spinner"] else None
    location = make_location(args.backend, workdir, fresh=not args.lookup_only)
    added = raw = 0
    seconds = 0.0
    started = time.perf_counter()
    for size in sorted(args.sizes):
        row: dict[str, object] = {"backend": args.backend, "references": size}
        if not args.lookup_only:
            sizes: list[int] = []

            def counted(start: int, stop: int, sizes: list[int] = sizes):
                for ref_id, text in scale_data.haystack(refs, queries, start, stop):
                    sizes.append(len(text.encode("utf-8")))
                    yield ref_id, text

            t0 = time.perf_counter()
            with ReferenceIndex(location, create=True) as index:
                done = index.add_many(
                    counted(added, size),
                    workers=args.workers,
                    batch=args.batch,
                )
                spent = time.perf_counter() - t0
                stats = index.stats()
            assert done.added + done.known == size - added, (done, size, added)
            raw += sum(sizes)
            seconds += spent
            stretch = size - added
            added = size
            disk = (
                int(stats["disk_bytes"])
                if args.backend == "postgresql"
                else os.path.getsize(location)
            )
            row.update(
                {
                    "workers": args.workers,
                    "add_per_s": round(added / seconds),
                    "add_per_s_stretch": round(stretch / spent),
                    "build_wall_s": round(time.perf_counter() - started, 1),
                    "build_peak_rss_mb": peak_rss_mb(),
                    "fingerprint_worker_peak_rss_mb": round(
                        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
                    ),
                    "raw_text_mb": round(raw / 2**20, 1),
                    "disk_mb": round(disk / 2**20, 1),
                    "disk_per_raw": round(disk / raw, 3),
                    "disk_bytes_per_ref": round(disk / added),
                    "raw_bytes_per_ref": round(raw / added),
                    "documents": stats["documents"],
                    "postings_merged": stats["postings_merged"],
                    "postings_pending": stats["postings_pending"],
                }
            )
        if not args.no_lookups:
            row.update(measure_lookups(location, queries, workdir))
        print(json.dumps(row), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a") as f:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
