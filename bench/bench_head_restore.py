"""Issue 20, restoring with a per-spinner head (see :mod:`bench.bench_head`): errors undone
and clean documents changed on spinner W's TUNE stories outside the pile, with

- ``today``: plain ``restore --table`` decisions (the judge's decision terms are 0);
- ``oracle``: every table candidate's prior +100 where it restores the true original, -100
  where not (each occurrence decided from the gold alignment: the most any head over
  table hits can reach); ``oracle_spun_only``: -100 on every occurrence the spinner kept,
  options left to the decision model;
- ``head_<kind><scale>_<center>``: the head's log-odds ``z`` of the occurrence added to
  each of its table candidates' priors as ``scale * (z - center)`` (kinds: see
  :func:`parse_setting`);
- ``decision_head_<center>``: the per-spinner decision head of
  :mod:`bench.bench_head_decision` in place of the shipped model's prior;
- ``head_gate``: a document also passes the gate when its head rate (:func:`doc_rate`)
  exceeds a quantile of the pile's clean documents' rates, each read by a head fitted on
  the other half of the pile (out of fold).

Each with the default gate (``_gate``) and with none (``_no_gate``). Needs ``../shared``.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_head import HeadFit, design, fit_head, patch_judge_cache

ROOT = Path(__file__).resolve().parents[1]
Terms = Callable[[Any], list[float]]


def parse_setting(text: str) -> tuple[str, float, float]:
    """``[b|v|s|k]scale:center``: the head's term ``scale * (z - center)`` for a table
    candidate, only its positive part (``b``: boost) or only its negative part (``v``);
    ``s``: a step of +scale where z is above center, ``k``: -scale where z is below it.

    >>> parse_setting("b2:-1"), parse_setting("1:0")
    (('b', 2.0, -1.0), ('', 1.0, 0.0))
    """
    kind = text[0] if text[0] in "bvsk" else ""
    scale, center = text[len(kind) :].split(":")
    return kind, float(scale), float(center)


def term(kind: str, scale: float, center: float, z: float) -> float:
    """A table candidate's prior term for an occurrence the head reads as ``z``."""
    if kind == "s":
        return scale if z > center else 0.0
    if kind == "k":
        return -scale if z < center else 0.0
    if kind == "b":
        return scale * max(0.0, z - center)
    if kind == "v":
        return scale * min(0.0, z - center)
    return scale * (z - center)


def head_reads(items: Sequence[dict], head: HeadFit) -> dict[str, dict[tuple[int, int], float]]:
    """The head's log-odds of every occurrence, by document and (first token, length)."""
    z = head.logits(design(items)) if items else []
    out: dict[str, dict[tuple[int, int], float]] = {}
    for it, zz in zip(items, z, strict=True):
        out.setdefault(it["doc"], {})[(it["at"], it["len"])] = float(zz)
    return out


def doc_rate(items: Sequence[dict], z: Sequence[float], words: int, center: float) -> float:
    """A document's head rate: per 100 words, the sum of ``sigmoid(z - center)`` over its
    table hits, at most two per phrase (as the table's own gate counts them)."""
    per: dict[str, list[float]] = {}
    for it, zz in zip(items, z, strict=True):
        per.setdefault(it["spun_form"], []).append(float(zz))
    total = sum(
        1 / (1 + math.exp(-(v - center)))
        for vals in per.values()
        for v in sorted(vals, reverse=True)[:2]
    )
    return 100 * total / max(words, 1)


def word_count(text: str) -> int:
    """Words (not numbers or punctuation) in ``text``, as unspin tokenizes it."""
    from unspin.text.tokens import tokenize

    return sum(1 for t in tokenize(text) if t.kind == "word")


def rates(
    items: Sequence[dict], z: Sequence[float], texts: dict[str, str], center: float
) -> dict[str, float]:
    """:func:`doc_rate` of every document in ``texts`` (documents without hits: 0)."""
    by: dict[str, tuple[list[dict], list[float]]] = {d: ([], []) for d in texts}
    for it, zz in zip(items, z, strict=True):
        if it["doc"] in by:
            by[it["doc"]][0].append(it)
            by[it["doc"]][1].append(float(zz))
    return {d: doc_rate(its, zs, word_count(texts[d]), center) for d, (its, zs) in by.items()}


