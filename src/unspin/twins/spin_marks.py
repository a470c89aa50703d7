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

Measured (``python -m bench.quality.spun_refs``, ~60 microseconds a reference): none of
the 44,885 clean references of the benchmark's two reference sets (Reuters stories,
Wikipedia chunks) marked; spinner W's heavy proxy copies 55.2% marked (1,067 of 2,038 by
hybrids, 57 more by lower-case starts), its light copies 3.9% (all hybrids). A light
spinner that leaves figures and capitals alone leaves no mark this check can see (seeds
000 and 004 pass it). :data:`LOWER_STARTS` is the lowest count at which no clean
reference is marked (at 5, one: a Wikipedia chunk quoting an 1805 journal written in lower
case); the check was not tuned on any other figure.

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

_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "  # noqa: SIM905
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety".split()
)
# a stop or comma inside a token ("19.6", "6.nine", "U.S"): rare in prose, so cheap to find
_JOINED = re.compile(r"[.,](\w+)")
_WORD_END = re.compile(r"\w+$")
# a sentence end: a full stop after a lower-case word of 3+ letters (not "U.S.", "Corp.",
# "etc." below), then the next sentence's first word of 2+ letters (the regex starts at the
# stop, so that it is cheap; the word before is checked by hand)
_BOUNDARY = re.compile(r"[.!?]\s+([A-Za-z])[A-Za-z]")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
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
    return SpinMarks(len(_hybrids(text)), *_starts(text))


def _starts(text: str) -> tuple[int, int]:
    """Lower-case sentence starts after a full stop, and all sentence starts after one."""
    lower = sentences = 0
    for m in _BOUNDARY.finditer(text):
        end = start = m.start()
        while start > 0 and text[start - 1] in _LOWER:
            start -= 1
        if end - start < 3 or (start > 0 and text[start - 1].isalnum()):
            continue
        if text[start:end] in _ABBREVIATIONS:
            continue
        sentences += 1
        lower += m.group(1).islower()
    return lower, sentences


def _hybrids(text: str, first: bool = False) -> list[str]:
    """The number hybrids of ``text`` (only the first with ``first``)."""
    found = []
    for m in _JOINED.finditer(text):
        left = _WORD_END.search(text, max(0, m.start() - 12), m.start())
        if left is None or left.start() > 0 and text[left.start() - 1] in ".,":
            continue  # "1.2.three": a version number, not a figure
        before, after = left.group(0), m.group(1)
        if (before.isdigit() and after.lower() in _NUMBER_WORDS) or (
            after.isdigit() and before.lower() in _NUMBER_WORDS
        ):
            found.append(f"{before}{text[m.start()]}{after}")
            if first:
                break
    return found


def looks_spun(text: str) -> str | None:
    """Why ``text`` looks spun (one phrase, for a message), or None when it carries no mark."""
    hybrids = _hybrids(text, first=True)
    if hybrids:
        return f"a figure partly written in words ({hybrids[0]})"
    lower, sentences = _starts(text)
    if lower >= LOWER_STARTS and lower >= LOWER_SHARE * sentences:
        return f"{lower} of {sentences} sentences start in lower case"
    return None
