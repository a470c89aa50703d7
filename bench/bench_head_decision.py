"""Issue 20, a per-spinner *decision* head (see :mod:`bench.bench_head`): instead of a term
beside the shipped decision model's prior, a logistic model over each table candidate's
decision features (the shipped model's row, LM gain first), the judge's log-odds and its
384-d vector over the candidate's span, fitted on the aligned pile's candidates (right:
the candidate restores the true original; every candidate in an original is wrong), whose
log-odds ``z`` replaces the prior: a table candidate is taken where ``z`` clears
``center``. Used by :func:`bench.bench_head_restore.restore_report` (``--decision``).
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_head import OUT, HeadFit, fit_logistic

Terms = Callable[[Any], list[float]]


def candidate_rows(analysis: Any, gold: Any) -> tuple[list[np.ndarray], list[int]]:
    """Each table candidate's row (its decision features, the judge's log-odds and mean
    vector over its span) and label (it restores the true original; 0 without ``gold``)."""
    probs, vecs = analysis.judged.probs, analysis.judged.read.vectors
    rows, labels = [], []
    for s in analysis.sentences:
        rows_s, labels_s = sentence_rows(s, probs, vecs, gold)
        rows += rows_s
        labels += labels_s
    return rows, labels


def sentence_rows(s: Any, probs: Any, vecs: Any, gold: Any) -> tuple[list[np.ndarray], list[int]]:
    """:func:`candidate_rows` for one sentence."""
    rows, labels = [], []
    for c, f in zip(s.candidates, s.features, strict=True):
        if c.kind != "table":
            continue
        a, b = s.first + c.i, s.first + c.j
        p = min(max(max(probs[a:b]), 1e-4), 1 - 1e-4)
        v = np.asarray(vecs[a:b], dtype=np.float64).mean(0)
        rows.append(np.concatenate([np.asarray(f, dtype=np.float64), [math.log(p / (1 - p))], v]))
        labels.append(int(gold is not None and gold.words(a, b) == c.words))
    return rows, labels


def fit_decision_head(table_path: Path, engine: Any, l2: float) -> HeadFit:
    """The decision head fitted on the aligned pile's table candidates (rows cached in
    ``bench/out``): its 600 partnered and 150 lone spun copies, labelled by alignment
    with their originals, and its 1,200 originals (all wrong)."""
    from bench import spinner_w as w
    from bench.spinner_w import Gold

    stamp = hashlib.sha1(table_path.read_bytes()).hexdigest()[:10]
    cache = OUT / f"head_cands_pile_{stamp}.pkl"
    if cache.exists():
        x_rows, y = pickle.loads(cache.read_bytes())
    else:
        pile = w.split(w.PILE)
        docs = [(s.spun, Gold(s.spun, s.original)) for s in pile[:600] + pile[1200:1350]]
        docs += [(s.original, None) for s in pile[:1200]]
        x_rows, y = [], []
        for text, gold in docs:
            r, lab = candidate_rows(engine.analyse(text), gold)
            x_rows += r
            y += lab
        cache.write_bytes(pickle.dumps((x_rows, y)))
    return fit_logistic(np.vstack(x_rows), np.array(y), l2)


def decision_terms(
    table_path: Path, engine: Any, analyses: dict[str, Any], l2: float, centers: Sequence[float]
) -> dict[str, Callable[[str], Terms]]:
    """Term families for :func:`bench.bench_head_restore.restore_report`: per ``center``,
    each table candidate's term turns the shipped model's prior into the decision head's
    (``prior + LM gain`` becomes ``(z - center) / w``, ``w`` the head's weight per unit of
    LM gain, so the candidate clears the margin where ``z`` clears ``center``)."""
    head = fit_decision_head(table_path, engine, l2)
    w_gain = float(head.weights[0] / head.std[0])
    model = engine.model

    def family(center: float) -> Callable[[str], Terms]:
        def make(d: str) -> Terms:
            judged = analyses[d].judged

            def terms(s: Any) -> list[float]:
                rows, _ = sentence_rows(s, judged.probs, judged.read.vectors, None)
                z = head.logits(np.vstack(rows)) if rows else []
                out, k = [], 0
                for c, f in zip(s.candidates, s.features, strict=True):
                    if c.kind != "table":
                        out.append(0.0)
                        continue
                    prior = (float(z[k]) - w_gain * f[0] - center) / w_gain
                    out.append(prior - model.prior(f))
                    k += 1
                return out

            return terms

        return make

    return {f"decision_head_{c:g}": family(c) for c in centers}
