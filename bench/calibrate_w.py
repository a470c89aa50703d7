"""Fit the decision model (``data/decision.json``) on real spinner output.

Spinner W's dev set (``bench.spinner_w``; measuring and calibrating only, nothing read off
it ships) gives real spun stories with their originals. Every candidate the engine proposes
in a spun story is labelled right or wrong by aligning the story with its original; a
logistic model is fitted for table candidates (proposed by a table learned from an aligned
pile of *other* dev stories, as after ``unspin learn``) and one for the rest (reversals,
thesaurus, with the bundled table). The thresholds are then swept on held-out stories for
the most errors undone while the originals, restored as if they had passed the spin gate,
get at most ``--max-false`` wrong changes per 1,000 words::

    python -m bench.calibrate_w --output data/decision.json

Stories: the pile is ``spinner_w.PILE`` (0-1349); fitting uses 1350-1649, the sweep
1650-1837; ``spinner_w.TEST`` stays untouched for reporting.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench import spinner_w
from bench.calibrate import fit_logistic
from unspin.engine import Analysis, Engine, _load_scorer
from unspin.options import RestoreOptions
from unspin.restore import apply_edits
from unspin.scoring import DEFAULT_MODEL, FEATURES, DecisionModel, LogisticPart
from unspin.table import Table, bundled_table, load_table

NAME = "spinner-w-dev-2026.11"
FIT = range(1350, 1650)
SWEEP = range(1650, 1838)


def learned_table(folder: Path) -> Table:
    """The table ``unspin learn`` learns from the aligned dev pile (written to ``folder``)."""
    pile = spinner_w.write_pile(spinner_w.aligned_pile(), folder / "pile")
    out = folder / "learned.tsv"
    subprocess.run(
        [sys.executable, "-m", "unspin.cli", "learn", str(pile), "-o", str(out), "-q"],
        check=True,
    )
    return load_table(out)


def analysed(engine: Engine, stories: list[spinner_w.Story]) -> list[tuple]:
    """(story, analysis of the spun copy, analysis of the original) for each story."""
    return [(s, engine.analyse(s.spun), engine.analyse(s.original)) for s in stories]


def labelled(analysis: Analysis, gold: spinner_w.Gold) -> tuple[list[list[float]], list[int]]:
    """Feature rows and labels (1: the candidate puts back what the original says there)."""
    rows, labels = [], []
    for sent in analysis.sentences:
        for cand, feats in zip(sent.candidates, sent.features, strict=True):
            rows.append(feats)
            labels.append(int(gold.words(sent.first + cand.i, sent.first + cand.j) == cand.words))
    return rows, labels


def rows_of(docs: list[tuple], table_part: bool) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and labels of the table candidates (or of the others) of spun copies."""
    rows, labels = [], []
    for story, spun, _ in docs:
        r, lab = labelled(spun, spinner_w.Gold(story.spun, story.original))
        rows += r
        labels += lab
    x, y = np.array(rows), np.array(labels, dtype=float)
    keep = (x[:, 1] == 1) if table_part else (x[:, 1] == 0)
    return x[keep], y[keep]


def fit_part(x: np.ndarray, y: np.ndarray, name: str) -> LogisticPart:
    """One logistic part (threshold set later by the sweep); prints its weights."""
    w = fit_logistic(x, y)
    print(f"{name}: {len(y)} candidates, {int(y.sum())} right", file=sys.stderr)
    for feature, weight in zip(FEATURES, w[1:], strict=False):
        if abs(weight) > 1e-6:
            print(f"  {feature:22s} {weight:+.3f}", file=sys.stderr)
    return LogisticPart(float(w[0]), tuple(float(v) for v in w[1:]), 0.0)


def _restored(engine: Engine, text: str, analysis: Analysis) -> str:
    return apply_edits(text, engine.decided(text, analysis))


