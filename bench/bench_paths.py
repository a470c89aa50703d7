"""The default path (contextual judge) and ``--fast`` (n-gram only), side by side: words
per second of ``unspin restore --jsonl`` in one process on spun and on clean news, and
peak memory on a 5 MB JSONL stream. Each run is a subprocess, model loading included.

Needs ``../shared`` (spinner W's dev set and Reuters)::

    python -m bench.bench_paths                 # 200 spun TEST stories, 600 clean stories
    python -m bench.bench_paths --memory-mb 5   # and the 5 MB stream's peak memory
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import spinner_w
from bench.bench_detect import other_reuters


def _jsonl(texts: list[str], path: Path) -> int:
    with path.open("w", encoding="utf-8") as f:
        for k, t in enumerate(texts):
            f.write(json.dumps({"id": k, "text": t}) + "\n")
    return sum(len(re.findall(r"\S+", t)) for t in texts)


def run(path: Path, fast: bool) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one ``unspin restore --jsonl`` process."""
    cmd = [sys.executable, "-m", "unspin.cli", "restore", "--jsonl", "-q"]
    if fast:
        cmd.append("--fast")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    with path.open("rb") as src:
        subprocess.run(cmd, stdin=src, stdout=subprocess.DEVNULL, check=True)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clean", type=int, default=600)
    ap.add_argument("--memory-mb", type=float, default=0.0, help="also a stream this big")
    args = ap.parse_args(argv)
    if not spinner_w.available():
        sys.exit("needs ../shared")
    test = spinner_w.split(spinner_w.TEST)
    sets = {
        "spun news": [s.spun for s in test],
        "clean news": [s.original for s in test] + other_reuters()[: args.clean - len(test)],
    }
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, texts in sets.items():
            path = Path(tmp) / "in.jsonl"
            words = _jsonl(texts, path)
            for fast in (False, True):
                seconds, _ = run(path, fast)
                key = f"{name}, {'--fast' if fast else 'default'}"
                out[key] = {
                    "words": words,
                    "seconds": round(seconds, 1),
                    "words_per_s": round(words / seconds),
                }
                print(key, json.dumps(out[key]), flush=True)
        if args.memory_mb:
            path = Path(tmp) / "big.jsonl"
            texts, size = [], 0
            pool = sets["clean news"] + sets["spun news"]
            while size < args.memory_mb * 1e6:
                texts.append(pool[len(texts) % len(pool)])
                size += len(texts[-1]) + 20
            _jsonl(texts, path)
            seconds, peak = run(path, False)
            out["memory"] = {
                "mb": round(os.path.getsize(path) / 1e6, 1),
                "seconds": round(seconds),
                "peak_rss_mb": round(peak),
            }
            print("memory", json.dumps(out["memory"]), flush=True)


if __name__ == "__main__":
    main()
