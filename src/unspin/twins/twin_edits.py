"""A spun copy's edits from its original ("twin"): the stretch of the copy the twin covers
takes the twin's words, spacing and case exactly.

The sentences the two share (:func:`unspin.twins.align.align`, similarity
:data:`MIN_ANCHOR_SIMILARITY`) are anchors; a monotone chain of them (the copy's order)
marks where the covered stretch begins and ends, and a neighbouring sentence pair at
either end joins it when still :data:`EDGE_SIMILARITY` alike. The whole stretch is then
aligned word by word as one sequence, so a heavily spun sentence between two anchors
(below any sentence threshold), or one the spinner ran together with the next ("last
year. again it seems", no capital), is restored too. A changed block longer than
:data:`MAX_TWIN_BLOCK` words a side is left as it is (a passage the copy has and the twin
does not, or the reverse, is no spinner's swap), and so is one that puts in or takes out
more than :data:`MAX_ONE_SIDED` words or a line break. A twin cut inside its last sentence says
nothing past the cut.

>>> from unspin.twins.align import align, prepare
>>> from unspin.restore.api import apply_edits
>>> original = ("The lawyers told a federal judge on Friday that the company would appeal. "
...     "The judge said she would rule next week.")
>>> copy = ("Posted by admin\\n\\nThe attorneys advised a federal choose on Friday that "
...     "the corporate would appeal. the choose stated she would rule subsequent week.")
>>> done = twin_edits(align(prepare(copy), prepare(original)), "a")
>>> print(apply_edits(copy, done.edits))
Posted by admin
<BLANKLINE>
The lawyers told a federal judge on Friday that the company would appeal. The judge said ...
>>> done.covered == [(17, len(copy))], done.whole
(True, True)
"""

from __future__ import annotations

from typing import NamedTuple

from ..restore.api import Edit
from ..text.tokens import Token
from .align import Alignment, Prepared, Sentence, word_blocks

__all__ = [
    "EDGE_SIMILARITY",
    "MAX_ONE_SIDED",
    "MAX_TWIN_BLOCK",
    "MIN_ANCHOR_SIMILARITY",
    "MIN_EDGE_WORDS",
    "TwinEdits",
    "twin_edits",
    "uncovered",
]

#: Sentence pairs at least this alike anchor the covered stretch (``align``'s own floor).
MIN_ANCHOR_SIMILARITY = 0.5
#: A sentence pair next to the first (last) anchor joins the stretch at this similarity.
EDGE_SIMILARITY = 0.3
#: Changed blocks longer than this (words, either side) are not the spinner's: left alone.
#: Spinner W's dev stories 300-699 (whole twins, errors undone from the twin alone, light /
#: heavy): 6 words 99.75 / 98.56%, 10: 99.86 / 99.12%, 12: 99.86 / 99.03%, 24: 99.61 /
#: 98.64%, no limit (stories 0-299) 97.71 / 97.77%; 12 leaves room for a heavier spinner's
#: longer runs of neighbouring swaps.
MAX_TWIN_BLOCK = 12
#: Words one side of a changed block may have when the other has none: a longer run the
#: copy has and the twin not (or the reverse) is the other version's, no spinner's swap
#: (seed 000 against 001: "Asked for touch upon the lawsuit" made "the lawsuit").
MAX_ONE_SIDED = 2
#: Words before the covered stretch (after it) from which they are more of the story (the
#: twin is part of it), not the copy's own header (footer).
MIN_EDGE_WORDS = 50

_ENDS = frozenset({".", "!", "?", '"', "'", "”", "’", ")"})


class TwinEdits(NamedTuple):
    """The twin's edits of the copy, the character spans of the copy it covers, and
    whether the twin looks whole (its last sentence is covered and ends a sentence)."""

    edits: list[Edit]
    covered: list[tuple[int, int]]
    whole: bool


def _anchors(alignment: Alignment, least: float) -> list[tuple[int, int]]:
    """The heaviest chain of sentence pairs in the order of both texts (weight: similarity
    times the copy sentence's words)."""
    pairs = sorted((i, j, s) for i, j, s in alignment.pairs if s >= least)
    best: list[tuple[float, int]] = []  # (chain weight ending here, previous index)
    for k, (i, j, s) in enumerate(pairs):
        weight = s * max(alignment.spun.sentences[i].words, 1)
        entry = (weight, -1)
        for m in range(k):
            pi, pj, _ = pairs[m]
            if pi < i and pj < j and best[m][0] + weight > entry[0]:
                entry = (best[m][0] + weight, m)
        best.append(entry)
    if not best:
        return []
    k = max(range(len(best)), key=lambda n: best[n][0])
    chain = []
    while k >= 0:
        chain.append(pairs[k][:2])
        k = best[k][1]
    return chain[::-1]


