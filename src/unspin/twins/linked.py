"""Restore a run of inputs once each is linked to its original, or known to have none.

How links are found (an index lookup, a pile's matching, a user's list) is not this
module's business: each input comes with a :class:`TwinLink` (the reference it copies,
with its text; none; or clean). Then, for the run:

1. a table is learned from the run's linked copies against their references
   (:func:`unspin.twins.links_table.write_links_table`) and kept beside the restore
   options' tables (the bundled table when none are given: a learned table adds to what
   the bundled data restores, never replaces it);
2. the no-twin gate is fitted on the same pairs (:func:`unspin.learn.pile_gate.fit_pile_gate`:
   the spinner's forms present and the words they replace missing);
3. each input is restored: a linked copy takes its reference's words where the reference
   covers it (:func:`unspin.twins.twin_edits.twin_edits`, source ``twin:<reference id>``)
   and the tables' edits elsewhere, with no spin gate (a link is proof of spinning) and
   not in the copy's own header or footer; an input without a twin gets the tables only
   when the gate admits it; a clean input comes back unchanged.

>>> original = ("The lawyers told a federal judge on Friday that the company would appeal. "
...     "The judge said she would rule next week.")
>>> copy = ("The attorneys advised a federal choose on Friday that the corporate would "
...     "appeal. The choose stated she would rule subsequent week.")
>>> with LinkedRestorer([(copy, original)]) as run:
...     done = run.restore(copy, TwinLink("story-1", original))
...     clean = run.restore(original, CLEAN)
>>> done.restoration.text == original, done.how, done.restoration.edits[0].source
(True, 'twin', 'twin:story-1')
>>> clean.restoration.text == original, clean.how
(True, 'clean')
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..learn.align import align, prepare
from ..learn.pile_gate import PileGate, fit_pile_gate
from ..options import RestoreOptions, resolve_options
from ..restore.api import Edit, Restoration, apply_edits, restore_and_explain
from .links_table import write_links_table
from .twin_edits import twin_edits, uncovered

__all__ = [
    "CLEAN",
    "LINKED_MIN_SPIN",
    "NO_TWIN",
    "NO_TWIN_MIN_SPIN",
    "UNGATED_MIN_SPIN",
    "LinkedRestored",
    "LinkedRestorer",
    "TwinLink",
    "restore_linked",
    "with_table",
]

#: The spin estimate what a reference does not cover of a linked copy needs before the
#: tables restore it: none (the link proves the copy spun).
LINKED_MIN_SPIN = 0.0
#: The spin estimate an input without a twin needs once the no-twin gate has admitted it.
NO_TWIN_MIN_SPIN = 0.5
#: The spin estimate an input without a twin needs in a run with too few links to fit a
#: gate (the engine's estimate alone). Tuned on issue 21's tune pile (spinner W stories
#: 0-1349) with the judge's spin estimate (development judge): the highest of 530 clean
#: stories without a twin scored 0.930; at 0.94 none is changed, and the copies without a
#: twin keep 44.1% of errors undone (47.9% at the former 0.86, which changed 2).
UNGATED_MIN_SPIN = 0.94


class TwinLink(NamedTuple):
    """What the index says of an input: the ``reference`` (id) it copies, with the
    reference's ``text``; or ``clean`` (it is a reference, or a clean version of one);
    or neither (no twin)."""

    reference: str | None = None
    text: str | None = None
    clean: bool = False


#: An input the index knows as clean: it comes back unchanged.
CLEAN = TwinLink(clean=True)
#: An input with no twin in the index.
NO_TWIN = TwinLink()


class LinkedRestored(NamedTuple):
    """An input restored: the restoration and how (``twin``: from its reference and the
    tables; ``table``: no twin, the tables; ``unchanged``: no twin, the gate kept it out;
    ``clean``), with the reference's id when there was one."""

    restoration: Restoration
    how: str
    reference: str | None = None


def with_table(options: RestoreOptions, table: Path) -> RestoreOptions:
    """``options`` with ``table`` beside its tables, the bundled one when it has none.

    >>> [p.name for p in with_table(RestoreOptions(), Path("mine.tsv")).tables]
    ['synonym_pairs.tsv', 'mine.tsv']
    """
    from ..models.table import bundled_table_path

    tables = options.tables or (bundled_table_path(),)
    return resolve_options(options, tables=(*tables, table))


