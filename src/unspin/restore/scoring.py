"""How each candidate scores before anything is decided: its language-model gain where it
stands, and the feature row the decision model turns into its prior
(:func:`unspin.models.decision.candidate_features`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..models.decision import candidate_features
from ..text.articles import agreement_change, article_disagreement
from .candidates import Candidate

__all__ = ["local_gains", "swap", "pair_totals", "feature_rows"]

#: A swap a candidate would undo: (observed words, candidate words).
Swap = tuple[tuple[str, ...], tuple[str, ...]]


def local_gains(scorer: Any, words: Sequence[str], cands: Sequence[Candidate]) -> list[float]:
    """LM gain (log10) of each candidate over the sentence ``words`` as they stand."""
    keep: dict[tuple[int, int], float] = {}
    gains = []
    span = getattr(scorer, "score_span", None)
    for c in cands:
        left, right = words[: c.i], words[c.j :]
        if span is None:
            alt = list(words[: c.i]) + list(c.words) + list(words[c.j :])
            gains.append(scorer.score(alt) - scorer.score(words))
            continue
        if (c.i, c.j) not in keep:
            keep[(c.i, c.j)] = span(left, words[c.i : c.j], right, eos=True)
        gains.append(span(left, c.words, right, eos=True) - keep[(c.i, c.j)])
    return gains


def swap(words: Sequence[str], cand: Candidate) -> Swap:
    """The swap ``cand`` would undo, (observed words, candidate words): the same swap
    anywhere in a document has the same key."""
    return tuple(words[cand.i : cand.j]), cand.words


def pair_totals(
    sentences: Iterable[tuple[Sequence[str], Sequence[Candidate], Sequence[float]]],
) -> dict[Swap, tuple[int, float]]:
    """For each swap over the (words, candidates, gains) of a document's sentences: how
    often the document offers it and the sum of its LM gains there (a spinner swaps a word
    the same way every time)."""
    totals: dict[Swap, tuple[int, float]] = {}
    for words, cands, gains in sentences:
        for c, g in zip(cands, gains, strict=True):
            key = swap(words, c)
            n, total = totals.get(key, (0, 0.0))
            totals[key] = (n + 1, total + g)
    return totals


def feature_rows(
    words: Sequence[str],
    raw: Sequence[str],
    cands: Sequence[Candidate],
    gains: Sequence[float],
    logprobs: Sequence[float],
    hit_rate: float,
    a_excess: float,
    quiet: bool,
    document: Sequence[tuple[tuple[int, float], bool]],
) -> list[list[float]]:
    """The decision model's feature row of each candidate of a sentence: ``words`` in LM
    form and ``raw`` as written, the candidates' ``gains`` and the LM's ``logprobs`` per
    token, the document's table-hit rate, a/an-for-the excess and whether it looks clean
    (``quiet``), and per candidate ``document`` context: its swap's (times offered, summed
    gain) from :func:`pair_totals` and whether its words occur in the document."""
    # Per start position: number of candidates and the two best gains (keep counts as 0).
    tops: dict[int, list[float]] = {}
    for c, g in zip(cands, gains, strict=True):
        top = tops.setdefault(c.i, [0, 0.0, 0.0])
        top[0] += 1
        if g > top[1]:
            top[1], top[2] = g, top[1]
        elif g > top[2]:
            top[2] = g
    feats = []
    for c, g, ((seen, total), in_doc) in zip(cands, gains, document, strict=True):
        n, best, second = tops[c.i]
        best_other = second if g >= best else best
        feats.append(
            candidate_features(
                c.kind,
                c.evidence,
                c.channel,
                g,
                words[c.i : c.j],
                c.words,
                logprobs[c.i],
                hit_rate,
                g - best_other,
                n - 1,
                a_excess,
                quiet,
                seen - 1,
                total - g,
                in_doc,
                article_disagreement(raw, c.i, c.j),
                agreement_change(raw, c.i, c.words),
            )
        )
    return feats