def gate_threshold(train: Sequence[dict], l2: float, center: float, quantile: float) -> float:
    """The head gate's threshold: the ``quantile`` of the rates of the pile's clean
    documents (its 1,200 originals), each read by a head fitted on the other half of the
    pile (stories split by index parity)."""
    from bench import spinner_w as w

    pile = w.split(w.PILE)[:1200]
    clean: list[float] = []
    for half in (0, 1):
        head = fit_head([it for it in train if int(it["doc"][1:]) % 2 != half], l2)
        texts = {f"o{s.index}": s.original for s in pile if s.index % 2 == half}
        held = [it for it in train if it["doc"] in texts]
        clean += list(rates(held, head.logits(design(held)), texts, center).values())
    return float(np.quantile(clean, quantile))


def decided_text(engine: Any, text: str, analysis: Any, terms: Terms, gate: str) -> str:
    """``text`` restored from ``analysis`` with each sentence's decision terms
    ``terms(sentence)``; ``gate``: ``"default"`` (as ``restore`` gates), ``"none"`` or
    ``"pass"`` (the head gate let the document through)."""
    from unspin.restore.api import apply_edits
    from unspin.restore.detect import confirmed

    sentences = [replace(s, judge=terms(s)) for s in analysis.sentences]
    edits = engine.decided(text, replace(analysis, sentences=sentences))
    if gate == "default" and not (
        analysis.evidence.spin >= 0.5 and confirmed(analysis.evidence, len(edits))
    ):
        return text
    return apply_edits(text, edits)