class LinkedRestorer:
    """Restores inputs whose links are known (see the module's docstring).

    ``pairs``: the run's linked ``(copy, reference text)`` pairs, to learn the table and
    fit the gate from; ``references``: other clean texts of the index, for the learned
    table's own spin gate; ``table``: a table learned before (``unspin learn --refs``),
    used instead of learning one; ``gate``: a no-twin gate fitted before, used instead of
    fitting one on ``pairs``; ``options``: the restore options (their tables, or the
    bundled one, are kept beside the learned table). Use it as a context manager, or call
    :meth:`close` to remove the learned table.
    """

    def __init__(
        self,
        pairs: Sequence[tuple[str, str]],
        options: RestoreOptions | None = None,
        *,
        references: Sequence[str] = (),
        table: Path | None = None,
        gate: PileGate | None = None,
    ) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="unspin-linked-")
        self.table = table
        if table is None and pairs:
            self.table = Path(self._tmp.name) / "links_table.tsv"
            write_links_table(pairs, self.table, references=references, name="links")
        base = resolve_options(options)
        self.options = with_table(base, self.table) if self.table is not None else base
        self.linked_options = resolve_options(self.options, min_spin=LINKED_MIN_SPIN)
        self.gate: PileGate | None = gate or self._fit_gate(pairs)
        no_twin = NO_TWIN_MIN_SPIN if self.gate is not None else UNGATED_MIN_SPIN
        self.alone_options = resolve_options(
            self.options, min_spin=max(self.options.min_spin, no_twin)
        )

    def _fit_gate(self, pairs: Sequence[tuple[str, str]]) -> PileGate | None:
        if self.table is None:
            return None
        from ..models.table import load_table

        rows = [(e.spun, e.original) for e in load_table(self.table).entries]
        return fit_pile_gate((c for c, _ in pairs), (r for _, r in pairs), rows)

    def restore(self, text: str, link: TwinLink) -> LinkedRestored:
        """Restore ``text`` as its ``link`` says."""
        if link.clean or not text.strip():
            return LinkedRestored(Restoration(text, (), self.signature), "clean")
        if link.text is None:
            if self.gate is not None and not self.gate.admits(text):
                return LinkedRestored(Restoration(text, (), self.signature), "unchanged")
            return LinkedRestored(restore_and_explain(text, self.alone_options), "table")
        reference = link.reference or ""
        twin = twin_edits(align(prepare(text), prepare(link.text)), reference)
        edits: list[Edit] = list(twin.edits)
        signature = self.signature
        for start, end in uncovered(twin, text):
            # restored apart: the covered stretch is the twin's (and need not be read)
            table = restore_and_explain(text[start:end], self.linked_options)
            edits += [e._replace(start=e.start + start, end=e.end + start) for e in table.edits]
            signature = table.signature
        edits.sort(key=lambda e: e.start)
        restored = Restoration(apply_edits(text, edits), tuple(edits), signature)
        return LinkedRestored(restored, "twin", link.reference)

    @property
    def signature(self) -> str:
        """The restore setup's signature (package, tables, models)."""
        from ..restore.api import signature

        return signature(self.options)

    def close(self) -> None:
        """Remove the learned table."""
        self._tmp.cleanup()

    def __enter__(self) -> LinkedRestorer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def restore_linked(
    inputs: Iterable[tuple[str, TwinLink]],
    options: RestoreOptions | None = None,
    *,
    references: Sequence[str] = (),
    table: Path | None = None,
) -> list[LinkedRestored]:
    """Restore a run of ``(text, link)`` inputs: learn the table from the run's linked
    copies (unless ``table`` is given), fit the no-twin gate, restore each
    (:class:`LinkedRestorer`).

    >>> original = "The lawyers told a federal judge on Friday that the company would appeal."
    >>> copy = "The attorneys advised a federal choose on Friday that the corporate would appeal."
    >>> [r.how for r in restore_linked([(copy, TwinLink("a", original)), (original, CLEAN)])]
    ['twin', 'clean']
    """
    run = list(inputs)
    pairs = [(text, link.text) for text, link in run if link.text is not None and not link.clean]
    with LinkedRestorer(pairs, options, references=references, table=table) as restorer:
        return [restorer.restore(text, link) for text, link in run]
