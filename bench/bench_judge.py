"""The contextual judge on real spinner output: word and document separation, and the fit
of its calibration (``data/judge/calibration.json``).

Needs ``../shared`` (spinner W's dev set, Reuters, Wikipedia)::

    python -m bench.bench_judge                  # report: TEST split, other Reuters, Wikipedia
    python -m bench.bench_judge --fit            # refit the calibration on the tune split
    python -m bench.bench_judge --judge DIR      # another judge folder (a training run's)

Word level: AUC of the judge's probability over the eligible content words of spun
stories, swapped (the word is part of a change when aligned with the original) against
kept. Document level: the calibrated spin estimate's recall on spun stories at 0.5, and
how many clean documents reach 0.5 (originals of the same stories, Reuters stories
outside the dev set, held-out Wikipedia chunks, seeds 001/003).

The fit uses ``split(TUNE)``'s first 700 spun stories against their originals, 500 other
Reuters stories and 400 Wikipedia chunks: a logistic model over :data:`DOC_FEATURES`, its
bias then moved so that at most ``--clean-fp`` of the clean fitting documents reach 0.5.
Only those few numbers are kept; nothing is trained on the dev set.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
from pathlib import Path

import numpy as np

from bench import spinner_w
from bench.bench_detect import _seed, other_reuters
from bench.calibrate import fit_logistic, held_out_chunks
from unspin.models.judge import load_judge
from unspin.options import RestoreOptions
from unspin.restore.engine import get_engine
from unspin.restore.judged import DOC_FEATURES, eligible, judge_document
from unspin.text.tokens import sentence_spans, tokenize

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "out" / "judge_cache"


def fast_features(name: str, texts: list[str]) -> list[dict]:
    """The n-gram path's estimates of each document (cached by set name)."""
    path = CACHE / f"fast-{name}-{len(texts)}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    fast = get_engine(RestoreOptions(fast=True))
    rows = []
    for text in texts:
        ev = fast.spin(text)
        rows.append(
            {
                "table_spin": ev.table_spin,
                "lm_spin": ev.lm_spin,
                "log_words": math.log(max(ev.words, 1)),
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(rows))
    return rows


def reading(judge_dir: Path | None, name: str, texts: list[str]) -> list[dict]:
    """Per document: tokens' probs, the judge's features and the n-gram path's estimates
    (cached by judge folder and set name)."""
    key = (str(judge_dir) if judge_dir else "bundled").replace("/", "_")
    path = CACHE / f"{key}-{name}-{len(texts)}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    judge = load_judge(judge_dir)
    rows = []
    for text, fast in zip(texts, fast_features(name, texts), strict=True):
        tokens = tokenize(text)
        spans = sentence_spans(tokens, text)
        doc = judge_document(judge, tokens, spans)
        feats = {**doc.features, **fast}
        rows.append({"probs": doc.probs, "features": feats, "starts": [a for a, _ in spans]})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(rows))
    return rows


def word_auc(stories: list[spinner_w.Story], rows: list[dict]) -> float:
    """AUC of the judge's word probability, swapped against kept eligible words."""
    scores, labels = [], []
    for s, row in zip(stories, rows, strict=True):
        gold = spinner_w.Gold(s.spun, s.original)
        tokens = tokenize(s.spun)
        starts = set(row["starts"])
        for k in range(len(tokens)):
            if eligible(tokens, k, starts):
                scores.append(row["probs"][k])
                labels.append(int(gold.changed(k)))
    return auc(scores, labels)


def auc(scores: list[float], labels: list[int]) -> float:
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    y = np.asarray(labels)
    pos, neg = y.sum(), len(y) - y.sum()
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def matrix(rows: list[dict]) -> np.ndarray:
    return np.array([[r["features"][n] for n in DOC_FEATURES] for r in rows])


def sets(judge_dir: Path | None, scale: float = 1.0) -> dict[str, tuple[list, list[dict]]]:
    def cut(items: list, a: int, b: int | None = None) -> list:
        return items[int(a * scale) : None if b is None else int(b * scale)]

    tune = cut(spinner_w.split(spinner_w.TUNE), 0, 700)
    test = cut(spinner_w.split(spinner_w.TEST), 0, 200)
    reuters = cut(other_reuters(), 0, 1300)
    wiki = cut(held_out_chunks(700, seed=11), 0, 700)
    texts = {
        "tune_spun": [s.spun for s in tune],
        "tune_orig": [s.original for s in tune],
        "test_spun": [s.spun for s in test],
        "test_orig": [s.original for s in test],
        "reuters_fit": reuters[: int(500 * scale)],
        "reuters_check": reuters[int(500 * scale) :],
        "wiki_fit": wiki[: int(400 * scale)],
        "wiki_check": wiki[int(400 * scale) :],
        "seeds_clean": [_seed("001"), _seed("003")],
        "seeds_spun": [_seed("000"), _seed("004")],
    }
    if judge_dir == Path("fast-only"):  # warm the n-gram path's cache, read nothing else
        for name, t in texts.items():
            fast_features(name, t)
        sys.exit(0)
    out = {}
    for name, t in texts.items():
        print(f"reading {name} ({len(t)})", file=sys.stderr, flush=True)
        out[name] = (t, reading(judge_dir, name, t))
    out["tune_stories"] = (tune, out["tune_spun"][1])
    out["test_stories"] = (test, out["test_spun"][1])
    return out


