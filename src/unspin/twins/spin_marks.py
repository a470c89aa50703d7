"""Cheap marks of spinning a clean reference never carries, checked as references are added.

Indexing a spun copy as an original would restore copies to spin, so ``unspin index add``
names a reference that carries these marks and leaves it out (``--keep-spun`` keeps it).
The check must cost next to nothing (it runs on every reference, at thousands a second)
and must practically never call clean text spun: it looks only for what spinners' own
mechanics leave behind, not for odd word choices (the spin estimate of
:mod:`unspin.restore.detect` runs at ~120 documents a second and calls 1% of clean
references spun):

- **number hybrids**: a figure with part of it written as a word, "1.four", "one.27",
  "6.nine" (a spinner swapping the number words 1-99 inside figures);
- **lower-case sentence starts**: at least :data:`LOWER_STARTS` sentences, and
  :data:`LOWER_SHARE` of all, begin in lower case after a full stop (a spinner writing its
  replacements in lower case, sentence-initial words included).

Measured (``python -m bench.quality.spun_refs``): none of 44,700 clean references
(Reuters stories, Wikipedia chunks) marked; spinner W's heavy proxy copies 53-58% marked,
its light copies ~4% (a light spinner that leaves figures and capitals alone leaves no
mark this check can see: such copies are caught, if at all, when their original is indexed
first, by the twin search).

>>> spin_marks("Net profit rose to 19.6 mln dlrs. Sales rose 6.nine pct.")
SpinMarks(hybrids=1, lower_starts=0, sentences=1)
>>> looks_spun("Net profit rose to 19.6 mln dlrs, the company said.") is None
True
>>> looks_spun("Sales rose 6.nine pct.")
'a figure partly written in words (6.nine)'
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["LOWER_SHARE", "LOWER_STARTS", "SpinMarks", "looks_spun", "spin_marks"]

#: Lower-case sentence starts that mark a text (with :data:`LOWER_SHARE`)...
LOWER_STARTS = 6
#: ...and the share of its sentence starts they must be.
LOWER_SHARE = 0.3

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety"
)
_HYBRID = re.compile(
    rf"(?<![\w.,])(?:\d+[.,](?:{_NUMBER_WORDS})|(?:{_NUMBER_WORDS})[.,]\d+)(?![\w])",
    re.IGNORECASE,
)
_MAYBE_HYBRID = re.compile(r"\d[.,][a-zA-Z]|[a-zA-Z][.,]\d")  # cheap: most texts have none
# a sentence end: a lower-case word of 3+ letters and a full stop (not "U.S.", "Corp.",
# "etc." below), then the next sentence's first word of 2+ letters
_BOUNDARY = re.compile(r"\b([a-z]{3,})[.!?]\s+([A-Za-z]{2,})")
_ABBREVIATIONS = frozenset(
    ("etc", "viz", "resp", "approx", "incl", "esp", "dept", "govt", "vol", "vols", "est")
    + ("misc", "sec", "med", "dom", "lit", "univ", "nat", "rer", "prod")
)


class SpinMarks(NamedTuple):
    """What :func:`spin_marks` counted in a text."""

    hybrids: int
    lower_starts: int
    sentences: int


def spin_marks(text: str) -> SpinMarks:
    """Count a text's number hybrids, its lower-case sentence starts and its sentence
    starts after a full stop (see the module's docstring)."""
    hybrids = sum(1 for _ in _HYBRID.finditer(text)) if _MAYBE_HYBRID.search(text) else 0
    lower = sentences = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(1) in _ABBREVIATIONS:
            continue
        sentences += 1
        lower += m.group(2)[0].islower()
    return SpinMarks(hybrids, lower, sentences)


def looks_spun(text: str) -> str | None:
    """Why ``text`` looks spun (one phrase, for a message), or None when it carries no mark."""
    hybrid = _HYBRID.search(text) if _MAYBE_HYBRID.search(text) else None
    if hybrid is not None:
        return f"a figure partly written in words ({hybrid.group(0)})"
    marks = spin_marks(text)
    if marks.lower_starts >= LOWER_STARTS and marks.lower_starts >= LOWER_SHARE * marks.sentences:
        return f"{marks.lower_starts} of {marks.sentences} sentences start in lower case"
    return None
