"""Table rows for a spinner that spells out numbers, learned from its linked copies.

Heavy spinners carry generic number lines ("78|seventy eight"): a figure in the original
comes out spelled. The links show it (a spelled number aligned with the same value in
digits), but each value is seen a few times at most, too few for rows of their own. When
the links show the habit often enough (:data:`MIN_SIGHTINGS` over :data:`MIN_VALUES`
values), every spelled number below a hundred gets a row back to digits, with the
statistics a row learned from a pile has: ``count`` its own sightings (one for a value not
seen), ``kept`` how often the linked references write it spelled, so that
``p_restore = count / (count + kept + 1)`` keeps "one" and "two" (which clean news spells
often) low and "seventy eight" high; the language model decides each occurrence.

>>> from unspin.twins.align import align_texts
>>> pairs = [align_texts(f"It sold {w} mln shares.", f"It sold {n} mln shares.")
...          for w, n in [("seventy eight", 78), ("fifteen", 15), ("forty", 40)] * 2]
>>> rows = {e.spun: (e.original, e.count) for e in number_rows(pairs)}
>>> rows["seventy eight"], rows["ninety two"]
(('78', 2), ('92', 1))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..models.table import Entry
from .align import Alignment
from .spun_repairs import spelled_value

__all__ = ["MIN_SIGHTINGS", "MIN_VALUES", "number_rows", "spellings"]

#: Spelled numbers aligned with their digits, in all, before the habit counts as the
#: spinner's (two clean versions of a story may write one number both ways).
MIN_SIGHTINGS = 5
#: ...over this many different values.
MIN_VALUES = 3
#: Rows less sure than this are not kept (a pile's rows need as much).
MIN_P_RESTORE = 0.2

_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"]
_TEENS += ["seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spellings(value: int) -> list[str]:
    """How a number from 1 to 99 is spelled ("seventy eight", "seventy-eight").

    >>> spellings(78), spellings(13), spellings(40)
    (['seventy eight', 'seventy-eight'], ['thirteen'], ['forty'])
    """
    if value < 10:
        return [_UNITS[value]]
    if value < 20:
        return [_TEENS[value - 10]]
    tens, units = divmod(value, 10)
    if not units:
        return [_TENS[tens]]
    return [f"{_TENS[tens]} {_UNITS[units]}", f"{_TENS[tens]}-{_UNITS[units]}"]


def number_rows(alignments: Iterable[Alignment]) -> list[Entry]:
    """Rows spelled number -> digits for every number from 1 to 99, when the linked
    ``alignments`` (copy, reference) show the spinner spelling figures out; else none."""
    seen: Counter[int] = Counter()
    spelled_in_clean: Counter[str] = Counter()
    digits_in_clean: Counter[str] = Counter()
    for alignment in alignments:
        for s, c, (a1, a2, b1, b2) in alignment.blocks():
            value = spelled_value(" ".join(s.keys[a1:a2])) if a2 - a1 <= 2 else None
            if value is not None and c.keys[b1:b2] == (str(value),):
                seen[value] += 1
        for sentence in alignment.clean.sentences:
            keys = sentence.keys
            for i, key in enumerate(keys):
                digits_in_clean[key] += key.isdigit()
                for n in (1, 2):
                    spelled_in_clean[" ".join(keys[i : i + n])] += 1
    if sum(seen.values()) < MIN_SIGHTINGS or len(seen) < MIN_VALUES:
        return []
    rows = []
    for value in range(1, 100):
        count = max(seen[value], 1)
        for form in spellings(value):
            kept = spelled_in_clean[form]
            p_restore = count / (count + kept + 1)
            if p_restore < MIN_P_RESTORE:
                continue
            p_channel = min(1.0, count / (digits_in_clean[str(value)] + 1))
            rows.append(Entry(form, str(value), count, kept, p_restore, p_channel, "pile"))
    return rows
