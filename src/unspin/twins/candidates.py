"""Rank references as candidate originals of a text from posting lookups.

The storage layer keeps each reference's sampled keys
(:func:`unspin.twins.fingerprint.reference_keys`) as postings ``key -> reference
numbers`` and answers one lookup: given keys, each key's reference numbers, at most
``MAX_POSTINGS + 1`` of them (a key listing more references is *hot*: it says little and
costs much, so it is skipped). A reference scores the weights of the query's keys it sampled,
a key's weight ``log(2 * MAX_POSTINGS / references listed)``: a key few references sampled
says more. On the reference benchmark (44,700 references, spinner W and its heavy proxy) the
true original is first for 99.3-99.8% of copies and among the first 5 for all of them.

>>> postings = {1: [7], 2: [7, 9], 3: list(range(300)), 4: [9]}
>>> lookup = lambda keys: {k: postings[k] for k in keys if k in postings}
>>> [(c.reference, c.matched) for c in rank([1, 2, 3], lookup)]
[(7, 2)]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

__all__ = [
    "MAX_POSTINGS",
    "MIN_MATCHED",
    "Candidate",
    "MemoryPostings",
    "PileCandidates",
    "Postings",
    "rank",
]

#: References a key may list before it is hot (the store returns at most one more).
MAX_POSTINGS = 250
#: Keys a reference must share with the query to be a candidate.
MIN_MATCHED = 2
#: A candidate's score must reach this share of the best candidate's.
MIN_SHARE_OF_BEST = 0.25

#: ``postings(keys)``: each key's reference numbers (at most ``MAX_POSTINGS + 1``); keys
#: that no reference sampled may be left out.
Postings = Callable[[Sequence[int]], Mapping[int, Sequence[int]]]


class Candidate(NamedTuple):
    """A reference number, its score and how many of its sampled keys the query holds."""

    reference: int
    score: float
    matched: int


def rank(
    keys: Sequence[int], postings: Postings, limit: int = 5, cap: int = MAX_POSTINGS
) -> list[Candidate]:
    """The best ``limit`` candidate references for a query's ``keys``, best first: at least
    :data:`MIN_MATCHED` keys shared and a score of at least :data:`MIN_SHARE_OF_BEST` of the
    best; keys listing more than ``cap`` references are skipped.

    >>> rank([5], lambda keys: {5: [1, 2]})
    []
    """
    scores: dict[int, float] = {}
    matched: dict[int, int] = {}
    for refs in postings(keys).values():
        if not refs or len(refs) > cap:
            continue
        weight = math.log(2 * cap / len(refs))
        for ref in refs:
            scores[ref] = scores.get(ref, 0.0) + weight
            matched[ref] = matched.get(ref, 0) + 1
    ranked = sorted(
        (
            Candidate(ref, round(score, 3), matched[ref])
            for ref, score in scores.items()
            if matched[ref] >= MIN_MATCHED
        ),
        key=lambda c: (-c.score, c.reference),
    )
    if not ranked:
        return []
    floor = MIN_SHARE_OF_BEST * ranked[0].score
    return [c for c in ranked[:limit] if c.score >= floor]


class MemoryPostings:
    """Postings held in memory (a pile's, a test's): ``add`` a reference's keys, ``lookup``
    keys as the storage layer answers them.

    >>> postings = MemoryPostings()
    >>> postings.add(0, [11, 12]); postings.add(1, [12])
    >>> postings.lookup([12, 13])
    {12: [0, 1]}
    """

    def __init__(self, cap: int = MAX_POSTINGS) -> None:
        self.cap = cap
        self._postings: dict[int, list[int]] = {}

    def add(self, reference: int, keys: Sequence[int]) -> None:
        """File ``reference`` under each of its ``keys``."""
        for key in keys:
            self._postings.setdefault(key, []).append(reference)

    def lookup(self, keys: Sequence[int]) -> dict[int, list[int]]:
        """Each key's references (at most ``cap + 1``); keys with none left out."""
        out = {}
        for key in keys:
            refs = self._postings.get(key)
            if refs:
                out[key] = refs[: self.cap + 1]
        return out


class PileCandidates:
    """Candidate pairs of a pile by its anchors: :meth:`add` returns the earlier documents a
    new one may copy or be copied by (its ``limit`` best candidates), then files its sample.
    Documents are numbered in the order added; ``keys`` (a caller's tokens) is ignored.

    >>> pile = PileCandidates()
    >>> pile.add(0, "Chrysler Corp said its Kokomo plant made 19.6 mln transmissions.")
    []
    >>> pile.add(1, "chrysler Corp stated its Kokomo plant made nineteen.6 mln transmissions.")
    [0]
    """

    def __init__(self, limit: int = 8) -> None:
        self.limit = limit
        self.postings = MemoryPostings()

    def add(self, key: int, text: str, keys: object = None) -> list[int]:
        """Candidates of ``text`` among the documents added so far; then add it as ``key``."""
        from .fingerprint import reference_keys

        found = self.query(text)
        self.postings.add(key, reference_keys(text))
        return found

    def query(self, text: str, keys: object = None) -> list[int]:
        """The best candidate documents for ``text``, sorted by number."""
        from .fingerprint import query_keys

        ranked = rank(query_keys(text), self.postings.lookup, self.limit, self.postings.cap)
        return sorted(c.reference for c in ranked)
