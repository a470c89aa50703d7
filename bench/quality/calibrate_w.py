"""Fit the decision model (``data/decision.json``) on real spinner output.

Spinner W's dev set (``bench.spinners.spinner_w``; measuring and calibrating only, nothing read off
it ships) gives real spun stories with their originals. Every candidate the engine proposes
in a spun story is labelled right or wrong by aligning the story with its original, and two
logistic parts are fitted on them: one for the candidates of a table learned from an aligned
pile of *other* dev stories (as after ``unspin learn``), one for thesaurus synonyms (there
with held-out Wikipedia chunks spun by the project's simulated spinners,
``bench.spinners.spinner``). The bundled table's part and the small-word reversals' part
stay those of the simulated spinners' calibration (``bench.quality.calibrate``, run
first): a second spinner's habits (seed 004's "the" -> "a") are not fitted away on
spinner W, which rarely has them. The thresholds are
then swept on held-out stories for the most errors undone while the originals, restored as
if they had passed the spin gate, get at most ``--max-false`` more wrong changes per 1,000
words than without thesaurus changes (learned tables: restored through their spin gate, at
most ``--max-false``)::

    python -m bench.quality.calibrate --output data/decision.json   # the base: simulated spinners
    python -m bench.quality.calibrate_w --output data/decision.json

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

from bench.common import errors, tokens, undone, wiki_chunks, write_pile
from bench.quality import calibrate
from bench.quality.calibrate import best_within
from bench.spinners import spinner_w
from bench.spinners.spinner import Spinner
from unspin import apply_edits
from unspin.models.decision import DecisionModel, LogisticPart, load_decision_model
from unspin.models.table import Table, bundled_table, load_table
from unspin.options import RestoreOptions
from unspin.restore.detect import confirmed
from unspin.restore.engine import Analysis, Engine, _load_scorer

NAME = "spinner-w-dev-2026.11"
GATE = RestoreOptions().min_spin
FIT = range(1350, 1650)
SWEEP = range(1650, 1838)


def learned_table(folder: Path) -> Table:
    """The table ``unspin learn`` learns from the aligned dev pile (written to ``folder``)."""
    pile = write_pile(spinner_w.aligned_pile(), folder / "pile")
    out = folder / "learned.tsv"
    subprocess.run(
        [sys.executable, "-m", "unspin.cli", "learn", str(pile), "-o", str(out), "-q"],
        check=True,
    )
    return load_table(out)


def simulated(count: int, seed: int = 3) -> list[spinner_w.Story]:
    """Held-out Wikipedia chunks spun by the simulated spinners A and B, each with both
    halves of its dictionary, as (index, "wiki", spun, original) stories."""
    spinners = [
        Spinner.from_moby(rate=0.3, seed=seed, style=style, part=part)
        for part in (0, 1)
        for style in "AB"
    ]
    return [
        spinner_w.Story(k, "wiki", spinners[k % len(spinners)].spin(text), text)
        for k, text in enumerate(wiki_chunks(count, seed))
    ]


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


_KIND_COLUMN = {"table": 1, "reversal": 5, "thesaurus": 7}  # the is_table ... features


def rows_of(docs: list[tuple], kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and labels of the candidates of one kind in spun copies."""
    rows, labels = [], []
    for story, spun, _ in docs:
        r, lab = labelled(spun, spinner_w.Gold(story.spun, story.original))
        rows += r
        labels += lab
    x, y = np.array(rows), np.array(labels, dtype=float)
    keep = x[:, _KIND_COLUMN[kind]] == 1
    return x[keep], y[keep]


def fit_part(x: np.ndarray, y: np.ndarray, name: str) -> LogisticPart:
    """:func:`bench.quality.calibrate.fit_part`, with the LM weight kept positive: the decoder
    works in LM units."""
    part = calibrate.fit_part(x, y, name)
    if part.weights[0] < LM_WEIGHT_FLOOR:
        part = replace(part, weights=(LM_WEIGHT_FLOOR, *part.weights[1:]))
    return part


LM_WEIGHT_FLOOR = 0.05


def _restored(engine: Engine, text: str, analysis: Analysis, gated: bool) -> str:
    edits = engine.decided(text, analysis)
    if gated and (analysis.evidence.spin < GATE or not confirmed(analysis.evidence, len(edits))):
        edits = []  # what the spin gate and the edit check would leave alone
    return apply_edits(text, edits)


def measure(engine: Engine, docs: list[tuple], gated: bool = False) -> tuple[float, float]:
    """(share of errors undone on the spun copies, wrong changes per 1,000 words of the
    originals), restored as if they had passed the spin gate or, ``gated``, through it."""
    share = undone((s.spun, _restored(engine, s.spun, a, gated), s.original) for s, a, _ in docs)
    wrong = sum(errors(_restored(engine, s.original, c, gated), s.original) for s, _, c in docs)
    words = sum(len(tokens(s.original)) for s, _, _ in docs)
    return share[0], 1000 * wrong / max(words, 1)


