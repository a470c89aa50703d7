"""Fit the decision model (``data/decision.json``) on synthetic spins of Wikipedia.

Spins held-out Wikipedia chunks, half with the dictionary half the bundled table
was learned from (``part=0``) and half with the other (``part=1``), labels every candidate
the engine proposes (right restoration or not, from the spinner's own log), fits a
logistic model, then picks the threshold with the most errors undone while clean
text gets at most ``--max-false`` wrong changes per 1,000 words. Clean text is counted
as if it had passed the spin gate (``--min-spin 0``): the gate leaves most clean
documents alone, and the thresholds must keep the rest from harm::

    python -m bench.quality.calibrate --output data/decision.json
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.common import error_reduction, fit_logistic, fraction_undone, wiki_chunks, wrong_per_1000
from bench.spinners.spinner import Spinner
from unspin import apply_edits
from unspin.models.decision import DEFAULT_MODEL, FEATURES, DecisionModel, LogisticPart
from unspin.options import RestoreOptions
from unspin.restore.engine import Analysis, Engine, _load_scorer, _load_tables
from unspin.text.tokens import phrase_key_words

NAME = "wiki-synthetic-2026.11"


def spun_spans(text: str, spinner: Spinner) -> tuple[str, dict[tuple[int, int], tuple[str, ...]]]:
    """The spun text and, for each substitution, its span there -> original LM words."""
    spun, subs = spinner.spin_with_log(text)
    spans = {}
    shift = 0
    for s in sorted(subs, key=lambda s: s.start):
        start = s.start + shift
        spans[(start, start + len(s.replacement))] = phrase_key_words(s.found)
        shift += len(s.replacement) - (s.end - s.start)
    return spun, spans


def labelled(analysis: Analysis, spans: dict) -> tuple[list[list[float]], list[int]]:
    """Feature rows and labels (1: the candidate restores the spinner's original)."""
    rows, labels = [], []
    toks = analysis.tokens
    for sent in analysis.sentences:
        for cand, feats in zip(sent.candidates, sent.features, strict=False):
            span = (toks[sent.first + cand.i].start, toks[sent.first + cand.j - 1].end)
            rows.append(feats)
            labels.append(int(spans.get(span) == cand.words))
    return rows, labels


def restore_with(engine: Engine, text: str, analysis: Analysis) -> str:
    """Restore from a ready analysis (so thresholds can be swept cheaply), before the
    check that a gated document shows enough edits (``bench.quality.gate`` sets that)."""
    return apply_edits(text, engine.decided(text, analysis))


def sweep(engine: Engine, models: list[DecisionModel], docs: list[tuple]) -> list[tuple]:
    """(model, fraction undone, false changes per 1,000 clean words) for each model."""
    out = []
    for model in models:
        eng = replace(engine, model=model)
        reds = [
            error_reduction(spun, restore_with(eng, spun, a_spun), clean)
            for clean, spun, a_spun, _ in docs
        ]
        false = wrong_per_1000(
            (clean, restore_with(eng, clean, a_clean)) for clean, _, _, a_clean in docs
        )
        out.append((model, fraction_undone(reds), false))
        print(
            f"  table {model.table.threshold:5.2f} other {model.other.threshold:5.2f} "
            f"repeat {model.repeat_bonus:3.1f}: "
            f"undone {out[-1][1]:.3f}  false/1000 {out[-1][2]:.2f}",
            file=sys.stderr,
        )
    return out


def fit_part(x: np.ndarray, y: np.ndarray, name: str) -> LogisticPart:
    """Fit one logistic part (threshold 0 for now) and print its weights."""
    w = fit_logistic(x, y)
    print(f"{name}: {len(y)} candidates, {int(y.sum())} right", file=sys.stderr)
    for feature, weight in zip(FEATURES, w[1:], strict=False):
        if weight:
            print(f"  {feature:22s} {weight:+.3f}", file=sys.stderr)
    return LogisticPart(float(w[0]), tuple(float(v) for v in w[1:]), 0.0)


def best_within(results: list[tuple], budget: float) -> tuple:
    """The result with most errors undone among those within the false-change budget."""
    ok = [r for r in results if r[2] <= budget] or [min(results, key=lambda r: r[2])]
    return max(ok, key=lambda r: r[1])


def main(argv: list[str] | None = None) -> None:
    """Fit, sweep, and write the decision model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=Path("data/decision.json"))
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument(
        "--max-false",
        type=float,
        default=4.0,
        help="wrong changes per 1,000 words of clean text restored with --min-spin 0",
    )
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--max-synonyms",
        type=int,
        nargs="+",
        default=[6],
        help="synonyms per word the simulated spinner picks from, most frequent first "
        "(0: all of them; several: spinners of each kind)",
    )
    parser.add_argument(
        "--rates",
        type=float,
        nargs="+",
        default=[0.3],
        help="share of eligible words the simulated spinners swap (several: spinners as "
        "light and as heavy as these)",
    )
    parser.add_argument(
        "--min-zipf",
        type=float,
        default=3.0,
        help="the simulated spinner's synonyms are at least this frequent (wordfreq zipf)",
    )
    parser.add_argument(
        "--free-choice",
        action="store_true",
        help="let the simulated spinner pick a new synonym at every occurrence (default: one "
        "fixed synonym per word, as real spinners' dictionaries do)",
    )
    args = parser.parse_args(argv)
    options = RestoreOptions()
    # The analysis does not depend on the decision model: start from the hand-set one.
    engine = Engine(_load_tables(()), _load_scorer(options), options, DEFAULT_MODEL)
    ungated = replace(engine, options=replace(options, min_spin=0.0))  # for clean text
    texts = wiki_chunks(args.docs, args.seed)
    # Half the documents are spun with the dictionary half the bundled table learned from
    # (a spinner unspin has seen, as after `unspin learn`), half with the other (unseen).
    spinners = [
        Spinner.from_moby(
            rate=rate,
            seed=args.seed,
            style=s,
            part=p,
            max_synonyms=cap or None,
            min_zipf=args.min_zipf,
            fixed=not args.free_choice,
        )
        for cap in args.max_synonyms
        for rate in args.rates
        for p in (0, 1)
        for s in "AB"
    ]
    rows, labels, docs = [], [], []
    for n, clean in enumerate(texts):
        spun, spans = spun_spans(clean, spinners[n % len(spinners)])
        a_spun, a_clean = engine.analyse(spun), ungated.analyse(clean)
        for analysis, sp in ((a_spun, spans), (a_clean, {})):
            if analysis.evidence.spin < options.min_spin:
                continue  # the engine leaves such documents alone: nothing to decide
            r, lab = labelled(analysis, sp)
            rows += r
            labels += lab
        docs.append((clean, spun, a_spun, a_clean))
    x, y = np.array(rows), np.array(labels, dtype=float)
    is_table = x[:, 1] == 1
    table = fit_part(x[is_table], y[is_table], "table candidates")
    other = fit_part(x[~is_table], y[~is_table], "other candidates")
    off = 99.0
    # 1. Table decisions alone, within 60% of the false-change budget.
    print("table threshold:", file=sys.stderr)
    trials = [
        DecisionModel(NAME, replace(table, threshold=t), replace(other, threshold=off))
        for t in (-2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 1.0, 2.0, 3.0)
    ]
    model = best_within(sweep(engine, trials, docs), 0.6 * args.max_false)[0]
    # 2. The other candidates' threshold, within the whole budget.
    print("other threshold:", file=sys.stderr)
    trials = [
        replace(model, other=replace(other, threshold=t))
        for t in (-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, off)
    ]
    model = best_within(sweep(engine, trials, docs), args.max_false)[0]
    # 3. The bonus for a swap the document already made elsewhere.
    print("repeat bonus:", file=sys.stderr)
    trials = [replace(model, repeat_bonus=b) for b in (0.0, 1.0, 2.0, 3.0, 5.0)]
    model, undone, false = best_within(sweep(engine, trials, docs), args.max_false)
    args.output.write_text(model.to_json() + "\n", encoding="utf-8")
    print(
        f"wrote {args.output}: thresholds table {model.table.threshold}, other "
        f"{model.other.threshold}, repeat bonus {model.repeat_bonus}; "
        f"undone {undone:.3f}, false/1000 {false:.2f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
