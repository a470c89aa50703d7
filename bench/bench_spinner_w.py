"""Restoring real spinner output, as the judges score it.

Restores spinner W's held-out dev stories (``bench.spinner_w.TEST``) with the given
options, as a user would (``unspin.restore``), and reports the share of word errors
undone, how many spun stories were changed at all, and changes to clean text: the
stories' originals, seeds 001 and 003. Seed 004 (another real spinner) against its hand
reconstruction, with the count of "supervision" / "criticism" left::

    python -m bench.bench_spinner_w                         # bundled data
    python -m bench.bench_spinner_w --table learned.tsv     # a table from `unspin learn`
    python -m bench.bench_spinner_w --min-spin 0 --stories 100
    python -m bench.bench_spinner_w --coverage 60    # share of swaps the candidates reach
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench import spinner_w
from bench.bench_restore import ROOT, _seed
from unspin import RestoreOptions, restore


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


def coverage(stories: int) -> dict[str, float]:
    """Of the words spinner W changed in the first ``stories`` tuning stories, the share
    for which the engine proposes the right original (thorough, as in a spun document)."""
    from unspin.restore.engine import get_engine

    engine = get_engine(RestoreOptions(min_spin=0.0, thorough=True))
    changed = reached = 0
    for story in spinner_w.split(spinner_w.TUNE)[:stories]:
        analysis = engine.analyse(story.spun)
        gold = spinner_w.Gold(story.spun, story.original)
        right: set[int] = set()
        for sent in analysis.sentences:
            for c in sent.candidates:
                i, j = sent.first + c.i, sent.first + c.j
                if gold.words(i, j) == c.words:
                    right.update(range(i, j))
        spun = [k for k, t in enumerate(analysis.tokens) if t.kind != "punct" and gold.changed(k)]
        changed += len(spun)
        reached += sum(k in right for k in spun)
    return {"changed_words": changed, "reached": round(reached / max(changed, 1), 4)}


def main(argv: list[str] | None = None) -> None:
    """Print the report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", type=Path, action="append", default=[])
    parser.add_argument("--min-spin", type=float, default=RestoreOptions().min_spin)
    parser.add_argument("--stories", type=int, default=len(spinner_w.TEST))
    parser.add_argument("--coverage", type=int, help="instead: candidate coverage on N stories")
    parser.add_argument("--fast", action="store_true", help="the n-gram-only path (no judge)")
    args = parser.parse_args(argv)
    if args.coverage:
        print(json.dumps(coverage(args.coverage), indent=1))
        return
    options = RestoreOptions(tables=tuple(args.table), min_spin=args.min_spin, fast=args.fast)
    print(json.dumps(report(options, args.stories), indent=1))


if __name__ == "__main__":
    main()
