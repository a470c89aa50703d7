"""Streaming benchmark: throughput and peak memory of `unspin restore` on big inputs.

Builds JSONL streams of 10 and 100 MB (1,000 MB with ``--big``), a plain-text file and a
single 50 MB line, restores each in a subprocess under GNU ``time -v`` and reports wall
time, MB/s and peak resident memory. Records are Wikipedia articles from
``../shared/corpus`` (the bundled seeds when it is absent), one in 20 a spun seed article
and one in 500 a malformed line, so the stream exercises every path.

    python -m bench.bench_stream                       # 10 + 100 MB JSONL, 200 MB text, 50 MB line
    python -m bench.bench_stream --big                 # ... and 1,000 MB JSONL (long)
    python -m bench.bench_stream --jsonl-mb 10 --text-mb 20 --line-mb 0   # a quick look
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIKI = ROOT.parent / "shared" / "corpus" / "wikipedia_en.jsonl.gz"
SPUN_SEEDS = ["000_37e887db59ef4590.txt", "004_0829a57a15649cb0.txt"]
MB = 1_000_000


def _articles() -> Iterator[str]:
    """Clean article texts, endlessly (Wikipedia when at hand, else the clean seeds)."""
    while True:
        if WIKI.exists():
            with gzip.open(WIKI, "rt", encoding="utf-8") as f:
                for line in f:
                    yield json.loads(line)["text"]
        else:
            for name in ("001_1d8b1f4f4203ccee.txt", "003_1aaac26ae96cc3cc.txt"):
                yield (ROOT / "seeds" / name).read_text(encoding="utf-8")


def _spun() -> list[str]:
    return [(ROOT / "seeds" / name).read_text(encoding="utf-8") for name in SPUN_SEEDS]


def build_jsonl(path: Path, megabytes: int) -> int:
    """Write a JSONL stream of about ``megabytes`` MB; returns the number of lines."""
    spun = _spun()
    size = lines = 0
    with path.open("w", encoding="utf-8") as out:
        for n, text in enumerate(_articles(), start=1):
            if n % 500 == 0:
                line = f'{{"id": {n}, "text": "truncated\n'  # malformed: passed through
            else:
                body = spun[n // 20 % 2] if n % 20 == 0 else text
                line = json.dumps({"id": n, "title": f"article {n}", "text": body}) + "\n"
            out.write(line)
            size += len(line.encode("utf-8"))
            lines += 1
            if size >= megabytes * MB:
                return lines
    return lines


def build_text(path: Path, megabytes: int, one_line: bool = False) -> None:
    """Write plain text of about ``megabytes`` MB (articles between blank lines, or all
    on one line)."""
    spun = _spun()
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for n, text in enumerate(_articles(), start=1):
            body = spun[n // 20 % 2] if n % 20 == 0 else text
            piece = body.replace("\n", " ") + " " if one_line else body + "\n\n"
            out.write(piece)
            size += len(piece.encode("utf-8"))
            if size >= megabytes * MB:
                return


def measure(args: list[str], source: Path) -> dict[str, float]:
    """Run ``unspin ARGS SOURCE`` under GNU time; wall seconds, peak MB, exit code."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    cmd = [time_bin, "-v", sys.executable, "-m", "unspin.cli", *args, "--quiet", str(source)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    err = proc.stderr.decode("utf-8", "replace")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    return {
        "seconds": round(wall, 1),
        "peak_mb": round(int(peak.group(1)) / 1024, 1) if peak else float("nan"),
        "exit": proc.returncode,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsonl-mb", type=int, nargs="*", default=[10, 100])
    parser.add_argument("--big", action="store_true", help="also 1,000 MB of JSONL")
    parser.add_argument("--text-mb", type=int, default=200, help="plain-text file size (0: skip)")
    parser.add_argument("--line-mb", type=int, default=50, help="single-line size (0: skip)")
    parser.add_argument("--workdir", type=Path, default=Path("bench_stream_inputs"))
    parser.add_argument("--keep", action="store_true", help="keep the generated inputs")
    opts = parser.parse_args()
    if not shutil.which("time") and not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time (apt-get install time)")
    opts.workdir.mkdir(parents=True, exist_ok=True)
    runs: list[tuple[str, Path, list[str]]] = []
    for mb in [*opts.jsonl_mb, *([1000] if opts.big else [])]:
        path = opts.workdir / f"stream_{mb}mb.jsonl"
        if not path.exists():
            build_jsonl(path, mb)
        runs.append((f"JSONL {mb} MB", path, ["restore", "--jsonl"]))
    if opts.text_mb:
        path = opts.workdir / f"text_{opts.text_mb}mb.txt"
        if not path.exists():
            build_text(path, opts.text_mb)
        runs.append((f"text {opts.text_mb} MB", path, ["restore"]))
    if opts.line_mb:
        path = opts.workdir / f"line_{opts.line_mb}mb.txt"
        if not path.exists():
            build_text(path, opts.line_mb, one_line=True)
        runs.append((f"one line {opts.line_mb} MB", path, ["restore"]))
    print(f"{'input':<20} {'MB':>8} {'seconds':>8} {'MB/s':>6} {'peak MB':>8} {'exit':>4}")
    for label, path, args in runs:
        size = path.stat().st_size / MB
        r = measure(args, path)
        rate = size / r["seconds"] if r["seconds"] else float("nan")
        print(
            f"{label:<20} {size:8.1f} {r['seconds']:8.1f} {rate:6.2f} {r['peak_mb']:8.1f} "
            f"{r['exit']:>4}",
            flush=True,
        )
    if not opts.keep:
        shutil.rmtree(opts.workdir)


if __name__ == "__main__":
    main()