def best(
    engine: Engine,
    models: list[DecisionModel],
    docs: list[tuple],
    budget: float,
    simulated_docs: list[tuple] = (),
    gated: bool = False,
):
    """The model with the most errors undone (the mean over real and simulated spins)
    within the false-change budget (the worse of the two)."""
    results = []
    for model in models:
        undone, wrong = measure(replace(engine, model=model), docs, gated)
        line = f"real {undone:.4f} wrong/1000 {wrong:.2f}"
        if simulated_docs:
            sim_undone, sim_wrong = measure(replace(engine, model=model), simulated_docs)
            line += f"; simulated {sim_undone:.4f} wrong/1000 {sim_wrong:.2f}"
            undone, wrong = (undone + sim_undone) / 2, max(wrong, sim_wrong)
        results.append((model, undone, wrong))
        print(
            f"  table {model.table.threshold:+.2f} other {model.other.threshold:+.2f} "
            f"repeat {model.repeat_bonus:.1f}: {line}",
            file=sys.stderr,
        )
    return best_within(results, budget)


def main(argv: list[str] | None = None) -> None:
    """Fit, sweep and write the decision model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=Path("data/decision.json"))
    parser.add_argument("--max-false", type=float, default=1.5)
    parser.add_argument(
        "--base",
        type=Path,
        default=Path("data/decision.json"),
        help="the model from bench.quality.calibrate whose table and reversal parts are kept",
    )
    parser.add_argument("--fit", type=int, default=len(FIT), help="stories to fit on")
    parser.add_argument("--sweep", type=int, default=len(SWEEP), help="stories to sweep on")
    parser.add_argument(
        "--simulated", type=int, default=200, help="simulated spins (Wikipedia) to fit on"
    )
    parser.add_argument(
        "--table",
        type=Path,
        help="a table already learned from spinner_w.aligned_pile() (default: learn it now; "
        "give one when the bundled decision model no longer loads, e.g. after new features)",
    )
    args = parser.parse_args(argv)
    if not spinner_w.available():
        sys.exit("calibrate_w needs ../shared/eval and ../shared/corpus (see ../shared/DATA.md)")
    # Decisions are only taken where the gate opened: analyse as a spun-looking document.
    options = RestoreOptions(min_spin=0.0, thorough=True)
    scorer = _load_scorer(options)
    fit = spinner_w.split(FIT)[: args.fit]
    sweep = spinner_w.split(SWEEP)[: args.sweep]
    if args.table is not None:
        learned = load_table(args.table)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            learned = learned_table(Path(tmp))
    base = load_decision_model(args.base)
    bundled_engine = Engine(bundled_table(), scorer, options, base)
    # A learned table's documents are restored as a user's are (table only for an aligned one).
    learned_engine = Engine(learned, scorer, replace(options, thorough=None), base)
    learned_part = fit_part(*rows_of(analysed(learned_engine, fit), "table"), "learned table")
    wiki = simulated(2 * args.simulated)
    fit_sim, sweep_sim = wiki[: args.simulated], analysed(bundled_engine, wiki[args.simulated :])
    x, y = rows_of(analysed(bundled_engine, fit), "thesaurus")
    x_sim, y_sim = rows_of(analysed(bundled_engine, fit_sim), "thesaurus")
    thesaurus = fit_part(np.vstack([x, x_sim]), np.concatenate([y, y_sim]), "thesaurus")
    # Reversals keep the base model's part for the rest, fitted on the simulated spinners.
    base = replace(base, reversal=base.reversal or base.other)
    sweep_bundled = analysed(bundled_engine, sweep)
    sweep_learned = analysed(learned_engine, sweep)
    # The bundled table's and the reversals' parts are the base model's: the thesaurus part
    # may add at most --max-false wrong changes per 1,000 words to what they make.
    off = replace(base, name=NAME, other=replace(thesaurus, threshold=99.0))
    off_engine = replace(bundled_engine, model=off)
    budget = max(measure(off_engine, sweep_bundled)[1], measure(off_engine, sweep_sim)[1])
    budget += args.max_false
    print(f"thesaurus threshold (bundled table), budget {budget:.2f}:", file=sys.stderr)
    trials = [
        replace(off, other=replace(thesaurus, threshold=t))
        for t in (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 99.0)
    ]
    model = best(bundled_engine, trials, sweep_bundled, budget, sweep_sim)[0]
    print("repeat bonus:", file=sys.stderr)
    trials = [replace(model, repeat_bonus=b) for b in (0.0, 0.5, 1.0, 2.0)]
    model, undone, wrong = best(bundled_engine, trials, sweep_bundled, budget, sweep_sim)
    print(
        "threshold of learned tables (for `unspin learn` to write in their headers):",
        file=sys.stderr,
    )
    trials = [
        replace(model, learned=replace(learned_part, threshold=t)).for_learned_table(None)
        for t in (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0)
    ]
    # A learned table's clean documents are kept safe by its spin gate: sweep through it.
    learned_model = best(learned_engine, trials, sweep_learned, args.max_false, gated=True)
    model = replace(model, learned=learned_model[0].table)
    args.output.write_text(model.to_json() + "\n", encoding="utf-8")  # may be --base itself
    print(
        f"wrote {args.output}: thresholds table {model.table.threshold}, other "
        f"{model.other.threshold}, reversal {model.reversal.threshold}, repeat bonus "
        f"{model.repeat_bonus}; bundled: undone (mean) "
        f"{undone:.4f}, wrong/1000 {wrong:.2f}; learned tables: threshold "
        f"{learned_model[0].table.threshold}, undone {learned_model[1]:.4f}, wrong/1000 "
        f"{learned_model[2]:.2f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
