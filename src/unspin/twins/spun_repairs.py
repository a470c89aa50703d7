"""Two repairs for text known to be spun, that no table row can make: figures a heavy
spinner broke into words, and sentences it left starting in lower case.

A heavy spinner's number lines ("78|seventy eight") reach into figures: "6.9" comes out
"6.nine", "5.93" "five.ninety three", "50,000" "fifty,000". No clean text writes a figure
so, and the spelled parts go back to digits (:func:`figure_edits`).

It also writes its swaps in its dictionary's lower case: "The company said" becomes "the
corporate stated". Where a sentence of a spun text has edits and starts in lower case, its
first letter goes back to a capital (:func:`capitalised`). Only sentences that get edits
are touched: a sentence the tables left alone keeps its case.

>>> figure_edits("at five.ninety three mln against 6.nine, from fifty,000 dlrs")[0][2:4]
('five.ninety three', '5.93')
>>> from unspin.restore.api import apply_edits
>>> text = "the corporate stated it would appeal."
>>> print(apply_edits(text, capitalised(text, [Edit(4, 13, "corporate", "company", 1, "t")])))
The company stated it would appeal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from ..restore.api import Edit

__all__ = [
    "MIN_NAME_COUNT",
    "MIN_NAME_SHARE",
    "capitalised",
    "figure_edits",
    "name_case_edits",
    "lowered_names",
    "names_in",
    "spelled_value",
]

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_VALUES = {w: k + 1 for k, w in enumerate(_UNITS)} | {w: k + 10 for k, w in enumerate(_TEENS)}
_VALUES |= {w: 20 + 10 * k for k, w in enumerate(_TENS)} | {"zero": 0}
_SPELLED = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[ -](?:{'|'.join(_UNITS)}))?"
    rf"|{'|'.join(_TEENS)}|{'|'.join(_UNITS)}|zero)"
)
_PART = rf"(?:\d+|{_SPELLED})"
# a figure: parts joined by . , : or / with no space, at least one part spelled
_FIGURE = re.compile(rf"(?<![\w.,]){_PART}(?:[.,:/]{_PART})+(?![\w])", re.IGNORECASE)
_SPELLED_RE = re.compile(_SPELLED, re.IGNORECASE)


def spelled_value(words: str) -> int | None:
    """The value of a spelled number from zero to ninety-nine, else None.

    >>> spelled_value("ninety three"), spelled_value("Seventy-Five"), spelled_value("hundred")
    (93, 75, None)
    """
    parts = re.split(r"[ -]", words.lower())
    if not all(p in _VALUES for p in parts) or len(parts) > 2:
        return None
    if len(parts) == 2 and not (parts[0] in _TENS and parts[1] in _UNITS):
        return None
    return sum(_VALUES[p] for p in parts)


def figure_edits(text: str, source: str = "figure") -> list[Edit]:
    """Edits putting digits back into figures whose parts were spelled out
    ("6.nine" -> "6.9", "fifty,000" -> "50,000"); a figure without a spelled part, or
    with a spelled part that is not a number below a hundred, is left alone."""
    edits = []
    for m in _FIGURE.finditer(text):
        found = m.group()
        if not _SPELLED_RE.search(found):
            continue
        restored = _SPELLED_RE.sub(lambda s: str(spelled_value(s.group())), found)
        if restored != found and "None" not in restored:
            edits.append(Edit(m.start(), m.end(), found, restored, 1.0, source))
    return edits


# a sentence starts at the text's start, after a line break, or after . ! ? and a space,
# past opening quotes and brackets
_STARTS = re.compile(r"(?:^|\n|(?<=[.!?])[ \t]+)[ \t]*[\"'“‘(\[]*(?=[a-z])")
# ...but not after an abbreviation ("the U.S. government", "Inc. said", "vs. 5")
_ABBREVIATED = re.compile(
    r"(?:\b[A-Za-z]|\b[A-Za-z]\.[A-Za-z]+|\b(?:[A-Z][a-z]{0,3}|vs|no|approx))\.\s*$"
)


def capitalised(
    text: str,
    edits: Sequence[Edit],
    within: Sequence[tuple[int, int]] | None = None,
    source: str = "case",
) -> list[Edit]:
    """``edits`` with the first letter of each sentence that starts in lower case and
    holds an edit made a capital: in the edit that starts it, or by an edit of its own;
    only sentences starting ``within`` these spans of ``text`` (default: anywhere)."""
    out = sorted(edits, key=lambda e: e.start)
    if not out:
        return out
    starts = [m.end() for m in _STARTS.finditer(text)]
    starts = [s for s in starts if not _ABBREVIATED.search(text[max(0, s - 12) : s])]
    if within is not None:
        starts = [s for s in starts if any(a <= s < b for a, b in within)]
    if not starts:
        return out
    ends = [*starts[1:], len(text)]
    kept = list(out)
    for start, end in zip(starts, ends, strict=True):
        inside = [e for e in out if start <= e.start < end]
        if not inside:
            continue
        first = inside[0]
        if first.start == start:
            if first.restored[:1].islower():
                fixed = first._replace(restored=first.restored[:1].upper() + first.restored[1:])
                kept[kept.index(first)] = fixed
            continue
        word = re.match(r"[a-z][\w'’-]*", text[start:])
        if word is None or any(e.start < start + word.end() for e in inside):
            continue
        found = word.group()
        kept.append(
            Edit(start, start + len(found), found, found[0].upper() + found[1:], 1.0, source)
        )
    return sorted(kept, key=lambda e: e.start)


#: A word (or two) counts as a name when clean text writes it at least this many times
#: inside sentences...
MIN_NAME_COUNT = 5
#: ...and capitalised at least this share of them ("Japanese", "New York"; not "May").
MIN_NAME_SHARE = 0.95


def names_in(texts: Iterable[str]) -> dict[tuple[str, ...], str]:
    """Words and word pairs that clean ``texts`` write capitalised inside sentences
    (:data:`MIN_NAME_COUNT`, :data:`MIN_NAME_SHARE`), by their lower-case keys.

    >>> names = names_in(["Exports to Japanese buyers rose, the New York office said."] * 5)
    >>> names[("japanese",)], names[("new", "york")], ("office",) in names
    ('Japanese', 'New York', False)
    """
    from ..text.tokens import sentence_spans, tokenize

    total: Counter[tuple[str, ...]] = Counter()
    forms: dict[tuple[str, ...], Counter[str]] = {}
    for text in texts:
        tokens = tokenize(text)
        for a, b in sentence_spans(tokens, text):
            words = [t.text for t in tokens[a + 1 : b] if t.kind == "word"]
            for n in (1, 2):
                for i in range(len(words) - n + 1):
                    form = " ".join(words[i : i + n])
                    key = tuple(form.lower().split())
                    total[key] += 1
                    if all(w[:1].isupper() for w in words[i : i + n]):
                        forms.setdefault(key, Counter())[form] += 1
    names = {}
    for key, counted in forms.items():
        form, n = counted.most_common(1)[0]
        if total[key] >= MIN_NAME_COUNT and n >= MIN_NAME_SHARE * total[key]:
            names[key] = form
    return names


def lowered_names(pairs: Iterable[tuple[str, str]]) -> set[str]:
    """Words the spinner writes in lower case where the original has a capital: written
    lower case in a copy, and in its reference only capitalised (inside sentences).

    >>> sorted(lowered_names([("the japanese office of the bank", "The Japanese office "
    ...     "of the bank"), ("March exports", "March exports")]))
    ['japanese']
    """
    from ..text.tokens import sentence_spans, tokenize

    lowered: set[str] = set()
    for copy, reference in pairs:
        tokens = tokenize(reference)
        capital: set[str] = set()
        lower: set[str] = set()
        for a, b in sentence_spans(tokens, reference):
            for t in tokens[a + 1 : b]:
                if t.kind == "word":
                    (capital if t.text[:1].isupper() else lower).add(t.text.lower())
        written = {t.text for t in tokenize(copy) if t.kind == "word" and t.text.islower()}
        lowered |= (capital - lower) & written
    return lowered


def name_case_edits(
    text: str, names: Mapping[tuple[str, ...], str], source: str = "case"
) -> list[Edit]:
    """Edits giving the words of ``text`` written all in lower case that :func:`names_in`
    found to be names their capitals (a heavy spinner writes its swaps in lower case);
    word pairs first ("united states" -> "United States")."""
    from ..text.tokens import tokenize

    words = [t for t in tokenize(text) if t.kind == "word"]
    edits: list[Edit] = []
    i = 0
    while i < len(words):
        for n in (2, 1):
            part = words[i : i + n]
            if len(part) < n or not all(t.text.islower() for t in part):
                continue
            if n == 2 and text[part[0].end : part[1].start] != " ":
                continue
            name = names.get(tuple(t.text for t in part))
            if name is not None:
                found = text[part[0].start : part[-1].end]
                edits.append(Edit(part[0].start, part[-1].end, found, name, 1.0, source))
                i += n
                break
        else:
            i += 1
    return edits
