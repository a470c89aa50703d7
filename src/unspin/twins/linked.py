"""Restore a run of inputs once each is linked to its original, or known to have none.

How links are found (an index lookup, a pile's matching, a user's list) is not this
module's business: each input comes with a :class:`TwinLink` (the reference it copies,
with its text; none; or clean). Then, for the run:

1. a table is learned from the run's linked copies against their references
   (:func:`unspin.twins.links_table.write_links_table`), unless one is given;
2. the no-twin gate is fitted on the same pairs and a sample of the other references
   (:func:`unspin.twins.pile_gate.fit_pile_gate`: the spinner's forms present and the
   words they replace missing);
3. each input is restored. A linked copy takes its reference's words where the reference
   covers it (:func:`unspin.twins.twin_edits.twin_edits`, source ``twin:<reference id>``);
   what it does not cover, but for the copy's own header and footer, gets the learned
   table with no spin gate (a link is proof of spinning) and the repairs of
   :mod:`unspin.twins.spun_repairs`. An input without a twin gets them when the gate
   admits it. A clean input comes back unchanged.

What plain ``restore`` does with the given options (the bundled table when none are
given) is kept beside the learned table's edits of a copy or an admitted input, wherever
the twin and the learned table leave it room: a twin and a learned table add to what the
bundled data restores, never replace it. An input the gate keeps out comes back unchanged
(:data:`PLAIN_WITHOUT_TWIN`). The
learned table is used alone, not merged into the bundled one: merged, its rows were
weighed as the bundled table's and undid less (spinner W, copies without a twin: 33.8%
merged, 52.1% alone).

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

import math
import random
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..options import RestoreOptions, resolve_options
from ..restore.api import Edit, Restoration, apply_edits, restore_and_explain
from .align import align, prepare
from .links_table import write_links_table
from .pile_gate import PileGate, fit_pile_gate
from .spun_repairs import capitalised, figure_edits, lowered_names, name_case_edits, names_in
from .twin_edits import twin_edits, uncovered

__all__ = [
    "CLEAN",
    "LINKED_MIN_SPIN",
    "NO_TWIN",
    "NO_TWIN_MIN_SPIN",
    "PLAIN_WITHOUT_TWIN",
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
#: Clean references beside the linked ones the no-twin gate is fitted on, at most.
GATE_REFERENCES = 600
#: The share of those clean texts' gate scores a text without a twin must exceed.
GATE_TOP = 0.995
#: ...and how many standard deviations above their mean (0: the share alone).
GATE_SDS = 0.0
#: ...and at least this log-likelihood ratio (spun over clean): evidence that makes even a
#: prior of 1 in 100 that the text is this spinner's copy more likely than not.
GATE_FLOOR = math.log(100)
#: Whether an input without a twin that the gate keeps out still gets what plain
#: ``restore`` does. Off: it comes back unchanged, unread. On, ``restore --pile`` changed
#: 3 of bench_match's 1,575 clean held-out pile documents ("credit line" -> "confession":
#: plain restore's own false changes, which the gate had kept out) and read each with
#: the judge (802 s instead of 139 s for the pile).
PLAIN_WITHOUT_TWIN = False
#: Whether a text known to be spun also gets the repairs no table makes (figures, case).
REPAIRS = True
#: Clean texts (linked references first, then others) names are learned from, at most.
NAME_REFERENCES = 5000
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
    """An input restored: the restoration and how (``twin``: from its reference, and the
    tables where it does not reach; ``table``: no twin, edits from the learned table;
    ``plain``: no twin, edits from plain ``restore`` only; ``unchanged``: no twin, no
    edit; ``clean``), with the reference's id when there was one."""

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


def beside(first: Sequence[Edit], more: Iterable[Edit]) -> list[Edit]:
    """``first`` with the edits of ``more`` that overlap none of them, in order.

    >>> a, b = Edit(0, 5, "court", "x", 1.0, "t"), Edit(3, 9, "rt doc", "y", 1.0, "u")
    >>> [e.restored for e in beside([a], [b, Edit(10, 12, "in", "z", 1.0, "u")])]
    ['x', 'z']
    """
    kept = list(first)
    for e in more:
        if not any(e.start < f.end and f.start < e.end for f in first):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


