"""The hit gate of a table learned without clean documents, on real spinner output.

``unspin learn`` on a spun-only pile writes ``hit_gate=`` into the table's header
(:data:`unspin.learn.unpaired.HIT_GATE`): a document opens when its weighted table hits
lie that many standard deviations above clean English's expectation
(:func:`unspin.restore.hit_gate.hit_score`). This reports, for a table, the score's
spread on spinner W's tuning stories outside the learning pile (``split(TUNE)[1350:]``:
spun copies, and their originals with seeds 001/003, the clean maximum being what the
gate is set from) and on held-out sets (TEST spins and originals, 500 Reuters stories
not in the dev set, 300 Wikipedia chunks), then restores with the table as a user would
(plain ``--table``): errors undone on the spun sets, clean documents changed::

    python -m bench.quality.hit_gate --table spun_only.tsv            # report
    python -m bench.quality.hit_gate --table spun_only.tsv --no-restore

Spinner W, 1,350-story spun-only pile (``bench.quality.reffree``'s), gate 7.1: the TUNE
clean maximum is 7.06; 32% of TUNE spins and 26% of TEST spins open; restored, 7.6% of
TUNE errors and 5.9% of TEST errors undone, clean changed 0 of 490 TUNE, 0 of 202 TEST,
1 of 500 other Reuters (a story at 7.65), 0 of 300 Wikipedia.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.common import seed, undone, wiki_chunks
from bench.spinners import spinner_w as W


def document_sets() -> dict[str, list[tuple[str, str | None]]]:
    """(text, original or None for clean text) by set name."""
    tune = W.split(W.TUNE)[1350:]
    test = W.split(W.TEST)
    seeds = [seed("001"), seed("003")]
    return {
        "tune_spun": [(s.spun, s.original) for s in tune],
        "tune_clean": [(s.original, None) for s in tune] + [(t, None) for t in seeds],
        "test_spun": [(s.spun, s.original) for s in test],
        "test_clean": [(s.original, None) for s in test] + [(t, None) for t in seeds],
        "other_reuters": [(t, None) for t in W.other_reuters(min_words=120)[-500:]],
        "wikipedia": [(t, None) for t in wiki_chunks(300, 0)],
    }


def scores(engine, texts: list[str]) -> list[float]:
    """The hit score of each text under ``engine`` (its table must have a hit gate)."""
    from unspin.restore import hit_gate

    seen: list[float] = []
    plain = hit_gate.hit_score

    def recording(*args: float) -> float:
        seen.append(plain(*args))
        return seen[-1]

    hit_gate.hit_score = recording
    try:
        out = []
        for text in texts:
            del seen[:]
            engine.spin(text)
            out.append(seen[-1] if seen else float("-inf"))
        return out
    finally:
        hit_gate.hit_score = plain


def main(argv: list[str] | None = None) -> None:
    from unspin import RestoreOptions, restore
    from unspin.restore.engine import get_engine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, required=True)
    parser.add_argument("--no-restore", action="store_true", help="scores only")
    args = parser.parse_args(argv)
    options = RestoreOptions(tables=(str(args.table),))
    engine = get_engine(options)
    if engine.table.hit_gate is None:
        raise SystemExit(f"{args.table} has no hit_gate in its header")
    gate = engine.table.hit_gate
    for name, docs in document_sets().items():
        z = sorted(scores(engine, [t for t, _ in docs]))
        row = {
            "set": name,
            "docs": len(docs),
            "max_score": round(z[-1], 2),
            "p99_score": round(z[int(0.99 * (len(z) - 1))], 2),
            f"over_gate_{gate:g}": sum(v >= gate for v in z),
        }
        if not args.no_restore:
            restored = [restore(t, options) for t, _ in docs]
            if docs[0][1] is None:
                row["changed"] = sum(r != t for r, (t, _) in zip(restored, docs, strict=True))
            else:
                share, before, after = undone(
                    (t, r, o) for r, (t, o) in zip(restored, docs, strict=True)
                )
                row["undone"] = f"{share:.2%} ({before} -> {after})"
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
