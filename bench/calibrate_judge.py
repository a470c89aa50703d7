"""Calibrate the judge's terms in candidate decisions (``slot``, ``slot_center``,
``prefer``, ``flag`` in ``data/judge/calibration.json``) on spinner W's tune split.

Each document is analysed once per ``flag`` (which words get thesaurus candidates); the
judge's terms are then recomputed for every grid point and the edits decided again, so a
grid costs decisions, not judge passes. The score is the share of word errors undone on
spun tune stories, among settings that change none of the clean documents (the same
stories' originals, other Reuters stories, held-out Wikipedia chunks, seeds 001/003)::

    python -m bench.calibrate_judge --stories 150 --clean 250
    python -m bench.calibrate_judge --write data/judge/calibration.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

from bench import spinner_w
from bench.bench_detect import _seed, other_reuters
from bench.bench_spinner_w import seed_004
from bench.calibrate import held_out_chunks
from unspin import apply_edits
from unspin.models.judge import load_judge
from unspin.options import RestoreOptions
from unspin.restore import analysis as analysis_mod
from unspin.restore.engine import get_engine
from unspin.restore.judged import load_calibration

SLOTS = (0.0, 0.5, 1.0)
CENTERS = (0.0, 2.0)
PREFERS = (0.0, 0.15)
FLAGS = (0.25, 0.35)


def _restored(engine, text, an, cal) -> str:  # type: ignore[no-untyped-def]
    if an.judged is not None:
        for sent in an.sentences:
            sent.judge = [
                analysis_mod.judge_term(an.judged, cal, sent.first, c) for c in sent.candidates
            ]
    return apply_edits(text, engine.edits_from(text, an))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=150)
    ap.add_argument("--clean", type=int, default=250, help="other Reuters + Wikipedia each")
    ap.add_argument("--write", type=Path, default=None)
    args = ap.parse_args(argv)
    if not spinner_w.available():
        sys.exit("needs ../shared")
    tune = spinner_w.split(spinner_w.TUNE)[700 : 700 + args.stories]
    clean = [s.original for s in tune] + other_reuters()[1300 : 1300 + args.clean]
    clean += held_out_chunks(args.clean, seed=29) + [_seed("001"), _seed("003")]
    engine = get_engine(RestoreOptions())
    base = load_calibration()
    judge = load_judge()
    plain_read, memo = judge.read, {}

    def read(words, breaks=()):  # type: ignore[no-untyped-def]
        key = tuple(words)
        if key not in memo:
            memo[key] = plain_read(words, breaks)
        return memo[key]

    judge.read = read  # type: ignore[method-assign]
    results = []
    for flag in FLAGS:
        cal0 = replace(base, flag=flag)
        analysis_mod.load_calibration = lambda cal0=cal0: cal0  # type: ignore[assignment]
        spun = [(s, engine.analyse(s.spun)) for s in tune]
        cleans = [(c, engine.analyse(c)) for c in clean]
        print(f"flag {flag}: analysed", file=sys.stderr, flush=True)
        for slot, center, prefer in itertools.product(SLOTS, CENTERS, PREFERS):
            cal = replace(cal0, slot=slot, slot_center=center, prefer=prefer)
            restored = [_restored(engine, s.spun, an, cal) for s, an in spun]
            undone, before, after = spinner_w.undone(
                (s.spun, r, s.original) for (s, _), r in zip(spun, restored, strict=True)
            )
            changed = sum(_restored(engine, c, an, cal) != c for c, an in cleans)
            row = {
                "flag": flag,
                "slot": slot,
                "slot_center": center,
                "prefer": prefer,
                "undone": round(undone, 4),
                "clean_changed": changed,
            }
            results.append(row)
            print(json.dumps(row), flush=True)
    ok = [r for r in results if r["clean_changed"] == 0] or results
    best = max(ok, key=lambda r: (r["undone"], -r["slot"]))
    print("best", json.dumps(best))
    analysis_mod.load_calibration = load_calibration  # type: ignore[assignment]
    if args.write:
        cur = json.loads(args.write.read_text())
        cur.update({k: best[k] for k in ("flag", "slot", "slot_center", "prefer")})
        args.write.write_text(json.dumps(cur, indent=1) + "\n")
        load_calibration.cache_clear()
        get_engine.cache_clear()
        print("seed 004", seed_004(RestoreOptions()))


if __name__ == "__main__":
    main()
