"""Issue 20, measured first: can a per-spinner head on the judge decide a learned table's
hits better than the table and the LM do?

On spinner W's aligned pile (``bench.spinner_w.aligned_pile``, learned with ``unspin
learn`` into ``bench/out/learned_w.tsv`` by ``python -m bench.bench_learn --spinner-w``),
every table hit in the pile's spun copies is labelled by aligning the copy with its true
original (spun: the original has other words there; kept: the same words), and every hit
in the pile's originals is a kept one. A logistic head (numpy, L2, class weights) over the
judge's log-odds and 384-d vector (mean over the hit's words), the row's ``p_restore``,
count and kept, the LM gain of its first option and whether it is a phrase is fitted on
the pile's hits and measured on the hits of TUNE stories outside the pile (1350-1837)::

    python -m bench.bench_head ceiling   # today's restore and the oracle decisions
    python -m bench.bench_head auc       # the head's AUC, per feature and per form
    python -m bench.bench_head restore   # restoring with the head's terms and gate

(``restore``: :mod:`bench.bench_head_restore`.) Judge reads are cached under
``bench/out/head_cache``, labelled hits in ``bench/out/head_hits_*.pkl`` (gitignored:
derived from Reuters and spinner W). Nothing here ships; it needs ``../shared``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parent / "out"
CACHE = OUT / "head_cache"


# ---------------------------------------------------------------- cached judge reads


def cached_read(judge: Any, words: Sequence[str], breaks: Sequence[int] = ()) -> Any:
    """``judge.read`` with a disk cache (probs float32, vectors float16)."""
    from unspin.models.judge import JudgeRead

    key = hashlib.sha1(("\x00".join(words) + "\x01" + ",".join(map(str, breaks))).encode())
    path = CACHE / f"{key.hexdigest()}.npz"
    if path.exists():
        data = np.load(path)
        return JudgeRead(data["probs"].tolist(), data["vectors"].astype(np.float32))
    read = _ORIGINAL_READ(judge, words, breaks)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        probs=np.asarray(read.probs, dtype=np.float32),
        vectors=np.asarray(read.vectors, dtype=np.float16),
    )
    return read


_ORIGINAL_READ: Any = None


def patch_judge_cache() -> None:
    """Make every ``Judge.read`` go through :func:`cached_read`."""
    global _ORIGINAL_READ
    from unspin.models.judge import Judge

    if _ORIGINAL_READ is None:
        _ORIGINAL_READ = Judge.read
        Judge.read = cached_read  # type: ignore[method-assign]


# ---------------------------------------------------------------- occurrences


def occurrences(text: str, table: Any, scorer: Any, original: str | None) -> list[dict]:
    """Every table hit (span with at least one row) of ``text``: the judge's probability
    (max over the span) and vector (mean over the span), the best row's statistics, the
    LM gain of its first option, and with ``original`` the labels: ``spun`` (the original
    has other words there) and per option whether it is right."""
    from bench.spinner_w import Gold
    from unspin.models.judge import load_judge
    from unspin.restore.candidates import table_candidates
    from unspin.restore.scoring import local_gains
    from unspin.text.tokens import lm_token, norm, sentence_spans, tokenize

    tokens = tokenize(text)
    keys = [norm(t.text) for t in tokens]
    lm_words = [lm_token(t) for t in tokens]
    spans = sentence_spans(tokens, text)
    read = load_judge().read([t.text for t in tokens], sorted(a for a, _ in spans))
    gold = Gold(text, original) if original is not None else None
    out = []
    for a, b in spans:
        cands = table_candidates(tokens[a:b], keys[a:b], text, table)
        if not cands:
            continue
        gains = local_gains(scorer, lm_words[a:b], cands)
        by_span: dict[tuple[int, int], list] = {}
        for c, g in zip(cands, gains, strict=True):
            by_span.setdefault((c.i, c.j), []).append((c, g))
        for (i, j), options in by_span.items():
            first, gain = options[0]
            row = table.lookup(tuple(keys[a + i : a + j]))[0]
            probs = read.probs[a + i : a + j]
            item = {
                "doc": None,
                "at": a + i,
                "len": j - i,
                "spun_form": " ".join(keys[a + i : a + j]),
                "prob": max(probs),
                "vec": np.asarray(read.vectors[a + i : a + j], dtype=np.float32).mean(0),
                "p_restore": row.p_restore,
                "count": row.count,
                "kept": row.kept,
                "gain": gain,
                "evidence": first.evidence,
            }
            if gold is not None:
                truth = gold.words(a + i, a + j)
                here = tuple(lm_words[a + i : a + j])
                item["spun"] = int(truth != here)
                item["right"] = [int(truth == c.words) for c, _ in options]
            else:
                item["spun"] = 0
                item["right"] = [0] * len(options)
            out.append(item)
    return out


def collect(stories: Sequence[Any], table: Any, scorer: Any, kinds: str) -> list[dict]:
    """Occurrences in the spun copies (``"s"`` in ``kinds``) and originals (``"o"``)."""
    from tqdm import tqdm

    out = []
    for s in tqdm(stories, desc=f"hits {kinds}", file=sys.stderr):
        if "s" in kinds:
            for item in occurrences(s.spun, table, scorer, s.original):
                out.append({**item, "doc": f"s{s.index}", "side": "spun"})
        if "o" in kinds:
            for item in occurrences(s.original, table, scorer, None):
                out.append({**item, "doc": f"o{s.index}", "side": "orig"})
    return out


# ---------------------------------------------------------------- the head


def design(items: Sequence[dict], use_vec: bool = True) -> np.ndarray:
    """Feature rows: logit of the judge's p, table statistics, LM gain, the vector."""
    rows = []
    for it in items:
        p = min(max(it["prob"], 1e-4), 1 - 1e-4)
        pr = min(max(it["p_restore"], 1e-4), 1 - 1e-4)
        base = [
            math.log(p / (1 - p)),
            math.log(pr / (1 - pr)),
            math.log1p(it["count"]),
            math.log1p(it["kept"]),
            max(-3.0, min(3.0, it["gain"])),
            float(it["len"] > 1),
        ]
        rows.append(np.concatenate([base, it["vec"]]) if use_vec else np.asarray(base))
    return np.asarray(rows, dtype=np.float64)


