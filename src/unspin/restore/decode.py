"""Choose the best restoration path through a sentence's candidate lattice.

Candidates close enough to interact under an n-gram model form a cluster; each
cluster is searched with a small beam, scoring whole-sentence hypotheses with the
language model (exact for an n-gram model, and cheap: scoring runs in C++).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .candidates import Candidate

__all__ = ["Scorer", "Decision", "decide"]


class Scorer(Protocol):
    """What the decoder needs of a language model."""

    order: int

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """log10 probability of a whole token sequence."""
        ...


Decision = tuple[Candidate, float]


def _apply(words: Sequence[str], chosen: Sequence[Candidate]) -> list[str]:
    out: list[str] = []
    pos = 0
    for c in chosen:
        out.extend(words[pos : c.i])
        out.extend(c.words)
        pos = c.j
    out.extend(words[pos:])
    return out


def _clusters(candidates: Sequence[Candidate], reach: int) -> list[list[Candidate]]:
    clusters: list[list[Candidate]] = []
    end = -(10**9)
    for c in sorted(candidates, key=lambda c: (c.i, c.j)):
        if clusters and c.i < end + reach:
            clusters[-1].append(c)
            end = max(end, c.j)
        else:
            clusters.append([c])
            end = c.j
    return clusters


def _gain(
    words: Sequence[str], chosen: Sequence[Candidate], scorer: Scorer, base: float, margin: float
) -> float:
    lm = scorer.score(_apply(words, chosen)) - base
    return lm + sum(c.prior - margin for c in chosen)


def _search_cluster(
    words: Sequence[str],
    cluster: Sequence[Candidate],
    scorer: Scorer,
    base: float,
    margin: float,
    beam: int,
) -> tuple[tuple[Candidate, ...], float]:
    hyps: list[tuple[float, tuple[Candidate, ...]]] = [(0.0, ())]
    for c in cluster:
        grown = [
            (_gain(words, (*chosen, c), scorer, base, margin), (*chosen, c))
            for _, chosen in hyps
            if not chosen or chosen[-1].j <= c.i
        ]
        hyps = sorted([*hyps, *grown], key=lambda h: -h[0])[:beam]
    best_gain, best = hyps[0]
    return best, best_gain


def decide(
    words: Sequence[str],
    candidates: Sequence[Candidate],
    scorer: Scorer,
    margin: float,
    beam: int = 6,
) -> list[Decision]:
    """The candidates worth applying, each with its marginal log10 gain.

    A hypothesis's gain is its LM improvement over the sentence as it stands plus
    each change's prior, minus ``margin`` per change; only positive gains win.
    """
    if not candidates:
        return []
    base = scorer.score(words)
    chosen_all: list[Decision] = []
    for cluster in _clusters(candidates, max(scorer.order - 1, 1)):
        best, gain = _search_cluster(words, cluster, scorer, base, margin, beam)
        if not best or gain <= 0:
            continue
        for c in best:
            rest = tuple(x for x in best if x is not c)
            chosen_all.append((c, gain - _gain(words, rest, scorer, base, margin)))
    return sorted(chosen_all, key=lambda d: d[0].i)
