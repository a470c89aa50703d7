"""The hit gate of a table learned without clean documents (header ``hit_gate=``): with
no clean text of the pile to set a gate by, a document counts as spun when its table hits,
weighted by each row's ``p_restore``, lie far above what clean English of its length
shows (the spun phrases' wordfreq frequencies). ``unspin learn`` sets the gate
(:data:`unspin.learn.unpaired.HIT_GATE`); the analysis of a document applies it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..models.table import Entry, phrase_key

__all__ = ["clean_expectation", "hit_score", "gate_spin", "CLEAN_GAIN_SHARE", "GATE_WIDTH"]

#: Share of a spun form's occurrences in clean English where restoring it reads better
#: to the language model (only those count as hits); a rough constant, it scales the
#: clean expectation the gate is measured from.
CLEAN_GAIN_SHARE = 0.3
#: How far (z) above the hit gate a document's estimate reaches 1: the gate sits at clean
#: text's highest score, so a document past it is taken for spun; just at it, the engine
#: still asks for many edits (:func:`unspin.restore.detect.confirmed`). On spinner W's tuning
#: stories, errors undone with the gate at 6: 6.5% with a width of 1.5 (estimate 1 at
#: 1.25 times the gate), 7.6% with 0.3; no clean story changed with either.
GATE_WIDTH = 0.3


def clean_expectation(entries: Iterable[Entry]) -> tuple[float, float]:
    """Mean and variance, per word of clean English, of a document's weighted table hits:
    each spun phrase's wordfreq frequency times :data:`CLEAN_GAIN_SHARE`, weighted by its
    best ``p_restore`` (a Poisson count per phrase). What a table learned without clean
    documents expects of clean text, to gate documents by (:func:`hit_score`).

    >>> m, v = clean_expectation([Entry("stated", "said", 9, 1, 0.6, 0.4, "pile-unpaired")])
    >>> 0 < v < m < 1e-3
    True
    """
    from wordfreq import zipf_frequency

    weight: dict[str, float] = {}
    for e in entries:
        key = " ".join(phrase_key(e.spun))
        weight[key] = max(weight.get(key, 0.0), e.p_restore)
    mean = var = 0.0
    for key, w in weight.items():
        rate = 10 ** (zipf_frequency(key, "en") - 9) * CLEAN_GAIN_SHARE
        mean += w * rate
        var += w * w * rate
    return mean, var


def hit_score(weighted_hits: float, words: int, mean: float, var: float) -> float:
    """How many standard deviations a document's weighted hits (each phrase's best
    ``p_restore`` per occurrence the language model would restore, at most two per
    phrase) lie above the clean expectation (:func:`clean_expectation`) for ``words``.

    >>> hit_score(3.0, 300, 0.001, 0.0005) > 6 > hit_score(1.0, 300, 0.001, 0.0005)
    True
    """
    n = max(words, 1)
    if var <= 0:
        return 0.0
    return (weighted_hits - n * mean) / math.sqrt(n * var)


def gate_spin(score: float, hit_gate: float) -> float:
    """The table's spin estimate from :func:`hit_score`: 0 below ``hit_gate``, 0.5 there,
    1 from :data:`GATE_WIDTH` above it.

    >>> gate_spin(6.0, 6.0), gate_spin(7.0, 6.0), gate_spin(5.9, 6.0)
    (0.5, 1.0, 0.0)
    """
    if score < hit_gate:
        return 0.0
    return min(1.0, 0.5 + 0.5 * (score - hit_gate) / GATE_WIDTH)