class LinkedRestorer:
    """Restores inputs whose links are known (see the module's docstring).

    ``pairs``: the run's linked ``(copy, reference text)`` pairs, to learn the table and
    fit the gate from; ``references``: other clean texts of the index, for the learned
    table's own spin gate; ``table``: a table learned before (``unspin learn --refs``),
    used instead of learning one; ``gate``: a no-twin gate fitted before, used instead of
    fitting one on ``pairs``; ``options``: the restore options, as plain ``restore`` takes
    them: what they restore is kept wherever the twin and the learned table leave it room.
    Use it as a context manager, or call :meth:`close` to remove the learned table.
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
        #: plain ``restore``'s options (the bundled table unless others are given)
        self.base = resolve_options(options)
        #: both, for the signature
        self.options = with_table(self.base, self.table) if self.table else self.base
        self.gate: PileGate | None = gate or self._fit_gate(pairs, references)
        #: names clean text writes capitalised and the spinner in lower case
        self.names = _names(pairs, references) if REPAIRS else {}
        #: the learned table alone, for what a twin leaves of a copy and for texts the
        #: gate admits (its own rows are not weighed as the bundled table's)
        self.learned: RestoreOptions | None = None
        self.admitted: RestoreOptions | None = None
        if self.table is not None:
            self.learned = resolve_options(
                self.base, tables=(self.table,), min_spin=LINKED_MIN_SPIN
            )
            no_twin = NO_TWIN_MIN_SPIN if self.gate is not None else UNGATED_MIN_SPIN
            self.admitted = resolve_options(self.learned, min_spin=no_twin)

    def _fit_gate(
        self, pairs: Sequence[tuple[str, str]], references: Sequence[str]
    ) -> PileGate | None:
        """The no-twin gate: the learned table's phrases in the linked copies against
        their references and a sample of the other references (:data:`GATE_REFERENCES`);
        a text is admitted above all but :data:`GATE_TOP` of those clean texts' scores."""
        if self.table is None:
            return None
        from ..models.table import load_table

        rows = [(e.spun, e.original) for e in load_table(self.table).entries]
        others = list(references)
        if len(others) > GATE_REFERENCES:
            others = random.Random(0).sample(others, GATE_REFERENCES)
        clean = [*(r for _, r in pairs), *others]
        spun = (c for c, _ in pairs)
        return fit_pile_gate(spun, clean, rows, sds=GATE_SDS, top=GATE_TOP, floor=GATE_FLOOR)

    def restore(self, text: str, link: TwinLink) -> LinkedRestored:
        """Restore ``text`` as its ``link`` says."""
        if link.clean or not text.strip():
            return LinkedRestored(Restoration(text, (), self.signature), "clean")
        if link.text is None:
            return self._no_twin(text)
        twin = twin_edits(align(prepare(text), prepare(link.text)), link.reference or "")
        spans = uncovered(twin, text)
        learned: list[Edit] = []
        for start, end in spans:
            # restored apart: the covered stretch is the twin's (and need not be read)
            part = self._learned_edits(text[start:end], self.learned)
            learned += [e._replace(start=e.start + start, end=e.end + start) for e in part]
        if REPAIRS and spans:
            repairs = [e for e in self._repairs(text) if any(a <= e.start < b for a, b in spans)]
            learned = capitalised(text, beside(learned, repairs), spans)
        plain: list[Edit] = []
        if spans:
            inside = restore_and_explain(text, self.base).edits
            plain = [e for e in inside if any(a <= e.start and e.end <= b for a, b in spans)]
        edits = beside([*twin.edits, *learned], plain)
        restored = Restoration(apply_edits(text, edits), tuple(edits), self.signature)
        return LinkedRestored(restored, "twin", link.reference)

    def _repairs(self, text: str) -> list[Edit]:
        """The repairs of a text known to be spun: figures and names."""
        return beside(figure_edits(text), name_case_edits(text, self.names))

    def _learned_edits(self, text: str, options: RestoreOptions | None) -> list[Edit]:
        """The learned table's edits of ``text`` (none without a table)."""
        if options is None:
            return []
        return list(restore_and_explain(text, options).edits)

    def _no_twin(self, text: str) -> LinkedRestored:
        """An input without a twin: the learned table where the gate admits it, beside
        what plain ``restore`` does (with :data:`PLAIN_WITHOUT_TWIN`)."""
        learned: Sequence[Edit] = ()
        admitted = self.admitted is not None and (self.gate is None or self.gate.admits(text))
        if admitted:
            learned = self._learned_edits(text, self.admitted)
            if REPAIRS:
                learned = capitalised(text, beside(learned, self._repairs(text)))
        plain: Sequence[Edit] = ()
        if admitted or PLAIN_WITHOUT_TWIN:
            plain = restore_and_explain(text, self.base).edits
        edits = beside(learned, plain)
        how = "table" if learned else "plain" if edits else "unchanged"
        restored = Restoration(apply_edits(text, edits), tuple(edits), self.signature)
        return LinkedRestored(restored, how)

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


def _names(
    pairs: Sequence[tuple[str, str]], references: Sequence[str]
) -> dict[tuple[str, ...], str]:
    """Names for :func:`~.spun_repairs.name_case_edits`: words (and pairs of words, either
    of them) the linked copies write in lower case where their references capitalise
    them, as clean text writes them (the linked references and a sample of the others,
    :data:`NAME_REFERENCES` in all)."""
    lowered = lowered_names(pairs)
    if not lowered:
        return {}
    texts = [r for _, r in pairs][:NAME_REFERENCES]
    room = NAME_REFERENCES - len(texts)
    others = list(references)
    texts += random.Random(0).sample(others, room) if len(others) > room else others
    return {k: v for k, v in names_in(texts).items() if any(w in lowered for w in k)}


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