@dataclass(frozen=True)
class HeadFit:
    """A fitted head: log-odds = bias + weights . (row - mean) / std."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    std: np.ndarray

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """The head's log-odds that each occurrence (row of :func:`design`) is a spin."""
        return ((np.atleast_2d(rows) - self.mean) / self.std) @ self.weights + self.bias


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 10.0, iters: int = 60) -> HeadFit:
    """Class-weighted L2 logistic regression by Newton steps on standardised features
    (the bias is not penalised).

    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> bool(fit_logistic(x, y, l2=0.1).weights[0] > 0)
    True
    """
    mean, std = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / std
    n, d = z.shape
    pos = max(y.sum(), 1)
    w_cls = np.where(y == 1, n / (2 * pos), n / (2 * max(n - pos, 1)))
    a = np.hstack([z, np.ones((n, 1))])
    beta = np.zeros(d + 1)
    reg = np.full(d + 1, float(l2))
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(a @ beta, -30, 30)))
        g = a.T @ (w_cls * (p - y)) + reg * beta
        h = (a * (w_cls * p * (1 - p))[:, None]).T @ a + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(h, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return HeadFit(beta[:-1], float(beta[-1]), mean, std)


def fit_head(train: Sequence[dict], l2: float = 10.0, use_vec: bool = True) -> HeadFit:
    """The head fitted on labelled hits (``spun``: 1 for a spin, 0 for a kept word)."""
    return fit_logistic(design(train, use_vec), np.array([it["spun"] for it in train]), l2)


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (ties counted half)."""
    order = np.argsort(scores, kind="mergesort")
    s, y = scores[order], labels[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2 + 1
        i = j + 1
    pos = y.sum()
    neg = len(y) - pos
    if not pos or not neg:
        return float("nan")
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def within_auc(scores: np.ndarray, labels: np.ndarray, groups: Sequence[str]) -> float:
    """AUC counting only pairs of the same group (spun vs kept occurrences of one form)."""
    num = den = 0.0
    by: dict[str, list[int]] = {}
    for k, g in enumerate(groups):
        by.setdefault(g, []).append(k)
    for idx in by.values():
        y = labels[idx]
        pos = y.sum()
        pairs = pos * (len(y) - pos)
        if pairs:
            num += auc(scores[idx], y) * pairs
            den += pairs
    return float(num / den) if den else float("nan")


def auc_report(train: list[dict], test: list[dict], l2s: Sequence[float]) -> dict:
    """AUCs of every single feature and of the heads, on all test hits and on the spun
    copies' hits alone (spun vs kept occurrences of the same forms)."""
    y_tr = np.array([it["spun"] for it in train])
    y_te = np.array([it["spun"] for it in test])
    spun_side = np.array([it["side"] == "spun" for it in test])
    report: dict = {
        "train_hits": len(train),
        "train_spun": int(y_tr.sum()),
        "test_hits": len(test),
        "test_spun": int(y_te.sum()),
        "test_hits_in_spun_copies": int(spun_side.sum()),
    }
    report["auc_columns"] = ["all test hits", "hits in spun copies", "within one form"]
    forms = [it["spun_form"] for it in test]
    x_te_small = design(test, use_vec=False)
    for k, name in enumerate(("judge_logit", "p_restore", "count", "kept", "lm_gain", "phrase")):
        sign = -1 if name == "kept" else 1
        report[f"auc_{name}"] = [
            round(auc(sign * x_te_small[:, k], y_te), 3),
            round(auc(sign * x_te_small[spun_side, k], y_te[spun_side]), 3),
            round(within_auc(sign * x_te_small[:, k], y_te, forms), 3),
        ]
    for use_vec in (False, True):
        x_tr, x_te = design(train, use_vec), design(test, use_vec)
        for l2 in l2s:
            score = fit_logistic(x_tr, y_tr, l2).logits(x_te)
            name = f"head_{'vec' if use_vec else 'stats'}_l2_{l2:g}"
            report[name] = [
                round(auc(score, y_te), 3),
                round(auc(score[spun_side], y_te[spun_side]), 3),
                round(within_auc(score, y_te, forms), 3),
            ]
    return report


def per_form(train: list[dict], test: list[dict], l2: float, forms: Sequence[str]) -> dict:
    """AUC of the vector head for a few frequent forms (spun copies' hits)."""
    head = fit_head(train, l2)
    out = {}
    for form in forms:
        sel = [it for it in test if it["spun_form"] == form]
        if len(sel) < 10:
            continue
        y = np.array([it["spun"] for it in sel])
        score = head.logits(design(sel))
        out[form] = {"n": len(sel), "spun": int(y.sum()), "auc": round(auc(score, y), 3)}
    return out


# ---------------------------------------------------------------- main


def load_hits(table_path: Path, which: str) -> list[dict]:
    """The labelled hits of ``which``: ``pile`` (the aligned pile of
    :func:`bench.spinner_w.aligned_pile`: 600 spun copies with their originals, 600 other
    originals, 150 spun copies alone) or ``tune`` (TUNE stories outside the pile, spun
    copies and originals); cached as a pickle under ``bench/out`` (gitignored)."""
    import pickle

    from bench import spinner_w as w
    from unspin import RestoreOptions
    from unspin.models.table import load_table
    from unspin.restore.engine import _load_scorer

    stamp = hashlib.sha1(table_path.read_bytes()).hexdigest()[:10]
    path = OUT / f"head_hits_{which}_{stamp}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    patch_judge_cache()
    table = load_table(table_path)
    scorer = _load_scorer(RestoreOptions())
    pile = w.split(w.PILE)
    if which == "pile":
        items = collect(pile[:600], table, scorer, "so")
        items += collect(pile[600:1200], table, scorer, "o")
        items += collect(pile[1200:1350], table, scorer, "s")
    else:
        items = collect(w.split(range(w.PILE.stop, w.TUNE.stop)), table, scorer, "so")
    path.write_bytes(pickle.dumps(items))
    return items


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.bench_head {ceiling,auc,restore}``: see the module docstring."""
    import time
    from collections import Counter

    from bench import spinner_w as w
    from bench.bench_head_restore import parse_setting, restore_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["ceiling", "auc", "restore"])
    parser.add_argument("--table", type=Path, default=OUT / "learned_w.tsv")
    parser.add_argument("--count", type=int, default=1000, help="TUNE stories to restore")
    parser.add_argument(
        "--test", action="store_true", help="ceiling only: TEST stories (report, never choose)"
    )
    parser.add_argument("--grid", default="1:-1,1:0,2:0,b1:0,k2:-1,s2:0")
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument("--gate-center", type=float, default=3.0)
    parser.add_argument("--gate-quantile", type=float, default=0.995)
    parser.add_argument(
        "--other", type=int, default=0, help="more clean documents: other Reuters stories"
    )
    parser.add_argument(
        "--decision", default="", help="centers of the decision head to try (comma-separated)"
    )
    args = parser.parse_args(argv)
    if not w.available():
        sys.exit("skipped: needs ../shared (spinner W dev set and Reuters)")
    if args.test and args.what != "ceiling":
        sys.exit("--test is for the ceiling only: settings are chosen on TUNE")
    if args.what == "ceiling":
        report = restore_report(args.table, None, args.count, [], test=args.test)
        print(json.dumps(report, indent=1))
        return
    train = load_hits(args.table, "pile")
    if args.what == "restore":
        grid = [parse_setting(g) for g in args.grid.split(",")]
        centers = [float(c) for c in args.decision.split(",") if c]
        report = restore_report(
            args.table,
            train,
            args.count,
            grid,
            args.l2,
            args.gate_center,
            args.gate_quantile,
            centers,
            other=args.other,
        )
        print(json.dumps(report, indent=1))
        return
    test = load_hits(args.table, "tune")
    started = time.perf_counter()
    fit_head(train, args.l2)
    report = {"head_fit_seconds": round(time.perf_counter() - started, 1)}
    report.update(auc_report(train, test, [1.0, args.l2, 100.0]))
    spun_forms = Counter(it["spun_form"] for it in test if it["side"] == "spun")
    report["per_form"] = per_form(train, test, args.l2, [f for f, _ in spun_forms.most_common(25)])
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
