"""Choose a text's twin among its verified candidates.

The candidate sharing the most tokens with the text in aligned sentences says what the text
is: a spun copy (it links to the best-ranked candidate of which it is a spun copy: the
fingerprint's ranking favours the reference it was made from over a longer telling of the
same news) or a clean text (an original, or a cut or edited version of one: it is never
restored). A spun copy of a full story can look clean beside a short flash of it (few swaps
in the little they share), and a clean text can look spun beside a reworded version: the
fuller match is the one to believe. With no verified candidate the text has no twin.

>>> from unspin.twins.verify import Evidence, Verdict
>>> spun = Verdict("spun", Evidence(200, 170, 12, 1, 0, 0.9, 8), None)
>>> flash = Verdict("clean", Evidence(40, 39, 1, 0, 0, 1.0, 2), None)
>>> choose([(4, flash), (9, spun)])
Choice(kind='spun', reference=9, verdict=...)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .verify import Verdict

__all__ = ["Choice", "choose"]


class Choice(NamedTuple):
    """``spun`` (``reference`` is its original), ``clean`` (it is, or is a clean version of,
    ``reference``) or ``none``, with the verdict that decided."""

    kind: str
    reference: int | None
    verdict: Verdict | None

    def __repr__(self) -> str:
        return f"Choice(kind={self.kind!r}, reference={self.reference!r}, verdict=...)"


def choose(verdicts: Sequence[tuple[int, Verdict]]) -> Choice:
    """The decision for a text from ``(reference, verdict)`` pairs, best-ranked first.

    >>> choose([])
    Choice(kind='none', reference=None, verdict=...)
    """
    fullest: Verdict | None = None
    for _, verdict in verdicts:
        if verdict.kind is not None and (
            fullest is None or verdict.evidence.equal > fullest.evidence.equal
        ):
            fullest = verdict
    if fullest is None:
        return Choice("none", None, None)
    for reference, verdict in verdicts:
        if verdict.kind == fullest.kind:
            return Choice(verdict.kind, reference, verdict)
    raise AssertionError("unreachable")
