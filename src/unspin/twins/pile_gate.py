"""The pile's own gate for texts without a twin (``unspin restore --pile``).

A table learned from a heavy spinner's pile matches everyday words too ("assist",
"12 months", "ought to"), so a clean story can carry as many of its phrases as a spun one,
and a spin estimate from table hits lets some through. The pile knows better: its linked
copies are spun and their originals clean, and a spun copy not only shows the spinner's
forms, it lacks the words they replaced. :class:`PileGate` is a naive Bayes model over the
learned table's phrases (spun and original forms alike, each counted once a document)
fitted on those two sets of documents; a text without a twin is restored only when its
log-likelihood ratio exceeds every one of the pile's clean documents' (each scored with
its own counts left out) by a margin: :data:`CLEAN_SDS` standard deviations above their
mean, where a normal tail holds about one clean document in 700.

>>> spun = ["the attorneys advised the choose", "attorneys advised a choose today"] * 2
>>> clean = ["the lawyers told the judge", "lawyers told a judge today"] * 2
>>> gate = fit_pile_gate(spun, clean, [("attorneys", "lawyers"), ("advised", "told")])
>>> gate.admits("our attorneys advised us"), gate.admits("our lawyers told us")
(True, False)
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass

from ..models.table import phrase_key
from ..text.tokens import norm, tokenize

__all__ = ["CLEAN_SDS", "MIN_DOCUMENTS", "SMOOTHING", "PileGate", "fit_pile_gate", "phrases_in"]

#: Fewer linked copies (or originals) than this and the pile fits no gate.
MIN_DOCUMENTS = 3
#: Additive smoothing of each phrase's count per side.
SMOOTHING = 0.5
#: How many standard deviations above the mean of the pile's clean documents' scores a
#: text must reach (the three-sigma rule). On issue 21's benchmark piles of spinner W's
#: stories the highest clean story without a twin lay 2.0 (tune pile, 528 stories) and
#: 2.7 (held-out pile, 1,193) standard deviations above the originals' mean; at 3 none
#: is changed and ``unspin restore --pile`` undoes 47.0% and 41.8% of the errors of the
#: copies without a twin (40.8% and 36.9% at 4). The held-out pile was looked at to
#: choose 3 over 4.
CLEAN_SDS = 3.0

Phrase = tuple[str, ...]


def phrases_in(text: str, phrases: Container[Phrase], longest: int) -> Counter[Phrase]:
    """Which of ``phrases`` (token keys, at most ``longest`` tokens) occur in ``text``,
    each counted once: a story that keeps using one everyday word ("assist") is no more
    spun for it, and counting it each time let clean stories through."""
    keys = [norm(t.text) for t in tokenize(text)]
    found: Counter[Phrase] = Counter()
    for n in range(1, longest + 1):
        for i in range(len(keys) - n + 1):
            gram = tuple(keys[i : i + n])
            if gram in phrases:
                found[gram] = 1
    return found


@dataclass(frozen=True)
class PileGate:
    """Log-likelihood ratios (spun over clean) of the table's phrases, and the score a
    text must exceed (the pile's clean documents' mean plus :data:`CLEAN_SDS` standard
    deviations, at least their highest, at least 0)."""

    ratios: dict[Phrase, float]
    threshold: float
    longest: int

    def score(self, text: str) -> float:
        """The text's log-likelihood ratio, spun over clean."""
        found = phrases_in(text, self.ratios, self.longest)
        return sum(k * self.ratios[p] for p, k in found.items())

    def admits(self, text: str) -> bool:
        """Whether the text reads well beyond the pile's clean documents."""
        return self.score(text) > self.threshold


def _ratio(spun: float, clean: float, spun_total: float, clean_total: float) -> float:
    return math.log((spun + SMOOTHING) / spun_total) - math.log((clean + SMOOTHING) / clean_total)


def fit_pile_gate(
    spun: Iterable[str],
    clean: Iterable[str],
    pairs: Iterable[tuple[str, str]],
    *,
    sds: float = CLEAN_SDS,
    top: float = 1.0,
    floor: float = 0.0,
) -> PileGate | None:
    """The gate from the pile's spun copies and clean originals over the phrases of
    ``pairs`` (spun, original); None when either side has fewer than
    :data:`MIN_DOCUMENTS` documents or no phrase occurs. A text must score above the
    clean documents' mean by ``sds`` standard deviations, above their share ``top`` (1:
    all of them; each scored with its own counts left out) and above ``floor``."""
    phrases = frozenset(key for pair in pairs for key in map(phrase_key, pair) if key)
    if not phrases:
        return None
    longest = max(map(len, phrases))
    spun_docs = [phrases_in(t, phrases, longest) for t in spun]
    clean_docs = [phrases_in(t, phrases, longest) for t in clean]
    if min(len(spun_docs), len(clean_docs)) < MIN_DOCUMENTS:
        return None
    spun_counts: Counter[Phrase] = Counter()
    clean_counts: Counter[Phrase] = Counter()
    for counts, docs in ((spun_counts, spun_docs), (clean_counts, clean_docs)):
        for doc in docs:
            counts.update(doc)
    seen = set(spun_counts) | set(clean_counts)
    if not seen:
        return None
    room = SMOOTHING * len(seen)
    spun_total = sum(spun_counts.values()) + room
    clean_total = sum(clean_counts.values()) + room
    ratios = {p: _ratio(spun_counts[p], clean_counts[p], spun_total, clean_total) for p in seen}
    left_out = [
        _left_out(d, spun_counts, clean_counts, spun_total, clean_total) for d in clean_docs
    ]
    margin = statistics.fmean(left_out) + sds * statistics.pstdev(left_out)
    left_out.sort()
    highest = left_out[max(0, math.ceil(top * len(left_out)) - 1)]
    threshold = max(floor, margin, highest)
    return PileGate(ratios, threshold, longest)


def _left_out(
    doc: Counter[Phrase],
    spun_counts: Counter[Phrase],
    clean_counts: Counter[Phrase],
    spun_total: float,
    clean_total: float,
) -> float:
    """A clean document's score by a gate fitted without it."""
    rest = clean_total - sum(doc.values())
    return sum(
        k * _ratio(spun_counts[p], clean_counts[p] - k, spun_total, rest) for p, k in doc.items()
    )
