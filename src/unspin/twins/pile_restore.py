"""Restore a spun copy from its twin in a pile (``unspin restore --pile``).

A text whose original is in the pile (:meth:`unspin.twins.match.PileIndex.twin`) takes
the original's words wherever the original covers it (edits with source ``twin:<id>``,
:func:`unspin.twins.twin_edits.twin_edits`); the copy's own lines (a content farm's header
or footer) are kept, and whatever the twin does not cover (the rest of a story whose
original was cut) is restored with a table learned from the pile's pairs
(:func:`unspin.learn.learn_table`) beside the bundled one (or the options' tables). A text
with no twin gets those tables only when the pile's own gate
(:mod:`unspin.twins.pile_gate`) reads it as far more spun than the pile's originals (a
pile too small for a gate asks for a spin estimate of :data:`NO_TWIN_MIN_SPIN` instead);
a clean text (an original, or a clean version of one) comes back unchanged. The pile
answers which; :class:`unspin.twins.linked.LinkedRestorer` restores.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> original = ("The lawyers told a federal judge on Friday that the company would appeal. "
...     "The judge said she would rule next week. A spokesman declined to comment.")
>>> _ = (d / "a.txt").write_text(original, encoding="utf-8")
>>> copy = ("Posted by admin\\n\\nThe attorneys advised a federal choose on Friday that "
...     "the corporate would appeal. The choose stated she would rule next week. "
...     "A spokesman refused to remark.")
>>> _ = (d / "b.txt").write_text(copy, encoding="utf-8")
>>> restorer = PileRestorer([d])
>>> print(restorer.restore(copy).restoration.text)
Posted by admin
<BLANKLINE>
The lawyers told a federal judge on Friday that the company would appeal. The judge said ...
>>> restorer.close()
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ..options import RestoreOptions
from ..restore.api import Restoration
from .linked import CLEAN, NO_TWIN, UNGATED_MIN_SPIN, LinkedRestorer, TwinLink
from .match import PileIndex, Problem
from .pile_gate import PileGate, fit_pile_gate

__all__ = [
    "NO_TWIN_MIN_SPIN",
    "PileRestored",
    "PileRestorer",
]

#: The spin estimate a text without a twin needs before the pile's table restores it, in a
#: pile with too few pairs for its own gate (:mod:`unspin.twins.pile_gate`; the engine's
#: default is 0.5): :data:`unspin.twins.linked.UNGATED_MIN_SPIN`.
NO_TWIN_MIN_SPIN = UNGATED_MIN_SPIN


class PileRestored(NamedTuple):
    """A text restored with a pile: the restoration and how (``twin``, ``table`` or
    ``clean``), with the twin's id when there was one."""

    restoration: Restoration
    how: str
    twin: str | None = None


class PileRestorer:
    """Restores texts with a pile: indexes it (:class:`~unspin.twins.match.PileIndex`),
    learns a table from its pairs into a temporary file, then :meth:`restore` each text.

    ``options``: the restore options for what the twin does not cover (the learned table
    is added to their tables, the bundled one when none are given); a text without a
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
        from ..learn.table_file import learn_table

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
        # the learned table beside the options' tables (the bundled one when none are
        # given: with the learned table alone, what the twin does not cover lost it)
        pairs = [(self.pile.text(e.spun), self.pile.text(e.clean)) for e in self.pile.edges]
        self.linked = LinkedRestorer(pairs, options, table=self.table, gate=self.gate)
        self.options = self.linked.options

    def restore(self, text: str) -> PileRestored:
        """Restore ``text`` from its twin, with the learned table, or not at all
        (:meth:`unspin.twins.linked.LinkedRestorer.restore` with the pile's answer)."""
        twin = self.pile.twin(text)
        if twin.clean:
            link = CLEAN
        elif twin.original is None:
            link = NO_TWIN
        else:
            link = TwinLink(self.pile.ids[twin.original], self.pile.text(twin.original))
        done = self.linked.restore(text, link)
        how = "clean" if done.how == "clean" else "twin" if done.how == "twin" else "table"
        return PileRestored(done.restoration, how, done.reference)

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
        self.linked.close()
        self._tmp.cleanup()
