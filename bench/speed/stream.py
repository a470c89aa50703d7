"""Speed and peak memory of ``unspin restore`` as a user runs it: one process, start-up and
model loading included, under GNU ``time -v``.

- ``--news`` (the default): words per second (input words / wall seconds) of ``unspin
  restore --jsonl`` on spinner W's 200 held-out spun stories and on their 200 clean
  originals (``../shared``), each set one JSONL stream;
- ``--jsonl-mb``, ``--text-mb``, ``--line-mb``: big inputs, MB/s and peak memory: JSONL
  streams of Wikipedia articles (the clean seeds without ``../shared``), one in 20 a spun
  seed article and one in 500 a malformed line; a plain-text file; a single long line.

::

    python -m bench.speed.stream                       # news: spun and clean words/s
    python -m bench.speed.stream --core 0              # ... pinned to one core (taskset)
    python -m bench.speed.stream --jsonl-mb 10 100 --text-mb 200 --line-mb 50
    python -m bench.speed.stream --jsonl-mb 1000       # the largest stream (long)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import WIKI, read_jsonl, seed

MB = 1_000_000


def _articles() -> Iterator[str]:
    """Clean article texts, endlessly (Wikipedia when at hand, else the clean seeds)."""
    while True:
        if WIKI.exists():
            yield from (d["text"] for d in read_jsonl(WIKI))
        else:
            yield from (seed("001"), seed("003"))


def build(path: Path, megabytes: int, kind: str) -> None:
    """Write about ``megabytes`` MB of ``kind`` input: ``jsonl`` (one article a record),
    ``text`` (articles between blank lines) or ``line`` (all on one line)."""
    spun = [seed("000"), seed("004")]
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for n, text in enumerate(_articles(), start=1):
            body = spun[n // 20 % 2] if n % 20 == 0 else text
            if kind == "jsonl" and n % 500 == 0:
                piece = f'{{"id": {n}, "text": "truncated\n'  # malformed: passed through
            elif kind == "jsonl":
                piece = json.dumps({"id": n, "title": f"article {n}", "text": body}) + "\n"
            else:
                piece = body.replace("\n", " ") + " " if kind == "line" else body + "\n\n"
            out.write(piece)
            size += len(piece.encode("utf-8"))
            if size >= megabytes * MB:
                return


def measure(args: list[str], source: Path, core: int | None = None) -> dict[str, float]:
    """Run ``unspin ARGS < SOURCE`` under GNU time: wall seconds, peak MB, exit code."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "unspin.cli", *args, "--quiet"]
    if core is not None:
        cmd = ["taskset", "-c", str(core), *cmd]
    start = time.perf_counter()
    with source.open("rb") as stdin:
        proc = subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    peak = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return {
        "seconds": round(wall, 2),
        "peak_mb": round(int(peak.group(1)) / 1024, 1) if peak else float("nan"),
        "exit": proc.returncode,
    }


def news(core: int | None) -> dict[str, dict]:
    """Words per second on spinner W's held-out spun stories and on their originals."""
    from bench.spinners import spinner_w

    test = spinner_w.split(spinner_w.TEST)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, texts in (
            ("spun", [s.spun for s in test]),
            ("clean", [s.original for s in test]),
        ):
            path = Path(tmp) / f"{name}.jsonl"
            path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")
            words = sum(len(t.split()) for t in texts)
            r = measure(["restore", "--jsonl"], path, core)
            out[name] = {"stories": len(texts), "words": words, **r}
            out[name]["words_per_s"] = round(words / r["seconds"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsonl-mb", type=int, nargs="*", default=[])
    parser.add_argument("--text-mb", type=int, default=0, help="plain-text file size")
    parser.add_argument("--line-mb", type=int, default=0, help="single-line size")
    parser.add_argument("--core", type=int, help="pin unspin to this core (taskset)")
    parser.add_argument("--workdir", type=Path, default=Path("bench_stream_inputs"))
    opts = parser.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("needs GNU time (apt-get install time)")
    runs = [(mb, "jsonl") for mb in opts.jsonl_mb]
    runs += [(mb, kind) for mb, kind in ((opts.text_mb, "text"), (opts.line_mb, "line")) if mb]
    if not runs:
        print(json.dumps(news(opts.core), indent=1))
        return
    opts.workdir.mkdir(parents=True, exist_ok=True)
    print(f"{'input':<12} {'MB':>8} {'seconds':>8} {'MB/s':>6} {'peak MB':>8} {'exit':>4}")
    for mb, kind in runs:
        path = opts.workdir / f"{kind}_{mb}mb"
        build(path, mb, kind)
        args = ["restore", "--jsonl"] if kind == "jsonl" else ["restore"]
        r = measure(args, path, opts.core)
        size = path.stat().st_size / MB
        print(
            f"{kind:<12} {size:8.1f} {r['seconds']:8.1f} {size / r['seconds']:6.2f} "
            f"{r['peak_mb']:8.1f} {r['exit']:>4}",
            flush=True,
        )
    shutil.rmtree(opts.workdir)


if __name__ == "__main__":
    main()
