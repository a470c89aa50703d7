"""Storage benchmark of the reference index: add rate, lookup latency, memory, disk.

Builds one index to the largest size asked for, and at each size on the way measures:

* add rate (references/s through ``store.add`` in batches of ``--batch``, the whole
  build so far and the last stretch; texts and keys are made outside the timing),
* lookup median and p99 in a fresh reader process: ``postings()`` of ~200 keys, ~40 of
  them a stored reference's, with ``cap`` 100; then ``texts()`` of the best candidate
  (the hit rate says the right reference came back first),
* peak RSS of that reader process,
* bytes on disk per reference against its raw text (SQLite: the file after the writer
  closed; PostgreSQL: ``pg_total_relation_size`` of the index's tables).

Texts are real (Reuters stories and 300-word Wikipedia chunks from ``../shared/corpus``,
repeated with a numbered last line where more are needed; nothing of them is stored
outside the benchmark's work folder). Keys are synthetic: 24-56 per reference, 85%
random 63-bit values and 15% drawn from a Zipf law (a=1.1) over a million "frequent
anchors", so some keys are hot as real frequent shingles would be.

    taskset -c 1 python bench/speed/bench_store.py --backend sqlite \
        --sizes 10000 100000 1000000 --workdir /tmp/bench_store
    taskset -c 1 python bench/speed/bench_store.py --backend postgresql --sizes 10000 100000

Prints one JSON object a size (and appends them to ``--out`` if given). Times are wall
clock and CPU time (``*_cpu_*``: what the work costs on a core of its own, whatever else
runs on the machine).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from unspin.twins.backends import open_store  # noqa: E402

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
FINGERPRINT = "bench:synthetic-keys"
HOT_VOCAB = 1_000_000
CAP = 100


def load_pool() -> list[str]:
    """Reuters stories and 300-word Wikipedia chunks, interleaved."""
    corpus = SHARED / "corpus"
    with gzip.open(corpus / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as f:
        reuters = [json.loads(line)["text"] for line in f]
    chunks = []
    with gzip.open(corpus / "wikipedia_en.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            words = json.loads(line)["text"].split(" ")
            chunks += [
                " ".join(words[i : i + 300])
                for i in range(0, len(words), 300)
                if len(words) - i >= 100
            ]
    pool = chunks[:]
    step = max(1, len(chunks) // max(1, len(reuters)))
    for j, story in enumerate(reuters):
        pool.insert(j * (step + 1), story)
    return list(dict.fromkeys(pool))  # a few texts occur twice in the corpora


def text_of(pool: list[str], i: int) -> str:
    """The i-th reference's text: distinct for every i."""
    base = pool[i % len(pool)]
    round_ = i // len(pool)
    return base if round_ == 0 else f"{base}\n(copy {round_})"


@functools.cache
def hot_keys(seed: int) -> np.ndarray:
    """The "frequent anchors" that Zipf draws pick from."""
    return np.random.default_rng([seed, 10**9]).integers(0, 2**63, HOT_VOCAB, dtype=np.uint64)


def batch_keys(seed: int, batch: int, size: int) -> list[np.ndarray]:
    """Keys of the references of one batch (deterministic: queries regenerate them)."""
    rng = np.random.default_rng([seed, batch])
    hot = hot_keys(seed)
    counts = rng.integers(24, 57, size)
    keys = rng.integers(0, 2**63, (size, 56), dtype=np.uint64)
    zipf = np.minimum(rng.zipf(1.1, (size, 56)), HOT_VOCAB) - 1
    use_hot = rng.random((size, 56)) < 0.15
    keys = np.where(use_hot, hot[zipf], keys)
    return [keys[j, : counts[j]] for j in range(size)]


