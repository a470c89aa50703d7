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
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.speed import scale_data  # noqa: E402
from bench.speed.bench_store import in_fresh_process, peak_rss_mb, pg_location  # noqa: E402


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
    return in_fresh_process(lookup_worker, location, queries, workdir / "scale_queries.json")


def hot_key_stress(name: str, factors: tuple[float, ...] = (1.0, 22.4)) -> dict:
    """What a bigger archive of the *same kind* of text would do to the twins' keys: every
    key's count among the set's 44,700 references multiplied by ``factor`` (22.4: a
    million references as news-heavy as the set; the haystack's pseudo-articles are
    Wikipedia, whose keys do not make newswire keys hotter). Per factor and hot-key cap:
    copies whose twin keeps fewer than 2 usable keys (shared with the copy, not hot)."""
    from collections import Counter

    from unspin.twins.candidates import MIN_MATCHED
    from unspin.twins.fingerprint import query_keys, reference_keys

    refs, queries = scale_data.query_set(name)
    count: Counter[int] = Counter()
    keys_of = {}
    for r in refs:
        keys_of[r["id"]] = reference_keys(r["text"])
        count.update(keys_of[r["id"]])
    out: dict[str, dict] = {}
    for q in queries:
        if not q["spinner"] or q["original_id"] is None:
            continue
        shared = set(keys_of[q["original_id"]]) & set(query_keys(q["text"]))
        for factor in factors:
            for cap in (250, 1000):
                row = out.setdefault(f"x{factor} cap {cap} {q['spinner']}", Counter())
                usable = sum(1 for k in shared if count[k] * factor <= cap)
                row["copies"] += 1
                row["twin_under_2_usable"] += usable < MIN_MATCHED
                row["twin_under_5_usable"] += usable < 5
                row["twin_under_10_usable"] += usable < 10
                row["usable_keys"] += usable
                row["shared_keys"] += len(shared)
    return {
        k: {
            "copies": v["copies"],
            "twin_under_2_usable": v["twin_under_2_usable"],
            "twin_under_5_usable": v["twin_under_5_usable"],
            "twin_under_10_usable": v["twin_under_10_usable"],
            "usable_mean": round(v["usable_keys"] / v["copies"], 1),
            "shared_mean": round(v["shared_keys"] / v["copies"], 1),
        }
        for k, v in out.items()
    }


