"""Issue 20, a head for a reference-free (spun-only) table from pseudo-labels (see
:mod:`bench.bench_head`): the spun-only pile (``bench.spinner_w.spun_only_pile``) has no
originals to align with, so each table hit in its spun copies is labelled by today's
decisions instead (self-training: spun where ``restore --table`` with no gate restores it,
kept where not). The head's gate threshold is the ``quantile`` of its rates on the aligned
pile's 1,200 originals (a spun-only pile has no clean documents: an optimistic budget).
Restoring is measured by :func:`bench.bench_head_restore.restore_report`; the table is
``unspin learn`` on the spun-only pile, as ``python -m bench.bench_reffree`` writes it::

    python -m bench.bench_head_pseudo --table bench/out/spun_only.tsv
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from pathlib import Path

import numpy as np

from bench.bench_head import OUT, collect, design, fit_head, load_hits, patch_judge_cache


def pseudo_hits(table_path: Path) -> list[dict]:
    """The spun-only pile's table hits, labelled by today's ungated decisions (cached)."""
    from bench import spinner_w as w
    from unspin import RestoreOptions
    from unspin.models.table import load_table
    from unspin.restore.engine import _load_scorer, engine_for

    stamp = hashlib.sha1(table_path.read_bytes()).hexdigest()[:10]
    path = OUT / f"head_hits_pseudo_{stamp}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    patch_judge_cache()
    table = load_table(table_path)
    scorer = _load_scorer(RestoreOptions())
    engine = engine_for(table, RestoreOptions(tables=(table_path,), min_spin=0.0))
    stories = w.split(w.PILE)[:1350]
    items = collect(stories, table, scorer, "s")
    touched: dict[str, list[tuple[int, int]]] = {}
    tokens: dict[str, list] = {}
    for s in stories:
        an = engine.analyse(s.spun)
        touched[f"s{s.index}"] = [(e.start, e.end) for e in engine.decided(s.spun, an)]
        tokens[f"s{s.index}"] = an.tokens
    for it in items:
        toks = tokens[it["doc"]]
        a, b = toks[it["at"]].start, toks[it["at"] + it["len"] - 1].end
        it["spun"] = int(any(x < b and a < y for x, y in touched[it["doc"]]))
    path.write_bytes(pickle.dumps(items))
    return items


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.bench_head_pseudo``: see the module docstring."""
    from bench import spinner_w as w
    from bench.bench_head_restore import parse_setting, rates, restore_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, default=OUT / "spun_only.tsv")
    parser.add_argument("--grid", default="1:-1,1:0,2:0")
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument("--gate-center", type=float, default=3.0)
    parser.add_argument("--gate-quantile", type=float, default=0.995)
    args = parser.parse_args(argv)
    if not w.available():
        sys.exit("skipped: needs ../shared (spinner W dev set and Reuters)")
    train = pseudo_hits(args.table)
    head = fit_head(train, args.l2)
    originals = {f"o{s.index}": s.original for s in w.split(w.PILE)[:1200]}
    held = [it for it in load_hits(args.table, "pile") if it["doc"] in originals]
    clean = rates(held, head.logits(design(held)), originals, args.gate_center)
    threshold = float(np.quantile(list(clean.values()), args.gate_quantile))
    grid = [parse_setting(g) for g in args.grid.split(",")]
    report = {"pseudo_hits": len(train), "pseudo_spun": int(sum(it["spun"] for it in train))}
    report.update(
        restore_report(
            args.table, train, 1000, grid, args.l2, args.gate_center, threshold=threshold
        )
    )
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
