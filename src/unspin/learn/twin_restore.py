"""Restore a spun copy from its twin in a pile (``unspin restore --pile``).

A text whose original is in the pile (:meth:`unspin.learn.match.PileIndex.twin`) is
aligned to it sentence by sentence, and each changed stretch of an aligned sentence takes
the original's words exactly (edits with source ``twin:<id>``); the copy's own lines (a
content farm's header or footer) and whatever the twin does not cover (the rest of a
story whose original was cut) are left to the ordinary restore, with a table learned from
the pile's pairs (:func:`unspin.learn.learn_table`). A text with no twin gets that table
only, and only when the pile's own gate (:mod:`unspin.learn.pile_gate`) reads it as far
more spun than the pile's originals (a pile too small for a gate asks for a spin estimate
of :data:`NO_TWIN_MIN_SPIN` instead); a clean text (an original, or a clean version of
one) comes back unchanged.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("The lawyers told a federal judge on Friday that the "
...     "company would appeal. The judge said she would rule next week.", encoding="utf-8")
>>> copy = ("Posted by admin\\n\\nThe attorneys advised a federal choose on Friday that "
...     "the corporate would appeal. The choose stated she would rule next week.")
>>> from unspin.learn.align import prepare
>>> edits, covered = twin_edits(align(prepare(copy), prepare((d / "a.txt").read_text())), "a")
>>> print(apply_edits(copy, edits))
Posted by admin
<BLANKLINE>
The lawyers told a federal judge on Friday that the company would appeal. The judge said ...
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ..options import RestoreOptions, resolve_options
from ..restore.api import Edit, Restoration, apply_edits, restore_and_explain
from .align import Alignment, align, word_blocks
from .match import PileIndex, Problem
from .pile_gate import PileGate, fit_pile_gate

__all__ = [
    "MIN_TWIN_SIMILARITY",
    "NO_TWIN_MIN_SPIN",
    "PileRestored",
    "PileRestorer",
    "twin_edits",
]

#: The spin estimate a text without a twin needs before the pile's table restores it, in a
#: pile with too few pairs for its own gate (:mod:`unspin.learn.pile_gate`; the engine's
#: default is 0.5). A table learned from a heavy spinner's pile matches ordinary words
#: too. Tuned on issue 21's tune pile (spinner W stories 0-1349) with the pile's table and
#: the n-gram spin estimate: the highest of 530 clean stories without a twin scores 0.852;
#: at 0.86 none reaches it, and the copies without a twin keep 44.7% of errors undone
#: (49.0% at 0.5, where 13 clean stories pass).
NO_TWIN_MIN_SPIN = 0.86

#: Sentence pairs less similar than this are left to the table (a loose match could copy
#: another sentence's words).
MIN_TWIN_SIMILARITY = 0.6


_ENDS = frozenset({".", "!", "?", '"', "'", "”", "’", ")"})


def twin_edits(
    alignment: Alignment, twin_id: str, min_similarity: float = MIN_TWIN_SIMILARITY
) -> tuple[list[Edit], list[tuple[int, int]]]:
    """Edits of ``alignment.spun.text`` that give each aligned sentence the original's words
    (each original sentence used once, by its most similar copy sentence), and the
    character spans of the copy those sentences cover."""
    best: dict[int, tuple[float, int]] = {}
    for i, j, similarity in alignment.pairs:
        if similarity >= min_similarity and similarity > best.get(j, (0.0, -1))[0]:
            best[j] = (similarity, i)
    text, original = alignment.spun.text, alignment.clean.text
    edits: list[Edit] = []
    covered: list[tuple[int, int]] = []
    last = len(alignment.clean.sentences) - 1
    for j, (_, i) in sorted(best.items(), key=lambda item: item[1][1]):
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        st, ct = s.tokens, c.tokens
        blocks = word_blocks(s.code, c.code)
        end_of_cover = st[-1].end
        if j == last and ct[-1].text not in _ENDS and blocks and blocks[-1][3] == len(ct):
            # the twin was cut inside this sentence: what follows in the copy is not
            # the twin's to say
            a1 = blocks.pop()[0]
            end_of_cover = st[a1 - 1].end if a1 > 0 else st[0].start
        covered.append((st[0].start, end_of_cover))
        for a1, a2, b1, b2 in blocks:
            start = st[a1 - 1].end if a1 > 0 else st[0].start
            end = st[a2].start if a2 < len(st) else st[-1].end
            o_start = ct[b1 - 1].end if b1 > 0 else ct[0].start
            o_end = ct[b2].start if b2 < len(ct) else ct[-1].end
            found, restored = text[start:end], original[o_start:o_end]
            if found != restored:
                edits.append(Edit(start, end, found, restored, 1.0, f"twin:{twin_id}"))
    return sorted(edits, key=lambda e: e.start), sorted(covered)


#: Words before the twin's first sentence (after its last) from which they are more of
#: the story (the twin is part of it), not the copy's own header (footer).
MIN_EDGE_WORDS = 50


def _outside(
    edits: Sequence[Edit], covered: Sequence[tuple[int, int]], text: str, whole: bool
) -> list[Edit]:
    """The edits to keep from the table: none in the ``covered`` spans, none before the
    first of them when that is short (the copy's own header), and none after the last
    when the twin is ``whole`` and what follows is short (the copy's own footer)."""
    if not covered:
        return list(edits)
    head, tail = covered[0][0], covered[-1][1]
    header = len(text[:head].split()) < MIN_EDGE_WORDS
    footer = whole and len(text[tail:].split()) < MIN_EDGE_WORDS
    return [
        e
        for e in edits
        if not (header and e.start < head)
        and not (footer and e.end > tail)
        and not any(e.start < b and a < e.end for a, b in covered)
    ]


def _whole(alignment: Alignment) -> bool:
    """Whether the twin looks whole: its last sentence is aligned and ends a sentence."""
    last = len(alignment.clean.sentences) - 1
    if last < 0 or all(j != last for _, j, _ in alignment.pairs):
        return False
    tokens = alignment.clean.sentences[last].tokens
    return tokens[-1].text in _ENDS


class PileRestored(NamedTuple):
    """A text restored with a pile: the restoration and how (``twin``, ``table`` or
    ``clean``), with the twin's id when there was one."""

    restoration: Restoration
    how: str
    twin: str | None = None


class PileRestorer:
    """Restores texts with a pile: indexes it (:class:`~unspin.learn.match.PileIndex`),
    learns a table from its pairs into a temporary file, then :meth:`restore` each text.

    ``options``: the restore options for what the twin does not cover (the learned table
    is added to their tables; with none given, it is the only table); a text without a
    twin also needs the pile's gate (:attr:`gate`) to admit it or, in a pile with too few
    pairs to fit one, a spin estimate of :data:`NO_TWIN_MIN_SPIN`.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        options: RestoreOptions | None = None,
        *,
        field: str = "text",
        id_field: str = "id",
        progress: bool = False,
        problem: Problem | None = None,
    ) -> None:
        from .table_file import learn_table

        self.pile = PileIndex(
            paths, field=field, id_field=id_field, progress=progress, problem=problem
        )
        self._tmp = tempfile.TemporaryDirectory(prefix="unspin-pile-")
        folder = Path(self._tmp.name)
        dump = folder / "pile.jsonl"  # the good entries only, numbered as in the index
        self.pile.dump(dump)
        self.table = folder / "pile_table.tsv"
        learn_table([dump], self.table, name="pile", progress=progress)
        self.gate: PileGate | None = self._fit_gate()
        base = resolve_options(options)
        self.options = resolve_options(base, tables=(*base.tables, self.table))
        min_spin = max(self.options.min_spin, NO_TWIN_MIN_SPIN)
        self.alone_options = resolve_options(self.options, min_spin=min_spin)

    def restore(self, text: str) -> PileRestored:
        """Restore ``text`` from its twin, with the learned table, or not at all."""
        twin = self.pile.twin(text)
        if twin.clean or not text.strip():
            return PileRestored(Restoration(text, (), self.signature), "clean")
        if twin.original is None:
            if self.gate is None:
                return PileRestored(restore_and_explain(text, self.alone_options), "table")
            if not self.gate.admits(text):
                return PileRestored(Restoration(text, (), self.signature), "table")
            return PileRestored(restore_and_explain(text, self.options), "table")
        table = restore_and_explain(text, self.options)
        twin_id = self.pile.ids[twin.original]
        from ..twins.verify import prepare_copy  # twins.verify reads learn.align

        alignment = align(prepare_copy(text), prepare_copy(self.pile.text(twin.original)))
        edits, covered = twin_edits(alignment, twin_id)
        kept = _outside(table.edits, covered, text, _whole(alignment))
        edits = sorted([*edits, *kept], key=lambda e: e.start)
        restored = Restoration(apply_edits(text, edits), tuple(edits), table.signature)
        return PileRestored(restored, "twin", twin_id)

    def _fit_gate(self) -> PileGate | None:
        """The pile's gate, from its linked copies and their originals over the learned
        table's phrases (not the clean versions of originals: some of those are copies the
        pile could not tell apart)."""
        from ..models.table import load_table

        pairs = [(e.spun, e.original) for e in load_table(self.table).entries]
        copies = sorted({e.spun for e in self.pile.edges})
        originals = sorted({e.clean for e in self.pile.edges})  # proved clean by their copies
        spun = (self.pile.text(n) for n in copies)
        clean = (self.pile.text(n) for n in originals)
        return fit_pile_gate(spun, clean, pairs)

    @property
    def signature(self) -> str:
        """The restore setup's signature (package, tables, models)."""
        from ..restore.api import signature

        return signature(self.options)

    def close(self) -> None:
        """Remove the temporary table and pile copy."""
        self._tmp.cleanup()
