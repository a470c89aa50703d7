"""Choosing ``unspin match``'s links among a pile's oriented pairs.

A document looks spun when its pairs' side decisions, summed, say so; only such documents
are linked, only to documents that do not look spun, and only with a clear side
(:data:`MIN_LINK_MARGIN`). Candidate originals of one copy that hold the same text (all but
a few of the shorter one's words in the longer one, in order: identical, cut, or a word
fixed; :func:`same_text`) count as one: the copy links to the one sharing most words with
it and, among equals, to the first in the pile (the earliest collected), not to whichever
a score's noise favours; two copies of that text both link to it. A link whose side
decision is weak (:data:`WEAK_MARGIN`) or contested (its copy is, with as much evidence,
another pair's original) is dropped when ``settle`` (:func:`pile_settle`: the spinner's
forms the pile knows, read in both whole documents) finds the original the more spun one
(:data:`SETTLE_MIN_GAP`): no link is better than one backwards.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher

from ..text.tokens import norm, tokenize
from .pairing import Edge

__all__ = [
    "SAME_TEXT_SHARE",
    "MIN_LINK_MARGIN",
    "SETTLE_MIN_GAP",
    "WEAK_MARGIN",
    "choose_links",
    "pile_settle",
    "same_text",
    "sure",
]

# Side-decision evidence a link needs (issue 21's tuning pile: 99.5% of true links have 0.6
# or more; two spun copies of one story, neither the original, about 0.1).
MIN_LINK_MARGIN = 0.2
# Below this margin (or when contested) ``settle`` is asked which side is spun (tuning pile,
# spinner W stories 0-1349: 16 candidate links, one of them backwards at 1.06).
WEAK_MARGIN = 2.0
# :func:`pile_settle`'s reading of the copy minus that of the original, below which a weak
# link is dropped (tuning pile: the backwards link -0.035, the 15 true weak links -0.007 to
# 0.20; held-out pile: its 5 weak links 0.013 to 0.12). It vetoes, no more: the side
# decision has already weighed the pair's own swaps.
SETTLE_MIN_GAP = -0.02
# A phrase counts as the spinner's form when the pile's clear pairs made it a spin this
# often, and more often than they had it as an original.
_FORM_VOTES = 2
_FORM_WORDS = 4  # longest form looked for

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
    more evidence that ``e.spun`` is the spun side (None: weak links are dropped).

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
    """Whether a link's side is sure: a clear, uncontested margin, or ``settle`` does not
    find the original the more spun side."""
    if e.margin >= WEAK_MARGIN and not contested:
        return True
    return settle is not None and settle(e) > SETTLE_MIN_GAP


def pile_settle(votes: Counter[tuple[str, str]]) -> Settle:
    """The pile's reading of which side of a link is spun: in each whole document, the
    spinner's forms per word (phrases of up to :data:`_FORM_WORDS` words that the pile's
    clear pairs, ``votes`` of (spun, original), made spins at least :data:`_FORM_VOTES`
    times and more often than they kept them as originals, each weighted by the log
    ratio), the copy's less the original's (> 0: the copy reads as the spun one). Whole
    documents, not only their aligned sentences: what a cut original lacks, its copy
    carries on.

    >>> from unspin.twins.align import align_texts
    >>> settle = pile_settle(Counter({("court docket", "court"): 5, ("stated", "said"): 3}))
    >>> link = align_texts("The court docket stated it.", "The court said it.")
    >>> settle(Edge(0, 1, 1.0, 1.0, link)) > 0 > settle(Edge(1, 0, 1.0, 1.0, link.swapped()))
    True
    """
    spun: Counter[tuple[str, ...]] = Counter()
    kept: Counter[tuple[str, ...]] = Counter()
    for (s, o), n in votes.items():
        spun[tuple(s.split())] += n
        kept[tuple(o.split())] += n
    weight = {
        form: math.log1p(n) - math.log1p(kept[form])
        for form, n in spun.items()
        if n >= _FORM_VOTES and n > kept[form]
    }

    def forms(text: str) -> float:
        keys = [norm(t.text) for t in tokenize(text) if t.kind != "punct"]
        found = sum(
            weight.get(tuple(keys[i : i + n]), 0.0)
            for i in range(len(keys))
            for n in range(1, min(_FORM_WORDS, len(keys) - i) + 1)
        )
        return found / max(len(keys), 1)

    def settle(e: Edge) -> float:
        return forms(e.alignment.spun.text) - forms(e.alignment.clean.text)

    return settle