def _similar(a: Sentence, b: Sentence) -> float:
    from rapidfuzz.distance import Indel

    return float(Indel.normalized_similarity(a.code, b.code))


def _stretch(
    copy: Prepared, twin: Prepared, chain: list[tuple[int, int]], edge: float
) -> tuple[int, int, int, int]:
    """The chain's first and last sentences, widened by alike neighbours:
    ``(copy first, copy last, twin first, twin last)``."""
    (i0, j0), (i1, j1) = chain[0], chain[-1]
    while i0 > 0 and j0 > 0 and _similar(copy.sentences[i0 - 1], twin.sentences[j0 - 1]) >= edge:
        i0, j0 = i0 - 1, j0 - 1
    while (
        i1 + 1 < len(copy.sentences)
        and j1 + 1 < len(twin.sentences)
        and _similar(copy.sentences[i1 + 1], twin.sentences[j1 + 1]) >= edge
    ):
        i1, j1 = i1 + 1, j1 + 1
    return i0, i1, j0, j1


def twin_edits(
    alignment: Alignment,
    twin_id: str,
    *,
    anchor: float = MIN_ANCHOR_SIMILARITY,
    edge: float = EDGE_SIMILARITY,
    max_block: int = MAX_TWIN_BLOCK,
) -> TwinEdits:
    """Edits of ``alignment.spun.text`` that give the stretch its twin
    (``alignment.clean``) covers the twin's words (source ``twin:<twin_id>``), with the
    covered span and whether the twin looks whole. No anchor: no edits, nothing covered."""
    copy, twin = alignment.spun, alignment.clean
    chain = _anchors(alignment, anchor)
    if not chain:
        return TwinEdits([], [], False)
    i0, i1, j0, j1 = _stretch(copy, twin, chain, edge)
    i0, i1, j0, j1 = _joined(copy, twin, i0, i1, j0, j1)
    st, ct, blocks = _diff(copy, twin, i0, i1, j0, j1)
    begin, cut = 0, len(st)  # copy tokens the twin speaks for: [begin, cut)
    if blocks and _head(blocks[0]):
        begin = blocks[0][1]  # the copy's own words before the twin's first
    last = len(twin.sentences) - 1
    ends = ct[-1].text in _ENDS
    cut_twin = j1 == last and not ends and bool(blocks) and blocks[-1][3] == len(ct)
    if blocks and (_tail(blocks[-1], st, ct) or cut_twin):
        # the copy's own words after the twin's last, or the twin was cut inside its last
        # sentence: what follows in the copy is not the twin's to say
        cut = blocks[-1][0]
    if cut <= begin:
        return TwinEdits([], [], False)
    start_of_cover = st[begin].start
    end_of_cover = st[cut - 1].end
    text, original, source = copy.text, twin.text, f"twin:{twin_id}"
    edits: list[Edit] = []
    done = 0  # copy tokens before this one are settled
    for a1, a2, b1, b2 in [*blocks, (len(st), len(st), len(ct), len(ct))]:
        # unchanged words take the twin's case and spelling (a heavy spinner writes its
        # swaps in lower case: "the corporate" for "The company")
        for a in range(max(done, begin), min(a1, cut)):
            twin_token = ct[a + b1 - a1]
            if st[a].text != twin_token.text and not _starts_only_there(
                text, st[a].start, original, twin_token.start
            ):
                edits.append(Edit(st[a].start, st[a].end, st[a].text, twin_token.text, 1.0, source))
        done = a2
        if a1 >= cut or a2 <= begin or max(a2 - a1, b2 - b1) > max_block:
            continue
        start = st[a1 - 1].end if a1 > 0 else st[0].start
        end = st[a2].start if a2 < len(st) else st[-1].end
        o_start = ct[b1 - 1].end if b1 > 0 else ct[0].start
        o_end = ct[b2].start if b2 < len(ct) else ct[-1].end
        found, restored = text[start:end], original[o_start:o_end]
        if min(a2 - a1, b2 - b1) == 0 and max(a2 - a1, b2 - b1) > MAX_ONE_SIDED:
            continue
        if found.count("\n") != restored.count("\n"):
            continue  # a spinner keeps the copy's lines and paragraphs
        if found != restored:
            edits.append(Edit(start, end, found, restored, 1.0, source))
    whole = j1 == last and ends and cut == len(st)
    covered = [(start_of_cover, end_of_cover)]
    return TwinEdits(sorted(edits, key=lambda e: e.start), covered, whole)


