"""Verify a candidate by alignment: is the text a spun copy of the reference, a clean version
of it, or another story?

Both texts are read with number words as digits (a heavy spinner writes "19" as "nineteen",
"6.9" as "6.nine") and a capital at each sentence start (it writes a swapped first word in
lower case, which would join two sentences), then aligned sentence by sentence, each
reference sentence kept for the text's sentence most like it. In the aligned sentences:

- *swaps* are the word changes a spinner makes (one to four words a side, letters only);
- *edits* are the changes an editor makes: words put in or left out ("said" -> "said on
  Friday"), spellings ("stabilise" -> "stabilize", a typo fixed);
- *changed facts* are stretches where a figure became another figure, a name became one
  the reference never uses, or a figure or name was put in or left out. A spinner writes
  dictionary words: it invents no figure or capitalised name (what it swaps it writes in
  lower case, so "Dollar" -> "buck" is a swap; "U.S." for "United States" is the
  reference's own initials; in "London-primarily based" the name is the reference's).
  Stories told with one template ("Shr 12 cts vs 10 cts") differ in exactly those.

The text is another story when too little of either text is aligned (:data:`MIN_COVERAGE`)
or its changed facts are too many (:data:`MAX_CHANGED_FACTS`). It is a clean version (the
reference itself, cut, edited, a word fixed) when its edits and changed facts are three
quarters as many as its swaps or more (an editor's version of a story changes wording about
as often as it swaps a word) or its swaps are too few; else a spun copy: :data:`MIN_SWAPS`
swaps, :data:`MIN_SWAP_SHARE` of its aligned words, or one swap the language model finds
much worse than the reference's words (:data:`LONE_SWAP_GAIN`: a spinner's odd pick, where
an editor's change of one word is as fluent as what it replaced).

>>> ref = ("Acme Corp said its net profit rose to 12 mln dlrs in 1986. "
...        "The company said sales in the United States grew strongly last year.")
>>> verify("acme Corp stated its internet benefit rose to twelve mln dlrs in 1986. "
...        "The corporate said gross sales in the U.S. grew strongly final year.", ref).kind
'spun'
>>> verify(ref, ref).kind
'clean'
>>> print(verify("Bolt Inc said its net profit rose to 15 mln dlrs in 1985. "
...        "The company said sales in the United States grew strongly last year.", ref).kind)
None
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from rapidfuzz.distance import OSA, Levenshtein

from ..text.tokens import Token, lm_token
from .align import (
    MAX_PHRASE,
    Alignment,
    Prepared,
    Sentence,
    Substitution,
    _initial,
    align,
    prepare,
    word_blocks,
)
from .fingerprint import COMMON_ZIPF, canonical_numbers, common_words

__all__ = [
    "LONE_SWAP_GAIN",
    "MAX_CHANGED_FACTS",
    "MIN_COVERAGE",
    "MIN_SWAPS",
    "MIN_SWAP_SHARE",
    "Evidence",
    "Verdict",
    "evidence",
    "one_to_one",
    "prepare_copy",
    "prepare_text",
    "verify",
]

#: Share of the larger of the two texts' words that must lie in aligned sentences (true
#: copies: 99% above 0.83 on the reference benchmark; look-alike stories mostly under 0.5).
MIN_COVERAGE = 0.6
#: Changed facts per aligned word above which two texts tell different stories (true
#: copies: 99% under 0.011; template look-alikes 0.05-0.15).
MAX_CHANGED_FACTS = 0.02
#: Swaps, and swaps per aligned word, from which a text is a spun copy.
MIN_SWAPS = 2
MIN_SWAP_SHARE = 0.005
#: log10 gain of the reference's words over the text's, in context, from which a single
#: swap is a spinner's (a cut reference can share only a sentence or two with a light copy).
LONE_SWAP_GAIN = 1.0
#: Edits and changed facts per swap from which a text is an editor's version, not a spun
#: copy (tune set: spinner W's copies at most 0.5, 99% under 0.2; its heavy proxy's at most
#: 0.29; Reuters versions of one story, both ways: 19 of 66 at 0.75 or more).
EDITS_PER_SWAP = 0.75
#: Similarity of two spellings (normalized Levenshtein) from which a change is a spelling.
SPELLING = 0.75
_CONTEXT = 2  # words each side of a swap the language model reads


class Evidence(NamedTuple):
    """What an alignment shows: the text's ``words`` in aligned sentences, ``equal`` tokens
    among them, its ``swaps``, ``edits``, ``changed_facts``, the alignment's ``coverage``,
    the aligned ``sentences`` and, for a single swap, its language-model ``gain``."""

    words: int
    equal: int
    swaps: int
    edits: int
    changed_facts: int
    coverage: float
    sentences: int
    gain: float = 0.0

    def kind(self, min_coverage: float = MIN_COVERAGE) -> str | None:
        """``spun``, ``clean`` or None (another story), by the module's rules.

        >>> copy, same = Evidence(300, 240, 20, 2, 1, 0.9, 12), Evidence(300, 300, 0, 0, 0, 1.0, 12)
        >>> copy.kind(), same.kind()
        ('spun', 'clean')
        >>> other, edited = copy._replace(changed_facts=9), Evidence(300, 280, 6, 4, 2, 1.0, 12)
        >>> other.kind() is None, edited.kind()
        (True, 'clean')
        """
        if self.coverage < min_coverage or self.sentences == 0:
            return None
        words = max(self.words, 1)
        if self.changed_facts / words > MAX_CHANGED_FACTS:
            return None
        if self.edits + self.changed_facts >= EDITS_PER_SWAP * self.swaps:
            return "clean"
        if self.swaps >= MIN_SWAPS and self.swaps / words >= MIN_SWAP_SHARE:
            return "spun"
        if self.swaps == 1 and self.gain >= LONE_SWAP_GAIN:
            return "spun"
        return "clean"


class Verdict(NamedTuple):
    """A candidate verified: ``kind`` (``spun``, ``clean`` or None), the evidence and the
    alignment of the text (``alignment.spun``) with the reference (``alignment.clean``)."""

    kind: str | None
    evidence: Evidence
    alignment: Alignment


_ENDINGS = frozenset(".!?\"')]\u201d\u2019")
_LOWER_START = re.compile(r"([.!?][\"')\]]*[ \t]+)([a-z])")


def prepare_text(text: str) -> Prepared:
    """A text read for verification: number words as digits, split into sentences as
    :func:`prepare_copy` splits them.

    >>> [s.keys for s in prepare_text("Sales rose six pct. the firm gained.").sentences]
    [('sales', 'rose', '6', 'pct', '.'), ('the', 'firm', 'gained', '.')]
    """
    return prepare_copy(canonical_numbers(text))


def prepare_copy(text: str) -> Prepared:
    """``text`` split into sentences as if each began with a capital (a heavy spinner writes
    a swapped first word in lower case, which would join two sentences into one); its bytes
    and offsets are kept, so edits read off an alignment apply to it.

    >>> p = prepare_copy("Sales rose. the firm gained.")
    >>> len(p.sentences), p.text[12:15]
    (2, 'the')
    """
    split = prepare(_LOWER_START.sub(lambda m: m.group(1) + m.group(2).upper(), text))
    return Prepared(text, split.sentences, split.words)


def verify(text: str | Prepared, reference: str | Prepared, lm: Any = None) -> Verdict:
    """Verify ``text`` against a ``reference`` trusted to be clean (see the module). Either
    may be given prepared (:func:`prepare_text`); ``lm`` (:func:`unspin.models.lm.load_lm`)
    weighs a single swap, without it one swap is never enough."""
    if isinstance(text, str):
        text = prepare_text(text)
    if isinstance(reference, str):
        reference = prepare_text(reference)
    alignment = one_to_one(align(text, reference))
    found = evidence(alignment)
    if len(alignment.pairs) < _min_sentences(text, reference):
        found = found._replace(sentences=0)
    if found.swaps == 1 and lm is not None:
        found = found._replace(gain=_swap_gain(alignment, lm))
    return Verdict(found.kind(), found, alignment)


def evidence(alignment: Alignment) -> Evidence:
    """Count an alignment of a text (``alignment.spun``) with a reference (``.clean``).

    >>> from unspin.twins.align import align_texts
    >>> a = align_texts("Shr 12 cts vs 11 cts. Net rose.", "Shr 15 cts vs 11 cts. Net rose.")
    >>> evidence(a)[:5]
    (6, 6, 0, 0, 1)
    """
    known = {
        p.lower() for s in alignment.clean.sentences for t in s.tokens for p in t.text.split("-")
    }
    words = equal = facts = 0
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        words += s.words
        equal += len(s.keys)
        for block in word_blocks(s.code, c.code):
            equal -= block[1] - block[0]
            facts += _changed_fact(s, c, block, known)
    subs = alignment.substitutions()
    swaps = sum(_swap(sub) for sub in subs)
    return Evidence(
        words, equal, swaps, len(subs) - swaps, facts, alignment.coverage, len(alignment.pairs)
    )


def one_to_one(alignment: Alignment) -> Alignment:
    """The alignment with each reference sentence kept for its most similar sentence only
    (a story repeats its sentence patterns, "The notes are non-callable for five years", so
    a copy's sentences past the end of a cut reference would otherwise pair with
    look-alikes), and its coverage counted without the reference's last sentence if that
    one is unfinished (a reference cut inside a sentence: its copy goes on, and their
    sentences differ too much to align).

    >>> from unspin.twins.align import align_texts
    >>> a = align_texts("Net rose 5 pct. Net rose 7 pct in May.", "Net rose 5 pct.", 0.3)
    >>> len(a.pairs), len(one_to_one(a).pairs)
    (2, 1)
    """
    best: dict[int, tuple[int, int, float]] = {}
    for i, j, similarity in alignment.pairs:
        if j not in best or similarity > best[j][2]:
            best[j] = (i, j, similarity)
    pairs = tuple(sorted(best.values()))
    spun, clean = alignment.spun, alignment.clean
    clean_total = clean.words
    last = len(clean.sentences) - 1
    if last > 0 and last not in best and not _finished(clean.sentences[last]):
        clean_total -= clean.sentences[last].words
    spun_words = sum(spun.sentences[i].words for i, _, _ in pairs)
    clean_words = sum(clean.sentences[j].words for _, j, _ in pairs)
    coverage = max(spun_words / max(spun.words, 1), clean_words / max(clean_total, 1))
    return Alignment(spun, clean, pairs, round(min(coverage, 1.0), 4))


def _finished(sentence: Sentence) -> bool:
    """Whether a sentence ends as sentences do (a stop, a closing quote or bracket)."""
    return bool(sentence.tokens) and sentence.tokens[-1].text[-1:] in _ENDINGS


def _swap(sub: Substitution) -> bool:
    """Whether a substitution is a word swap, not an edit. An edit leaves words of the
    reference out ("said on Friday" -> "said") or changes a spelling ("stabilize" ->
    "stabilise", a typo); a spinner's phrase may hold the word it replaces ("court" ->
    "court docket"), so words put in are a swap."""
    spun, original = sub.spun, sub.original.lower()
    if set(spun.split()) <= set(original.split()):
        return False
    return not _spelling(spun, original)


def _spelling(a: str, b: str) -> bool:
    """Whether two single words of four letters or more are one spelled two ways."""
    if " " in a or " " in b or min(len(a), len(b)) < 4:
        return False
    return OSA.distance(a, b) <= 1 or Levenshtein.normalized_similarity(a, b) >= SPELLING


def _names(tokens: tuple[Token, ...], a: int, b: int) -> list[str]:
    """Capitalised words of ``tokens[a:b]`` that do not start their sentence."""
    return [
        tokens[i].text
        for i in range(a, b)
        if tokens[i].kind == "word" and tokens[i].text[:1].isupper() and not _initial(tokens, i)
    ]


def _new_name(name: str, known: set[str], initials: str) -> bool:
    """Whether ``name`` is one the reference never uses: a capitalised part of it unknown
    (``known``: the reference's words, lower case) and no common English word (a heavy
    spinner may write a dictionary word with a capital: "Trade" -> "Industry"), and not the
    initials of the names it replaces ("U.S." for "United States")."""
    letters = "".join(c for c in name if c.isalpha())
    if letters.isupper() and len(letters) > 1 and letters in initials:
        return False
    common = common_words(COMMON_ZIPF)
    return any(
        p[:1].isupper() and p.lower() not in known and p.lower() not in common
        for p in name.split("-")
    )


def _changed_fact(
    s: Sentence, c: Sentence, block: tuple[int, int, int, int], known: set[str]
) -> bool:
    """Whether a changed block changes a fact: a figure that became another, a name that
    became one the reference never uses, or a figure or name put in or left out (a short
    stretch: a long one is a cut or a joined sentence)."""
    a1, a2, b1, b2 = block
    figures = {t.text for t in s.tokens[a1:a2] if t.kind == "num"}
    theirs = {t.text for t in c.tokens[b1:b2] if t.kind == "num"}
    if figures and theirs and figures != theirs:
        return True
    names, replaced = _names(s.tokens, a1, a2), _names(c.tokens, b1, b2)
    if a1 == a2 or b1 == b2:
        stretch = max(a2 - a1, b2 - b1)
        return stretch <= MAX_PHRASE and bool(figures or theirs or names or replaced)
    if not replaced:
        return False
    initials = "".join(n[0] for n in replaced).upper()
    return any(_new_name(n, known, initials) for n in names)


def _swap_gain(alignment: Alignment, lm: Any) -> float:
    """The largest log10 gain, in context, of the reference's words over the text's at a
    changed block that is a word swap."""
    best = 0.0
    for s, c, (a1, a2, b1, b2) in alignment.blocks():
        if not (0 < a2 - a1 <= MAX_PHRASE and 0 < b2 - b1 <= MAX_PHRASE):
            continue
        if any(t.kind == "punct" for t in s.tokens[a1:a2] + c.tokens[b1:b2]):
            continue
        sw, cw = [lm_token(t) for t in s.tokens], [lm_token(t) for t in c.tokens]
        if not _swap(Substitution(" ".join(sw[a1:a2]), " ".join(cw[b1:b2]))):
            continue
        ours = lm.score_span(sw[max(0, a1 - _CONTEXT) : a1], sw[a1:a2], sw[a2 : a2 + _CONTEXT])
        theirs = lm.score_span(cw[max(0, b1 - _CONTEXT) : b1], cw[b1:b2], cw[b2 : b2 + _CONTEXT])
        best = max(best, theirs - ours)
    return round(best, 3)


def _min_sentences(a: Prepared, b: Prepared) -> int:
    """Aligned sentences two versions of one story share: two, unless one has two or fewer."""
    return 1 if min(len(a.sentences), len(b.sentences)) <= 2 else 2
