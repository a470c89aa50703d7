"""Choosing ``unspin match``'s links among a pile's oriented pairs.

A document looks spun when its pairs' side decisions, summed, say so; only such documents
are linked, only to documents that do not look spun, and only with a clear side
(:data:`MIN_LINK_MARGIN`). Candidate originals of one copy that hold the same text (all but
a few of the shorter one's words in the longer one, in order: identical, cut, or a word
fixed; :func:`same_text`) count as one: the copy links to the one sharing most words with
it and, among equals, to the first in the pile (the earliest collected), not to whichever
a score's noise favours; two copies of that text both link to it. A link whose side
decision is weak (:data:`WEAK_MARGIN`) or contested (its copy is, with as much evidence,
another pair's original) is dropped when ``settle`` (the contextual judge, see
:class:`~unspin.learn.match.PileIndex`) reads the original as the more spun one
(:data:`JUDGE_MIN_GAP`): no link is better than
one backwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher

from .pairing import Edge

__all__ = [
    "JUDGE_MIN_GAP",
    "SAME_TEXT_SHARE",
    "MIN_LINK_MARGIN",
    "WEAK_MARGIN",
    "choose_links",
    "judge_settle",
    "same_text",
    "sure",
]

# Side-decision evidence a link needs (issue 21's tuning pile: 99.5% of true links have 0.6
# or more; two spun copies of one story, neither the original, about 0.1).
MIN_LINK_MARGIN = 0.2
# Below this margin (or when contested) the judge is asked which side is spun (tuning pile,
# spinner W stories 0-1349: 11 of 591 links, one of them backwards at 1.06).
WEAK_MARGIN = 2.0
# The judge's top_mean on the copy minus that on the original, below which a weak link is
# dropped: the judge must not read the original as the more spun one by more than 0.01
# (tuning pile, development judge: the backwards link -0.015; true weak links -0.024 to
# 0.153, 3 of 12 under 0; the judge tells sides apart only roughly, so it vetoes, no more).
JUDGE_MIN_GAP = -0.01

# Share of the shorter text's words two texts must have in common, in order, to count as
# one text (Reuters versions of one story differing by a word or two).
SAME_TEXT_SHARE = 0.97

Settle = Callable[[Edge], float]


def same_text(a: str, b: str, share: float = SAME_TEXT_SHARE) -> bool:
    """Whether two texts hold the same text: at least ``share`` of the shorter one's words
    found, in order, in the longer one (identical texts, a cut copy, a one-word fix).

    >>> same_text("A  b c.", "A b c."), same_text("A b", "A b c."), same_text("A c", "A b")
    (True, True, False)
    """
    x, y = sorted((a.split(), b.split()), key=len)
    if not x:
        return not y
    if y[: len(x)] == x:
        return True
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()) >= share * len(x)


def choose_links(
    edges: list[Edge],
    equal: dict[tuple[int, int], int],
    same: Callable[[int, int], bool],
    settle: Settle | None = None,
) -> list[Edge]:
    """One original per spun copy (see the module's docstring): ``equal[a, b]``, tokens
    two documents share; ``same(a, b)``, whether they hold the same text; ``settle(e)``,
    the judge's evidence that ``e.spun`` is the spun side (None: weak links are dropped).

    Pairs are taken best first (most tokens in common, then the clearest side decision),
    each original going to one copy while others want it: a pile can hold two versions of
    one story, and each copy's own is the one no closer copy took. A copy left without one
    gets its best. A document that is another copy's chosen original is not a copy itself.
    """
    balance: Counter[int] = Counter()
    for e in edges:
        balance[e.spun] += e.margin
        balance[e.clean] -= e.margin
    as_original: Counter[int] = Counter()  # each document's best margin as an original
    for e in edges:
        as_original[e.clean] = max(as_original[e.clean], e.margin)
    kept = [
        e
        for e in edges
        if e.margin >= MIN_LINK_MARGIN and balance[e.spun] > 0 and balance[e.clean] <= 0
    ]
    kept = _one_per_text(kept, equal, same)
    kept = [e for e in kept if sure(e, as_original[e.spun] >= e.margin, settle)]

    def rank(e: Edge) -> tuple:
        return (equal.get((e.spun, e.clean), 0), e.margin, -e.clean)

    ordered = sorted(kept, key=rank, reverse=True)
    best: dict[int, Edge] = {}
    taken: set[int] = set()
    for e in ordered:
        if e.spun not in best and e.clean not in taken:
            best[e.spun] = e
            taken.add(e.clean)
    for e in ordered:
        best.setdefault(e.spun, e)
    used = {e.clean for e in best.values()}
    return [e for s, e in sorted(best.items()) if s not in used]


def _one_per_text(
    edges: list[Edge], equal: dict[tuple[int, int], int], same: Callable[[int, int], bool]
) -> list[Edge]:
    """Of each copy's candidate originals holding the same text, the edge to the one
    sharing most tokens with the copy, then the first in the pile."""
    by_copy: dict[int, list[Edge]] = {}
    for e in edges:
        by_copy.setdefault(e.spun, []).append(e)
    out: list[Edge] = []
    for spun, group in sorted(by_copy.items()):
        group.sort(key=lambda e: (-equal.get((spun, e.clean), 0), e.clean))
        chosen: list[Edge] = []
        for e in group:
            if not any(same(c.clean, e.clean) for c in chosen):
                chosen.append(e)
        out.extend(chosen)
    return out


def sure(e: Edge, contested: bool, settle: Settle | None) -> bool:
    """Whether a link's side is sure: a clear, uncontested margin, or the judge agrees."""
    if e.margin >= WEAK_MARGIN and not contested:
        return True
    return settle is not None and settle(e) > JUDGE_MIN_GAP


def judge_settle() -> Settle:
    """The contextual judge as a ``settle`` function: its ``top_mean`` (the mean of a
    document's highest replaced-word probabilities) on the copy minus that on the
    original (> 0: the copy reads as the spun one).
    The judge is loaded at the first call; without one installed every answer is -inf (a
    weak link is dropped)."""
    from functools import lru_cache

    from ..errors import MissingDataError
    from ..restore.judged import judge_document
    from ..text.tokens import sentence_spans, tokenize

    @lru_cache(maxsize=1)
    def judge():  # noqa: ANN202
        from ..models.judge import load_judge

        try:
            return load_judge()
        except MissingDataError:
            return None

    def top_mean(text: str) -> float:
        tokens = tokenize(text)
        doc = judge_document(judge(), tokens, sentence_spans(tokens, text))
        return doc.features["top_mean"]

    def settle(e: Edge) -> float:
        if judge() is None:
            return float("-inf")
        return top_mean(e.alignment.spun.text) - top_mean(e.alignment.clean.text)

    return settle
