"""Checking a candidate pair of a pile for ``unspin match``: aligned, counted
(:class:`PairFeatures`: swaps a spinner makes, changed figures and names) and, when one
side looks spun, given the evidence for which (:func:`check_pair`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from ..text.tokens import Token
from .align import Alignment, Prepared, _initial, align, word_blocks
from .pairing import MIN_COVERAGE, BigramSketch, same_story, spin_margin

__all__ = [
    "Checked",
    "Checker",
    "PairFeatures",
    "aligned_words",
    "check_pair",
    "pile_agrees",
    "local_fluency",
    "pair_features",
]


# A spun copy's aligned sentences differ from its original's by swaps (spinner W: at least
# 1 per 100 words on issue 21's pile); two versions of one story with fewer are clean twins.
# Different stories told with one template ("X is raising 100 mln dlrs via ...") align too,
# but differ in figures and names, which no spinner touches: true copies have at most 1 such
# change per 40 words (99% of them under 1 per 38), other aligned pairs mostly far more.
MIN_SWAP_SHARE = 0.008
MIN_SWAPS = 2
MAX_FOREIGN_SHARE = 0.04


def aligned_words(alignment: Alignment) -> tuple[int, int]:
    """Words of the spun side in aligned sentences, and how many of them differ.

    >>> from unspin.twins.align import align_texts
    >>> aligned_words(align_texts("The attorneys met a choose.", "The lawyers met a judge."))
    (5, 2)
    """
    shared = differ = 0
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        shared += s.words
        for a1, a2, _, _ in word_blocks(s.code, c.code):
            differ += sum(t.kind != "punct" for t in s.tokens[a1:a2])
    return shared, differ


class PairFeatures(NamedTuple):
    """How two aligned documents differ, counted on the first: ``swaps`` (changes a spinner
    makes: :meth:`~unspin.twins.align.Alignment.substitutions`), ``foreign`` (changed
    blocks with a figure or a name in them), ``words`` and ``equal`` tokens in aligned
    sentences."""

    swaps: int
    foreign: int
    words: int
    equal: int
    keys: tuple[frozenset[str], ...] = ()  # each swap's two sides, either way round

    def kind(self) -> str | None:
        """``spun`` (one side is a spun copy of the other), ``clean`` (two clean versions)
        or None (different stories).

        >>> PairFeatures(9, 0, 300, 280).kind(), PairFeatures(0, 0, 300, 300).kind()
        ('spun', 'clean')
        >>> PairFeatures(9, 30, 300, 240).kind() is None
        True
        """
        words = max(self.words, 1)
        if self.foreign / words > MAX_FOREIGN_SHARE:
            return None
        if self.swaps >= MIN_SWAPS and self.swaps / words >= MIN_SWAP_SHARE:
            return "spun"
        return "clean"


def _figure_or_name(tokens: Sequence[Token], a: int, b: int) -> bool:
    """Whether tokens ``[a, b)`` hold a number or a capitalised word that does not start
    its sentence (a spinner's swap of a sentence's first word is capitalised too)."""
    return any(
        t.kind == "num" or (t.kind == "word" and t.text[:1].isupper() and not _initial(tokens, i))
        for i, t in enumerate(tokens[a:b], start=a)
    )


def pair_features(alignment: Alignment) -> PairFeatures:
    """The :class:`PairFeatures` of an alignment.

    >>> from unspin.twins.align import align_texts
    >>> f = pair_features(align_texts("The attorneys met 12 judges.", "The lawyers met 15 judges."))
    >>> f[:4], sorted(f.keys[0])
    ((1, 1, 5, 4), ['attorneys', 'lawyers'])
    """
    words = foreign = equal = 0
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        words += s.words
        equal += len(s.keys)
        for a1, a2, b1, b2 in word_blocks(s.code, c.code):
            equal -= a2 - a1
            if _figure_or_name(s.tokens, a1, a2) or _figure_or_name(c.tokens, b1, b2):
                foreign += 1
    subs = alignment.substitutions()
    keys = tuple(frozenset((sub.spun, sub.original.lower())) for sub in subs)
    return PairFeatures(len(subs), foreign, words, equal, keys)


def local_fluency(alignment: Alignment, lm, context: int = 2) -> float:  # noqa: ANN001
    """Mean log10 gain of the clean side's words over the spun side's at each short changed
    block, in its own context (``context`` tokens each side), clipped to [-2, 2]; 0 without
    a language model."""
    if lm is None:
        return 0.0
    from ..text.tokens import lm_token

    gains = []
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        sw, cw = [lm_token(t) for t in s.tokens], [lm_token(t) for t in c.tokens]
        for a1, a2, b1, b2 in word_blocks(s.code, c.code):
            if a2 - a1 > 4 or b2 - b1 > 4:
                continue
            spun = lm.score_span(sw[max(0, a1 - context) : a1], sw[a1:a2], sw[a2 : a2 + context])
            clean = lm.score_span(cw[max(0, b1 - context) : b1], cw[b1:b2], cw[b2 : b2 + context])
            gains.append(clean - spun)
    if not gains:
        return 0.0
    return max(-2.0, min(2.0, sum(gains) / len(gains)))


# A pair with too few swaps to count as spun (:data:`MIN_SWAPS`, :data:`MIN_SWAP_SHARE`) or
# whose swaps recur too little is still a spun copy when the pile's clear pairs made its
# swaps again and again, one way round: at least one swap with this much direction
# evidence (log of votes for over votes against, about 4 to 0), none against it. Tuned on
# issue 21's tune pile: links 98.0% -> 99.2% of its copies, no pair of two clean texts
# passes (their single differences are spelling, names or an editor's word, seldom voted).
AGREED_EVIDENCE = 1.5
AGREED_MAX_FOREIGN = 1


def pile_agrees(alignment: Alignment, foreign: int, votes: Counter[tuple[str, str]]) -> int:
    """Whether the pile's clear pairs made this pair's swaps: +1 (``alignment.spun`` is
    the spun side), -1 (the other side is) or 0 (no such evidence; see
    :data:`AGREED_EVIDENCE`).

    >>> from unspin.twins.align import align_texts
    >>> a = align_texts("He stated it was late today.", "He said it was late today.")
    >>> pile_agrees(a, 0, Counter({("stated", "said"): 9})), pile_agrees(a, 0, Counter())
    (1, 0)
    """
    subs = alignment.substitutions()
    if not subs or foreign > AGREED_MAX_FOREIGN:
        return 0
    evidence = [
        math.log1p(votes[s.spun, s.original.lower()])
        - math.log1p(votes[s.original.lower(), s.spun])
        for s in subs
    ]
    for sign in (1, -1):
        signed = [sign * e for e in evidence]
        if max(signed) >= AGREED_EVIDENCE and min(signed) > -0.5:
            return sign
    return 0


Checked = tuple[int, int, "str | None", "Alignment | None", PairFeatures, float]
Checker = Callable[
    [Sequence[tuple[int, int]], Callable[[int], str], BigramSketch], Iterable[Checked]
]


def check_pair(
    a: Prepared,
    b: Prepared,
    lm,
    bigrams: BigramSketch | None,  # noqa: ANN001
) -> tuple[str | None, Alignment | None, PairFeatures, float]:
    """Align two candidate near duplicates (prepared with
    :func:`unspin.twins.verify.prepare_text`): ``spun`` (versions of one story, one of them
    spun), ``clean`` (versions of one story, neither spun) or None, with the alignment,
    its :class:`PairFeatures` and, for ``spun``, the evidence that ``a`` is the spun side:
    :func:`spin_margin` without its whole-sentence LM term, plus :func:`local_fluency` (a
    copy's sentences can be cut or split differently from the original's, which
    whole-sentence scores punish).

    The kind is :func:`unspin.twins.verify.evidence`'s, read both ways (either side may be
    the original): changed facts are the fewer of the two readings, so a heavy spinner's
    swaps (figures written as words, names in lower case) are swaps, and stories told with
    one template are not versions of one story."""
    from .verify import evidence, one_to_one

    alignment = align(a, b)
    if not same_story(alignment):
        return None, None, PairFeatures(0, 0, 0, 0), 0.0
    forward = evidence(one_to_one(alignment))
    backward = evidence(one_to_one(alignment.swapped()))
    facts = min(forward.changed_facts, backward.changed_facts)
    kind = forward._replace(changed_facts=facts).kind(MIN_COVERAGE)
    subs = alignment.substitutions()
    keys = tuple(frozenset((sub.spun, sub.original.lower())) for sub in subs)
    features = PairFeatures(len(subs), facts, forward.words, forward.equal, keys)
    if kind != "spun":
        return kind, alignment, features, 0.0
    margin = spin_margin(alignment, None, bigrams) + local_fluency(alignment, lm)
    return kind, alignment, features, margin