def rss_mb() -> float:
    """This process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def add_worker(location: str, jsonl: str, workers: int, result: multiprocessing.Queue) -> None:
    """In a fresh process, as ``unspin index add --jsonl`` runs: stream a JSONL file into the
    index; rate, this process's peak RSS and its fingerprinting workers' (sampled)."""
    import contextlib
    import threading

    import psutil

    from unspin.twins.refindex import ReferenceIndex

    me, peaks, stop = psutil.Process(), {}, threading.Event()

    def watch() -> None:
        while not stop.wait(0.2):
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    peaks[child.pid] = max(peaks.get(child.pid, 0), child.memory_info().rss)

    def records():
        with open(jsonl, encoding="utf-8") as f:
            for line in f:
                obj = json.loads(line)
                yield obj["id"], obj["text"]

    threading.Thread(target=watch, daemon=True).start()
    t0 = time.perf_counter()
    with ReferenceIndex(location) as index:
        done = index.add_many(records(), workers=workers)
        documents = index.stats()["documents"]
    spent = time.perf_counter() - t0
    stop.set()
    result.put(
        {
            "added": done.added,
            "documents_after": documents,
            "add_per_s": round(done.added / spent),
            "add_process_peak_rss_mb": peak_rss_mb(),
            "fingerprint_worker_peak_rss_mb": round(max(peaks.values(), default=0) / 2**20, 1),
        }
    )


def more_jsonl(workdir: Path, start: int, count: int) -> Path:
    """Pseudo-articles ``start`` .. ``start + count - 1`` as a JSONL file (made once)."""
    jsonl = workdir / f"more_{start}_{count}.jsonl"
    if not jsonl.exists():
        with jsonl.open("w", encoding="utf-8") as f:
            for ref_id, text in scale_data.pseudo_articles(start, count, seed=29):
                f.write(json.dumps({"id": ref_id, "text": text}) + "\n")
    return jsonl


def measure_dask(location: str, queries: list[dict], count: int, workdir: Path) -> dict:
    """:mod:`unspin.pipelines.dask_index` on a local cluster of 2 worker processes: build a
    new index of ``count`` pseudo-articles from one JSONL file (beside ``location``), then
    match every query against the index at ``location``; rates and linking."""
    from dask.distributed import Client, LocalCluster

    from unspin.pipelines.dask_index import index_bag, match_bag

    jsonl = more_jsonl(workdir, 2_000_000, count)
    if location.startswith("postgresql"):
        built = pg_location(workdir, "scale_dask")
    else:
        built = str(workdir / "dask.unspin")
        for suffix in ("", "-wal", "-shm"):
            Path(built + suffix).unlink(missing_ok=True)
    asked = workdir / "dask_queries.jsonl"
    with asked.open("w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps({"id": str(q["qid"]), "text": q["text"]}) + "\n")
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        t0 = time.perf_counter()
        done = index_bag([jsonl], built, scheduler=client)
        t1 = time.perf_counter()
        links = match_bag([asked], location, scheduler=client)
        t2 = time.perf_counter()
        again = match_bag([asked], location, scheduler=client)  # workers warm: LM loaded
        t3 = time.perf_counter()
    assert again == links
    linked = {r["spun"]: r["original"] for r in links}
    right = wrong = 0
    for q in queries:
        got = linked.get(str(q["qid"]))
        if got is None:
            continue
        good = q["spinner"] and got in set(q["accept_ids"]) | set(q["version_ids"])
        right += bool(good)
        wrong += not good
    return {
        "dask_index_refs": done.added,
        "dask_index_per_s": round(done.added / (t1 - t0)),
        "dask_match_queries": len(queries),
        "dask_match_per_s": round(len(queries) / (t2 - t1), 1),
        "dask_match_per_s_warm": round(len(queries) / (t3 - t2), 1),
        "dask_links_right": right,
        "dask_links_wrong_or_clean_linked": wrong,
    }


def measure_add(location: str, count: int, workers: int, workdir: Path) -> dict:
    """Add ``count`` more pseudo-articles (written to a JSONL file first) to the index in a
    fresh process (:func:`add_worker`)."""
    from unspin.twins.refindex import ReferenceIndex

    with ReferenceIndex(location, readonly=True) as index:
        start = int(index.stats()["last_number"])  # pseudo-article numbers not used yet
    jsonl = more_jsonl(workdir, start, count)
    ctx = multiprocessing.get_context("spawn")
    result: multiprocessing.Queue = ctx.Queue()
    proc = ctx.Process(target=add_worker, args=(location, str(jsonl), workers, result))
    proc.start()
    out = result.get()
    proc.join()
    return {"jsonl_mb": round(jsonl.stat().st_size / 2**20, 1), **out}


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
    parser.add_argument("--hot-stress", action="store_true", help="see hot_key_stress()")
    parser.add_argument(
        "--add-more",
        type=int,
        help="add this many more pseudo-articles to the last index "
        "in a fresh process (a copy of it with --copy-to): rate and peak memory",
    )
    parser.add_argument("--copy-to", type=Path, help="--add-more: SQLite copy to add to")
    parser.add_argument(
        "--dask",
        type=int,
        help="build a new index of this many pseudo-articles on a local "
        "Dask cluster, then match the queries against the last index on it",
    )
    args = parser.parse_args()
    if args.dask:
        workdir = args.workdir / args.backend
        location = make_location(args.backend, workdir, fresh=False)
        refs, queries = scale_data.query_set(args.set)
        row = {"backend": args.backend, **measure_dask(location, queries, args.dask, workdir)}
        print(json.dumps(row), flush=True)
        with args.out.open("a") as f:
            f.write(json.dumps(row) + "\n")
        return
    if args.add_more:
        workdir = args.workdir / args.backend
        location = make_location(args.backend, workdir, fresh=False)
        if args.copy_to:
            shutil.copyfile(location, args.copy_to)
            location = str(args.copy_to)
        row = {"backend": args.backend, "add_more": args.add_more, "workers": args.workers}
        row.update(measure_add(location, args.add_more, args.workers, workdir))
        print(json.dumps(row), flush=True)
        with args.out.open("a") as f:
            f.write(json.dumps(row) + "\n")
        return
    if args.hot_stress:
        print(json.dumps(hot_key_stress(args.set), indent=1))
        return
    workdir = args.workdir / args.backend
    workdir.mkdir(parents=True, exist_ok=True)
    refs, queries = scale_data.query_set(args.set)
    by_id = {r["id"]: r["text"] for r in refs}
    for q in queries:
        q["original_text"] = by_id.get(q["original_id"]) if q["spinner"] else None
    location = make_location(args.backend, workdir, fresh=not args.lookup_only)
    scale_data.sentences()
    data_rss = rss_mb()  # what the benchmark's own data takes, before any index
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
                    "bench_data_rss_mb": data_rss,
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