def _sentence_start(text: str, at: int) -> bool:
    """Whether the word at ``at`` starts a sentence or a line (what precedes it, but for
    spaces and opening quotes, is a sentence end, a line break or nothing)."""
    before = text[:at].rstrip(" \t\"'“‘(")
    return not before or before[-1] in '\n.!?:"”’)'


def _starts_only_there(text: str, at: int, original: str, twin_at: int) -> bool:
    """Whether the twin capitalises the word only because it starts a sentence there and
    the copy's word starts none (another version's sentence break is not the spinner's)."""
    word, twin_word = text[at : at + 1], original[twin_at : twin_at + 1]
    return (
        word.islower()
        and twin_word.isupper()
        and _sentence_start(original, twin_at)
        and not _sentence_start(text, at)
    )


def _diff(
    copy: Prepared, twin: Prepared, i0: int, i1: int, j0: int, j1: int
) -> tuple[list[Token], list[Token], list[tuple[int, int, int, int]]]:
    """The tokens of copy sentences ``i0..i1`` and twin sentences ``j0..j1`` and their
    changed blocks, word by word."""
    st = [t for s in copy.sentences[i0 : i1 + 1] for t in s.tokens]
    ct = [t for s in twin.sentences[j0 : j1 + 1] for t in s.tokens]
    s_code = "".join(s.code for s in copy.sentences[i0 : i1 + 1])
    c_code = "".join(s.code for s in twin.sentences[j0 : j1 + 1])
    return st, ct, word_blocks(s_code, c_code)


def _tail(block: tuple[int, int, int, int], st: list[Token], ct: list[Token]) -> bool:
    """A block of copy words only at the end of both stretches (but for one closing
    token both share)."""
    a1, a2, b1, b2 = block
    return a2 > a1 and b1 == b2 and len(st) - a2 == len(ct) - b2 <= 1


def _head(block: tuple[int, int, int, int]) -> bool:
    """A block of copy words only at the start of both stretches (but for one opening
    token both share)."""
    a1, a2, b1, b2 = block
    return a2 > a1 and b1 == b2 and a1 == b1 <= 1


def _distance(copy: Prepared, twin: Prepared, i0: int, i1: int, j0: int, j1: int) -> int:
    from rapidfuzz.distance import Levenshtein

    s_code = "".join(s.code for s in copy.sentences[i0 : i1 + 1])
    c_code = "".join(s.code for s in twin.sentences[j0 : j1 + 1])
    return int(Levenshtein.distance(s_code, c_code))


def _joined(
    copy: Prepared, twin: Prepared, i0: int, i1: int, j0: int, j1: int
) -> tuple[int, int, int, int]:
    """The stretch widened by a sentence at either end of either text while that brings
    the two closer word by word: the spinner ran two of the twin's sentences together
    ("appeal. the choose said", no capital, is one sentence), or split one."""
    best = _distance(copy, twin, i0, i1, j0, j1)
    moved = True
    while moved:
        moved = False
        for wider in (
            (i0, i1, j0, j1 + 1),
            (i0, i1 + 1, j0, j1),
            (i0, i1, j0 - 1, j1),
            (i0 - 1, i1, j0, j1),
        ):
            a0, a1, b0, b1 = wider
            if a0 < 0 or b0 < 0 or a1 >= len(copy.sentences) or b1 >= len(twin.sentences):
                continue
            distance = _distance(copy, twin, *wider)
            if distance < best:
                best, (i0, i1, j0, j1), moved = distance, wider, True
    return i0, i1, j0, j1


def uncovered(twin: TwinEdits, text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` left to a table beside the twin's edits: what lies before the
    covered stretch when that is :data:`MIN_EDGE_WORDS` words or more (shorter, it is the
    copy's own header), and what follows it, unless the twin is whole and that is short
    (the copy's own footer). All of ``text`` when nothing is covered.

    >>> uncovered(TwinEdits([], [(10, 20)], True), "header: x " + "y" * 10 + " the rest")
    []
    >>> uncovered(TwinEdits([], [(10, 20)], False), "header: x " + "y" * 10 + " the rest")
    [(20, 29)]
    """
    if not twin.covered:
        return [(0, len(text))]
    head, tail = twin.covered[0][0], twin.covered[-1][1]
    spans = []
    if len(text[:head].split()) >= MIN_EDGE_WORDS:
        spans.append((0, head))
    after = len(text[tail:].split())
    if after and (not twin.whole or after >= MIN_EDGE_WORDS):
        spans.append((tail, len(text)))
    return spans
