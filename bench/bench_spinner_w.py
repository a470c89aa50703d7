"""Restoring real spinner output, as the judges score it.

Restores spinner W's held-out dev stories (``bench.spinner_w.TEST``) with the given
options, as a user would (``unspin.restore``), and reports the share of word errors
undone, how many spun stories were changed at all, and changes to clean text: the
stories' originals, seeds 001 and 003. Seed 004 (another real spinner) against its hand
reconstruction, with the count of "supervision" / "criticism" left::

    python -m bench.bench_spinner_w                         # bundled data
    python -m bench.bench_spinner_w --table learned.tsv     # a table from `unspin learn`
    python -m bench.bench_spinner_w --min-spin 0 --stories 100
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench import spinner_w
from unspin import RestoreOptions, restore

ROOT = Path(__file__).resolve().parents[1]


def _seed(prefix: str) -> str:
    return next((ROOT / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def seed_004(options: RestoreOptions) -> dict[str, float]:
    """Seed 004 against its hand reconstruction, and the spun words its examples name."""
    spun = _seed("004")
    original = (ROOT / "bench" / "references" / "004_reconstructed.txt").read_text("utf-8")
    restored = restore(spun, options)
    undone, before, after = spinner_w.undone([(spun, restored, original)])
    left = {w: spinner_w.tokens(restored).count(w) for w in ("supervision", "criticism")}
    return {"undone": round(undone, 4), "errors_before": before, "errors_after": after, **left}


def report(options: RestoreOptions, stories: int) -> dict[str, object]:
    """The whole report as a dict."""
    test = spinner_w.split(spinner_w.TEST)[:stories]
    t0 = time.perf_counter()
    restored = [restore(s.spun, options) for s in test]
    seconds = time.perf_counter() - t0
    undone, before, after = spinner_w.undone(
        (s.spun, r, s.original) for s, r in zip(test, restored, strict=True)
    )
    clean = [s.original for s in test] + [_seed("001"), _seed("003")]
    changed = [c for c in clean if restore(c, options) != c]
    return {
        "stories": len(test),
        "undone": round(undone, 4),
        "errors_before": before,
        "errors_after": after,
        "spun_changed": sum(r != s.spun for s, r in zip(test, restored, strict=True)),
        "clean_changed": len(changed),
        "clean_docs": len(clean),
        "spun_words_per_s": round(sum(len(s.spun.split()) for s in test) / seconds),
        "seed_004": seed_004(options),
    }


def main(argv: list[str] | None = None) -> None:
    """Print the report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", type=Path, action="append", default=[])
    parser.add_argument("--min-spin", type=float, default=RestoreOptions().min_spin)
    parser.add_argument("--stories", type=int, default=len(spinner_w.TEST))
    args = parser.parse_args(argv)
    options = RestoreOptions(tables=tuple(args.table), min_spin=args.min_spin)
    print(json.dumps(report(options, args.stories), indent=1))


if __name__ == "__main__":
    main()
