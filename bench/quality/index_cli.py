"""The reference index as a user runs it (issues 28 and 29): ``unspin index add`` and
``unspin match --refs`` through the CLI on the benchmark's ~44,700 references
(:mod:`bench.quality.refs_data`; evaluation only, everything derived stays under
``bench/out/``)::

    python -m bench.quality.index_cli                      # tune set, SQLite file
    python -m bench.quality.index_cli --set heldout
    python -m bench.quality.index_cli --backend postgresql # a pgserver PostgreSQL
    python -m bench.quality.index_cli --workers 0 --no-lm  # add in one process; match w/o LM

Reported: ``index add`` wall seconds and references a second (with the CPU seconds of
the command and its worker), the index's size against the references' raw UTF-8 text,
``match --refs`` queries a second and the links as the hidden test counts them (per
spinner: right, another version, wrong, missed; clean queries linked: must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict

from bench.quality import refs_data

OUT = refs_data.OUT / "index_cli"
SRC = str(refs_data.ROOT / "src")


PEAK = "peak_rss_kb="


def _unspin(*args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run the CLI; wall seconds, CPU seconds (it and its children), the result (its
    stderr's last line gives the command's peak memory when /usr/bin/time is there)."""
    env = dict(os.environ, PYTHONPATH=SRC)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    timer = ["/usr/bin/time", "-f", PEAK + "%M"] if os.path.exists("/usr/bin/time") else []
    done = subprocess.run(
        [*timer, sys.executable, "-m", "unspin.cli", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 3):
        sys.exit(f"unspin {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, cpu, done


def _peak_mb(done: subprocess.CompletedProcess) -> float | None:
    lines = [x for x in done.stderr.splitlines() if x.startswith(PEAK)]
    return round(int(lines[-1][len(PEAK) :]) / 1024, 1) if lines else None


def _location(backend: str, name: str) -> tuple[str, object]:
    if backend == "sqlite":
        path = OUT / f"{name}.unspin"
        for suffix in ("", "-wal", "-shm"):
            (OUT / f"{name}.unspin{suffix}").unlink(missing_ok=True)
        return str(path), None
    import pgserver
    import psycopg

    data = OUT / "pg"
    server = pgserver.get_server(data, cleanup_mode="stop")
    schema = f"bench_{name}"
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{server.get_uri()}&options=-csearch_path%3D{schema}", server


def report(name: str, backend: str, workers: int | None, lm: bool) -> dict:
    refs, queries = refs_data.build(name)
    OUT.mkdir(parents=True, exist_ok=True)
    queries_path = OUT / f"queries_{name}.jsonl"
    with open(queries_path, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps({"qid": q["qid"], "text": q["text"]}) + "\n")
    refs_path = refs_data.OUT / f"refs_{name}.refs.jsonl.gz"
    location, server = _location(backend, f"{name}_{backend}")
    out: dict = {"set": name, "backend": backend, "references": len(refs)}
    add = ["index", "add", str(refs_path), "--index", location, "--quiet"]
    if workers is not None:
        add += ["--workers", str(workers)]
    wall, cpu, done = _unspin(*add)
    out["index_add"] = {
        "seconds": round(wall, 1),
        "references_per_second": round(len(refs) / wall),
        "cpu_seconds": round(cpu, 1),
        "named_on_stderr": done.stderr.count("unspin: "),
        "peak_mb": _peak_mb(done),
        "workers": workers,
    }
    _, _, done = _unspin("index", "stats", "--index", location)
    stats = json.loads(done.stdout)
    raw = sum(len(r["text"].encode("utf-8")) for r in refs)
    out["stats"] = {k: stats[k] for k in ("documents", "text_bytes", "disk_bytes")}
    out["stats"]["raw_text_bytes_all_references"] = raw
    out["stats"]["disk_over_raw"] = round(stats["disk_bytes"] / raw, 3)
    links_path = OUT / f"links_{name}_{backend}.jsonl"
    match = ["match", "--refs", location, str(queries_path), "--jsonl", "--id-field", "qid"]
    match += ["-o", str(links_path), "--quiet"] + ([] if lm else ["--no-lm"])
    wall, cpu, done = _unspin(*match)
    out["match"] = {
        "seconds": round(wall, 1),
        "queries_per_second": round(len(queries) / wall, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_mb": _peak_mb(done),
        "lm": lm,
    }
    number = {}
    for n, r in enumerate(refs):
        number.setdefault(r["id"], n)
    with open(links_path, encoding="utf-8") as f:
        linked = {int(k["spun"]): number[k["original"]] for k in map(json.loads, f)}
    out["links"] = score(queries, linked)
    if server is not None:
        server.cleanup()
    return out


def score(queries: list[dict], linked: dict[int, int]) -> dict:
    """Per spinner: right (the original, or a reference of the same text), right_version,
    wrong (another story, or any link of a copy whose original is not indexed), missed;
    clean queries linked (must be 0)."""
    rows: dict[str, Counter] = defaultdict(Counter)
    for q in queries:
        ref = linked.get(q["qid"])
        if q["spinner"] is None:
            row = rows["clean"]
            row[q["kind"]] += 1
            row["linked"] += ref is not None
            continue
        row = rows[f"{q['spinner']}_{q['kind']}"]
        row["n"] += 1
        if q["original"] is None:
            row["wrong"] += ref is not None
        elif ref is None:
            row["missed"] += 1
        elif ref in q["accept"]:
            row["right"] += 1
        elif ref in q.get("versions", []):
            row["right_version"] += 1
        else:
            row["wrong"] += 1
    out = {}
    for spinner in ("light", "heavy"):
        kinds = {k: dict(v) for k, v in sorted(rows.items()) if k.startswith(spinner)}
        indexed = [v for k, v in kinds.items() if not k.endswith("alone")]
        n = sum(v["n"] for v in indexed)
        good = sum(v.get("right", 0) + v.get("right_version", 0) for v in indexed)
        wrong = sum(v.get("wrong", 0) for v in kinds.values())
        out[spinner] = {"linked_pct": round(100 * good / max(n, 1), 1), "wrong": wrong, **kinds}
    out["clean"] = dict(rows["clean"])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(refs_data.SETS), default="tune")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=None, help="index add --workers")
    parser.add_argument("--no-lm", action="store_true", help="match --refs --no-lm")
    args = parser.parse_args(argv)
    if not refs_data.available():
        sys.exit("skipped: the corpora or the spinner W dev sets are absent (needs ../shared)")
    print(json.dumps(report(args.set, args.backend, args.workers, not args.no_lm), indent=1))


if __name__ == "__main__":
    main()