def restore_report(
    table_path: Path,
    train: Sequence[dict] | None,
    count: int,
    grid: Sequence[tuple[str, float, float]],
    l2: float = 10.0,
    gate_center: float = 3.0,
    gate_quantile: float = 0.995,
    decision_centers: Sequence[float] = (),
    test: bool = False,
    threshold: float | None = None,
    other: int = 0,
) -> dict:
    """Errors undone and clean documents changed (see the module docstring); ``train``:
    the pile's labelled hits (:func:`bench.bench_head.load_hits`; None: today and the
    oracles only; ``test``: TEST stories instead of TUNE, to report, never to choose;
    ``threshold``: the head gate's, instead of :func:`gate_threshold`'s; ``other``: that
    many more clean documents, Reuters stories of 80+ words outside spinner W's set)."""
    from bench import spinner_w as w
    from bench.spinner_w import Gold
    from unspin import RestoreOptions
    from unspin.models.table import load_table
    from unspin.restore.engine import _load_scorer, engine_for

    patch_judge_cache()
    stories = w.split(w.TEST if test else range(w.PILE.stop, w.TUNE.stop))[:count]
    seeds = [p for g in ("001_*.txt", "003_*.txt") for p in (ROOT / "seeds").glob(g)]
    clean = {f"o{s.index}": s.original for s in stories}
    clean.update({p.stem: p.read_text(encoding="utf-8") for p in seeds})
    if other:
        from bench.bench_detect import other_reuters

        long = [t for t in other_reuters() if word_count(t) >= 80][:other]
        clean.update({f"r{k}": t for k, t in enumerate(long)})
    spun = {f"s{s.index}": s.spun for s in stories}
    table = load_table(table_path)
    engine = engine_for(table, RestoreOptions(tables=(table_path,), min_spin=0.0))
    analyses = {d: engine.analyse(t) for d, t in {**spun, **clean}.items()}
    golds = {f"s{s.index}": Gold(s.spun, s.original) for s in stories}
    originals = {f"s{s.index}": s.original for s in stories}
    reads: dict[str, dict[tuple[int, int], float]] = {}
    passing: set[str] = set()
    report: dict = {"stories": len(stories), "clean_documents": len(clean)}
    if train is not None:
        head = fit_head(train, l2)
        scorer = _load_scorer(RestoreOptions())
        items = collect_texts({**spun, **clean}, table, scorer)
        z = head.logits(design(items))
        reads = head_reads(items, head)
        if threshold is None:
            threshold = gate_threshold(train, l2, gate_center, gate_quantile)
        doc_rates = rates(items, z, {**spun, **clean}, gate_center)
        passing = {d for d, r in doc_rates.items() if r > threshold}
        report["head_gate"] = {
            "center": gate_center,
            "quantile_of_pile_clean": gate_quantile,
            "threshold": round(threshold, 3),
            "spun_passing": sum(d in passing for d in spun),
            "clean_passing": sum(d in passing for d in clean),
        }

    def measure(terms_for: Callable[[str], Terms], gate: str) -> dict:
        def run(d: str, text: str) -> str:
            how = "pass" if gate == "head" and d in passing else gate
            how = "default" if how == "head" else how
            return decided_text(engine, text, analyses[d], terms_for(d), how)

        restored = {d: run(d, t) for d, t in spun.items()}
        share, before, after = w.undone((spun[d], restored[d], originals[d]) for d in spun)
        changed = sum(run(d, t) != t for d, t in clean.items())
        return {
            "undone": round(100 * share, 1),
            "before": before,
            "after": after,
            "clean_changed": changed,
        }

    def zero(_d: str) -> Terms:
        return lambda s: [0.0] * len(s.candidates)

    def oracle(spun_only: bool) -> Callable[[str], Terms]:
        def make(d: str) -> Terms:
            def terms(s: Any) -> list[float]:
                out = []
                for c in s.candidates:
                    if c.kind != "table":
                        out.append(0.0)
                    elif d not in golds:
                        out.append(-100.0)
                    elif spun_only:
                        truth = golds[d].words(s.first + c.i, s.first + c.j)
                        out.append(-100.0 if truth == tuple(s.words[c.i : c.j]) else 0.0)
                    else:
                        right = golds[d].words(s.first + c.i, s.first + c.j) == c.words
                        out.append(100.0 if right else -100.0)
                return out

            return terms

        return make

    def headed(kind: str, scale: float, center: float) -> Callable[[str], Terms]:
        def make(d: str) -> Terms:
            zs = reads.get(d, {})

            def terms(s: Any) -> list[float]:
                out = []
                for c in s.candidates:
                    zz = zs.get((s.first + c.i, c.j - c.i)) if c.kind == "table" else None
                    out.append(0.0 if zz is None else term(kind, scale, center, zz))
                return out

            return terms

        return make

    families: dict[str, Callable[[str], Terms]] = {}
    if train is not None:
        for kind, scale, center in grid:
            families[f"head_{kind}{scale:g}_{center:g}"] = headed(kind, scale, center)
    if decision_centers:
        from bench.bench_head_decision import decision_terms

        families.update(decision_terms(table_path, engine, analyses, l2, decision_centers))
    gates = ("default", "none") if train is None else ("default", "head", "none")
    for gate in gates:
        tag = {"default": "gate", "head": "head_gate", "none": "no_gate"}[gate]
        report[f"today_{tag}"] = measure(zero, gate)
        if gate != "head":
            report[f"oracle_{tag}"] = measure(oracle(False), gate)
            report[f"oracle_spun_only_{tag}"] = measure(oracle(True), gate)
        for name, family in families.items():
            report[f"{name}_{tag}"] = measure(family, gate)
        print(json.dumps(report), file=sys.stderr)
    return report


def collect_texts(texts: dict[str, str], table: Any, scorer: Any) -> list[dict]:
    """Every table hit of every text, unlabelled, tagged with its document name."""
    from bench.bench_head import occurrences

    out = []
    for d, text in texts.items():
        out += [{**it, "doc": d} for it in occurrences(text, table, scorer, None)]
    return out


__all__ = ["restore_report", "parse_setting", "doc_rate", "gate_threshold"]
