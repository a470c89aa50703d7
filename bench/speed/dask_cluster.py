"""Throughput: one process against a 2-worker Dask LocalCluster, on the same records.

Restoring: the records are spinner W's spun stories and their Reuters originals (TUNE
split; ``../shared``), or the seeds' paragraphs when ``../shared`` is absent. Each side
loads its engine outside the clock (the cluster's first pass, which loads it in every
worker, is reported apart); the outputs must be identical. ``--learn N`` also times
``unspin learn`` against :func:`unspin.learn.distributed.learn_distributed` on a pile of N spun
copies with their originals, N unrelated stories and N/4 spun copies alone, and checks
that the tables are byte-identical.

    python -m bench.speed.dask_cluster --records 200 --learn 100
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import SEEDS, write_pile
from bench.spinners import spinner_w
from unspin import restore


def records(count: int) -> list[str]:
    """``count`` texts: half spun stories, half clean originals (or seed paragraphs)."""
    if spinner_w.available():
        stories = spinner_w.split(spinner_w.TUNE)[: (count + 1) // 2]
        texts = [t for s in stories for t in (s.spun, s.original)]
    else:
        seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
        paragraphs = [p for s in seeds for p in s.split("\n\n") if len(p.split()) > 20]
        texts = (paragraphs * (count // max(len(paragraphs), 1) + 1))[:count]
    return texts[:count]


def bench_restore(client: object, texts: list[str], partitions: int) -> dict[str, object]:
    import dask.bag as db

    from unspin.pipelines import restore_bag

    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    restore(texts[0])
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    single = [restore(t) for t in texts]
    one = time.perf_counter() - t0

    bag = restore_bag(db.from_sequence(texts, npartitions=partitions))
    t0 = time.perf_counter()
    first = bag.compute()
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = bag.compute()
    warm = time.perf_counter() - t0
    return {
        "records": len(texts),
        "words": words,
        "single_load_s": round(load, 2),
        "single_words_per_s": round(words / one),
        "cluster_first_pass_s": round(cold, 2),
        "cluster_words_per_s": round(words / warm),
        "speedup": round(one / warm, 2),
        "identical": first == single and second == single,
    }


def bench_learn(client: object, count: int) -> dict[str, object]:
    from unspin.learn.distributed import learn_distributed
    from unspin.learn.gates import write_learned_table
    from unspin.learn.learner import learn, table_comments

    texts = spinner_w.aligned_pile(count, count, count // 4)
    with tempfile.TemporaryDirectory() as tmp:
        pile = write_pile(texts, Path(tmp) / "pile")
        t0 = time.perf_counter()
        one = learn([pile])
        single = time.perf_counter() - t0
        t0 = time.perf_counter()
        dist = learn_distributed([pile], client)
        cluster = time.perf_counter() - t0
        tables = []
        for name, result in (("one", one), ("dist", dist)):
            out = Path(tmp) / name / "t.tsv"
            out.parent.mkdir()
            write_learned_table(result, [pile], out, "t", table_comments(result))
            tables.append(out.read_bytes())
    return {
        "documents": one.summary.documents,
        "pairs_found": one.summary.pairs_found,
        "entries": len(one.entries),
        "single_s": round(single, 1),
        "cluster_s": round(cluster, 1),
        "speedup": round(single / cluster, 2),
        "identical_table": tables[0] == tables[1],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--learn", type=int, default=0, help="pile size (0: skip)")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=args.workers, processes=True, threads_per_worker=1, dashboard_address=None
    )
    client = Client(cluster)
    report: dict[str, object] = {"cluster_start_s": round(time.perf_counter() - t0, 2)}
    try:
        report["restore"] = bench_restore(client, records(args.records), args.partitions)
        if args.learn:
            if not spinner_w.available():
                print("--learn needs ../shared (spinner W dev set)", file=sys.stderr)
            else:
                report["learn"] = bench_learn(client, args.learn)
    finally:
        client.close()
        cluster.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