def fit(data: dict, clean_fp: float) -> tuple[float, list[float]]:
    spun = matrix(data["tune_spun"][1])
    clean = np.vstack([matrix(data[k][1]) for k in ("tune_orig", "reuters_fit", "wiki_fit")])
    x = np.vstack([spun, clean])
    y = np.r_[np.ones(len(spun)), np.zeros(len(clean))]
    mu, sd = x.mean(0), x.std(0) + 1e-9
    w = fit_logistic((x - mu) / sd, y, l2=1.0)
    weights = w[1:] / sd
    bias = w[0] - float((w[1:] / sd) @ mu)
    z_clean = clean @ weights + bias
    allowed = int(clean_fp * len(clean))
    cut = np.sort(z_clean)[::-1][allowed] if allowed < len(z_clean) else -np.inf
    bias -= max(0.0, float(cut)) + 1e-6
    return float(bias), [float(v) for v in weights]


def report(data: dict, bias: float, weights: list[float]) -> dict:
    def flagged(name: str) -> tuple[int, int]:
        z = matrix(data[name][1]) @ np.array(weights) + bias
        return int((z >= 0).sum()), len(z)

    out = {
        "word_auc_tune": round(word_auc(*data["tune_stories"]), 4),
        "word_auc_test": round(word_auc(*data["test_stories"]), 4),
    }
    for name in (
        "test_spun",
        "test_orig",
        "reuters_check",
        "wiki_check",
        "seeds_clean",
        "seeds_spun",
        "tune_spun",
        "tune_orig",
    ):
        hits, total = flagged(name)
        out[name] = f"{hits} of {total}"
    return out


def engine_detection(scale: float) -> dict:
    """Documents at spin 0.5 or more by ``document_spin`` (default path and ``--fast``)."""
    from unspin.restore.estimate import document_spin

    test = spinner_w.split(spinner_w.TEST)[: int(200 * scale)]
    texts = {
        "test_spun": [s.spun for s in test],
        "test_orig": [s.original for s in test],
        "reuters_check": other_reuters()[500 : 500 + int(800 * scale)],
        "seeds_spun": [_seed("000"), _seed("004")],
        "seeds_clean": [_seed("001"), _seed("003")],
    }
    out = {}
    for fast in (False, True):
        for name, t in texts.items():
            hits = sum(document_spin(x, fast=fast).spin >= 0.5 for x in t)
            out[f"{name}{' --fast' if fast else ''}"] = f"{hits} of {len(t)}"
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--judge", type=Path, default=None, help="judge folder (default: bundled)")
    ap.add_argument("--fit", action="store_true", help="refit the document model, print it")
    ap.add_argument("--clean-fp", type=float, default=0.003)
    ap.add_argument("--scale", type=float, default=1.0, help="share of each set to read")
    ap.add_argument(
        "--engine",
        action="store_true",
        help="instead: the spin estimate as restore computes it, on TEST and clean news",
    )
    ap.add_argument("--write", type=Path, default=None, help="write the fitted calibration here")
    args = ap.parse_args(argv)
    if not spinner_w.available():
        sys.exit("needs ../shared (spinner W's dev set and Reuters)")
    if args.engine:
        print(json.dumps(engine_detection(args.scale), indent=1))
        return
    data = sets(args.judge, args.scale)
    if args.fit:
        bias, weights = fit(data, args.clean_fp)
    else:
        from unspin.restore.judged import load_calibration

        cal = load_calibration(args.judge / "calibration.json" if args.judge else None)
        bias, weights = cal.bias, list(cal.weights)
    named = dict(zip(DOC_FEATURES, weights, strict=True))
    print(json.dumps({"bias": bias, "weights": named}, indent=1))
    print(json.dumps(report(data, bias, weights), indent=1))
    if args.write:
        cur = json.loads(args.write.read_text()) if args.write.exists() else {}
        cur.update(
            format="unspin-judge-calibration/1",
            features=list(DOC_FEATURES),
            bias=bias,
            weights=weights,
        )
        args.write.write_text(json.dumps(cur, indent=1) + "\n")


if __name__ == "__main__":
    main()