def measure(engine: Engine, docs: list[tuple]) -> tuple[float, float]:
    """(share of errors undone on the spun copies, wrong changes per 1,000 words of the
    originals restored as if they had passed the gate)."""
    undone = spinner_w.undone(
        (s.spun, _restored(engine, s.spun, a), s.original) for s, a, _ in docs
    )
    wrong = sum(spinner_w.errors(_restored(engine, s.original, c), s.original) for s, _, c in docs)
    words = sum(len(spinner_w.tokens(s.original)) for s, _, _ in docs)
    return undone[0], 1000 * wrong / max(words, 1)


def best(engine: Engine, models: list[DecisionModel], docs: list[tuple], budget: float):
    """The model with the most errors undone within the false-change budget."""
    results = []
    for model in models:
        undone, wrong = measure(replace(engine, model=model), docs)
        results.append((model, undone, wrong))
        print(
            f"  table {model.table.threshold:+.2f} other {model.other.threshold:+.2f} "
            f"repeat {model.repeat_bonus:.1f}: undone {undone:.4f} wrong/1000 {wrong:.2f}",
            file=sys.stderr,
        )
    ok = [r for r in results if r[2] <= budget] or [min(results, key=lambda r: r[2])]
    return max(ok, key=lambda r: r[1])


def main(argv: list[str] | None = None) -> None:
    """Fit, sweep and write the decision model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=Path("data/decision.json"))
    parser.add_argument("--max-false", type=float, default=1.0)
    parser.add_argument("--fit", type=int, default=len(FIT), help="stories to fit on")
    parser.add_argument("--sweep", type=int, default=len(SWEEP), help="stories to sweep on")
    args = parser.parse_args(argv)
    if not spinner_w.available():
        sys.exit("calibrate_w needs ../shared/eval and ../shared/corpus (see ../shared/DATA.md)")
    # Decisions are only taken where the gate opened: analyse as a spun-looking document.
    options = RestoreOptions(min_spin=0.0, thorough=True)
    scorer = _load_scorer(options)
    fit = spinner_w.split(FIT)[: args.fit]
    sweep = spinner_w.split(SWEEP)[: args.sweep]
    with tempfile.TemporaryDirectory() as tmp:
        learned = learned_table(Path(tmp))
    bundled_engine = Engine(bundled_table(), scorer, options, DEFAULT_MODEL)
    learned_engine = Engine(learned, scorer, options, DEFAULT_MODEL)
    table = fit_part(*rows_of(analysed(learned_engine, fit), True), "table candidates")
    other = fit_part(*rows_of(analysed(bundled_engine, fit), False), "other candidates")
    off = 99.0
    sweep_bundled = analysed(bundled_engine, sweep)
    sweep_learned = analysed(learned_engine, sweep)
    print("other threshold (bundled table):", file=sys.stderr)
    trials = [
        DecisionModel(NAME, replace(table, threshold=off), replace(other, threshold=t))
        for t in (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, off)
    ]
    model = best(bundled_engine, trials, sweep_bundled, args.max_false)[0]
    print("table threshold (bundled table):", file=sys.stderr)
    trials = [replace(model, table=replace(table, threshold=t)) for t in (-1, 0, 1, 2, 3, off)]
    model = best(bundled_engine, trials, sweep_bundled, args.max_false)[0]
    print("repeat bonus:", file=sys.stderr)
    trials = [replace(model, repeat_bonus=b) for b in (0.0, 0.5, 1.0, 2.0)]
    model, undone, wrong = best(bundled_engine, trials, sweep_bundled, args.max_false)
    print("table threshold for learned tables (for their headers):", file=sys.stderr)
    trials = [
        replace(model, table=replace(table, threshold=t)) for t in (-2.0, -1.5, -1.0, -0.5, 0.0)
    ]
    learned_model = best(learned_engine, trials, sweep_learned, args.max_false)
    args.output.write_text(model.to_json() + "\n", encoding="utf-8")
    print(
        f"wrote {args.output}: thresholds table {model.table.threshold}, other "
        f"{model.other.threshold}, repeat bonus {model.repeat_bonus}; bundled: undone "
        f"{undone:.4f}, wrong/1000 {wrong:.2f}; learned tables: threshold "
        f"{learned_model[0].table.threshold}, undone {learned_model[1]:.4f}, wrong/1000 "
        f"{learned_model[2]:.2f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