def make_queries(seed: int, batch: int, added: int, n: int) -> list[tuple[int, list[int]]]:
    """``n`` queries: (reference index, ~200 keys of which that reference's ~40)."""
    rng = np.random.default_rng([seed, 7, added])
    hot = hot_keys(seed)
    out = []
    for i in sorted(rng.choice(added, n, replace=False).tolist()):
        own = batch_keys(seed, i // batch, batch)[i % batch]
        other = rng.integers(0, 2**63, 200 - len(own), dtype=np.uint64)
        swap = rng.random(len(other)) < 0.15
        other[swap] = hot[np.minimum(rng.zipf(1.1, int(swap.sum())), HOT_VOCAB) - 1]
        out.append((i, [int(k) for k in np.concatenate([own, other])]))
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def lookup_worker(location: str, queries_path: str, result: multiprocessing.Queue) -> None:
    """In a fresh process: time the lookups, report latency, hits and peak RSS."""
    queries = json.loads(Path(queries_path).read_text())
    times, cpu_times, fetch_times, hits = [], [], [], 0
    with open_store(location, readonly=True) as store:
        for warm, (i, keys) in enumerate(queries):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            found = store.postings(keys, CAP)
            t1 = time.perf_counter()
            c1 = time.thread_time()
            votes: dict[int, int] = {}
            for numbers in found.values():
                if len(numbers) <= CAP:
                    for n in numbers:
                        votes[n] = votes.get(n, 0) + 1
            best = max(votes, key=lambda n: (votes[n], -n)) if votes else None
            t2 = time.perf_counter()
            texts = store.texts([best]) if best is not None else {}
            t3 = time.perf_counter()
            if warm >= 20:  # the first few read the pending runs and warm the cache
                times.append(t1 - t0)
                cpu_times.append(c1 - c0)
                fetch_times.append(t3 - t2)
            hits += best is not None and texts.get(best, ("",))[0] == f"r{i}"
    times.sort()
    cpu_times.sort()
    result.put(
        {
            "lookup_ms_median": round(1000 * statistics.median(times), 3),
            "lookup_ms_p99": round(1000 * times[int(0.99 * (len(times) - 1))], 3),
            "lookup_cpu_ms_median": round(1000 * statistics.median(cpu_times), 3),
            "lookup_cpu_ms_p99": round(1000 * cpu_times[int(0.99 * (len(cpu_times) - 1))], 3),
            "texts_ms_median": round(1000 * statistics.median(fetch_times), 3),
            "hit_rate": round(hits / len(queries), 4),
            "reader_peak_rss_mb": peak_rss_mb(),
        }
    )


def in_fresh_process(worker: Callable, location: str, queries: list, path: Path) -> dict:
    """``worker(location, queries file, result queue)`` run in a new (spawned) process, so
    that its peak memory is the lookups' own; what it put on the queue."""
    path.write_text(json.dumps(queries))
    ctx = multiprocessing.get_context("spawn")
    result: multiprocessing.Queue = ctx.Queue()
    proc = ctx.Process(target=worker, args=(location, str(path), result))
    proc.start()
    out = result.get()
    proc.join()
    return out


def measure_lookups(location: str, queries: list, workdir: Path) -> dict:
    return in_fresh_process(lookup_worker, location, queries, workdir / "queries.json")


def pg_location(workdir: Path, name: str, fresh: bool = True) -> str:
    import pgserver
    import psycopg

    server = pgserver.get_server(workdir / "pgdata", cleanup_mode="stop")
    if fresh:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    return server.get_uri(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_store"))
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--lookup-only",
        action="store_true",
        help="measure lookups again on the index the last run left in --workdir",
    )
    parser.add_argument(
        "--page-size", type=int, help="SQLite page size of a new index (default: the store's own)"
    )
    args = parser.parse_args()
    if args.page_size:
        import unspin.twins.store_sqlite

        unspin.twins.store_sqlite.PAGE_SIZE = args.page_size
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.lookup_only:
        location = (
            str(args.workdir / "bench.unspin")
            if args.backend == "sqlite"
            else pg_location(args.workdir, "bench_store", fresh=False)
        )
        with open_store(location, readonly=True) as store:
            added = int(store.stats()["documents"])
        queries = make_queries(args.seed, args.batch, added, min(args.queries, added))
        row = {"backend": args.backend, "references": added, "lookup_only": True}
        row.update(measure_lookups(location, queries, args.workdir))
        print(json.dumps(row), flush=True)
        return
    pool = load_pool()
    if args.backend == "sqlite":
        location = str(args.workdir / "bench.unspin")
        for suffix in ("", "-wal", "-shm"):
            Path(location + suffix).unlink(missing_ok=True)
    else:
        shutil.rmtree(args.workdir / "pgdata", ignore_errors=True)
        location = pg_location(args.workdir, "bench_store")
    added, add_seconds, add_cpu, raw = 0, 0.0, 0.0, 0
    started = time.perf_counter()
    for size in sorted(args.sizes):
        stretch_refs, stretch_seconds = 0, 0.0
        with open_store(location, create=True, fingerprint=FINGERPRINT) as store:
            while added < size:
                b = added // args.batch
                count = min(args.batch, size - added)
                keys = batch_keys(args.seed, b, args.batch)
                batch = [
                    (f"r{i}", text_of(pool, i), keys[i % args.batch])
                    for i in range(added, added + count)
                ]
                raw += sum(len(t.encode("utf-8")) for _, t, _ in batch)
                c0, t0 = time.process_time(), time.perf_counter()
                store.add(batch)
                spent = time.perf_counter() - t0
                add_seconds += spent
                add_cpu += time.process_time() - c0
                if added >= size - size // 10:
                    stretch_refs += count
                    stretch_seconds += spent
                added += count
            stats = store.stats()
        disk = stats["disk_bytes"] if args.backend == "postgresql" else os.path.getsize(location)
        row = {
            "backend": args.backend,
            "references": added,
            "add_per_s": round(added / add_seconds),
            "add_per_cpu_s": round(added / add_cpu),
            "add_per_s_last_10pct": round(stretch_refs / max(stretch_seconds, 1e-9)),
            "build_wall_s": round(time.perf_counter() - started, 1),
            "raw_text_mb": round(raw / 2**20, 1),
            "disk_mb": round(disk / 2**20, 1),
            "disk_per_raw": round(disk / raw, 3),
            "disk_bytes_per_ref": round(disk / added),
            "raw_bytes_per_ref": round(raw / added),
            "postings": stats["postings_merged"] + stats["postings_pending"],
            "pending_runs": stats["pending_runs"],
            "writer_peak_rss_mb": peak_rss_mb(),
        }
        assert stats["documents"] == added, stats
        queries = make_queries(args.seed, args.batch, added, min(args.queries, added))
        row.update(measure_lookups(location, queries, args.workdir))
        print(json.dumps(row), flush=True)
        if args.out:
            with args.out.open("a") as f:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
