"""Restoring against a reference index (``--refs``, ``refs=``, ``UNSPIN_REFS``): each text
linked to its original in the index (:meth:`unspin.twins.refindex.ReferenceIndex.lookup`),
then restored as :class:`unspin.twins.linked.LinkedRestorer` does.

A :class:`RefsRun` works in two passes when it can: :meth:`RefsRun.link` every input of
the run first, :meth:`RefsRun.learn` (a table learned from the run's linked copies,
:func:`unspin.twins.links_table.write_links_table`, and the no-twin gate fitted on them
and a sample of the index's references), then :meth:`RefsRun.restore` each. A stream that
cannot be read twice (one text from the API, a Scrapy item, a JSONL stream on standard
input) is restored item by item: linked on arrival, restored from its twin, with the
given ``table`` (from ``unspin learn --refs``) where no twin reaches, beside what plain
``restore`` does.

Without a gate (no run learned, or too few links to fit one) an input without a twin
gets what plain ``restore`` gives it, and the given table's edits when its spin estimate
is high (:data:`unspin.twins.linked.UNGATED_MIN_SPIN`): a reference index only ever adds
to what the bundled data restores. With a gate, the gate decides as ``restore --pile``
does (an input it keeps out comes back unchanged).

>>> import os, tempfile
>>> from unspin.twins.refindex import ReferenceIndex
>>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
>>> original = ("The lawyers told a federal judge on Friday that the company would appeal. "
...     "The judge said she would rule next week. A spokesman declined to comment.")
>>> with ReferenceIndex(path, create=True) as index:
...     index.add([("story-1", original)]).added
1
>>> copy = ("The attorneys advised a federal choose on Friday that the corporate would "
...     "appeal. The choose stated she would rule next week. A spokesman refused to remark.")
>>> done = restore_with_refs(copy, path)
>>> done.restoration.text == original, done.how, done.reference
(True, 'twin', 'story-1')
>>> restore_with_refs(original, path).how
'clean'
>>> with RefsRun(path) as run:  # a run: link every input, learn, then restore each
...     links = [run.link(text).link.reference for text in (copy, original)]
...     _ = run.learn()
...     links, [run.restore(text).how for text in (copy, original)]
(['story-1', None], ['twin', 'clean'])
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Union

from ..errors import UnspinError
from ..options import RestoreOptions, resolve_options
from ..restore.api import restore_and_explain
from ..twins.linked import NAME_REFERENCES, NO_TWIN, LinkedRestored, LinkedRestorer, TwinLink
from ..twins.refindex import Lookup, ReferenceIndex

__all__ = [
    "Refs",
    "RefsRun",
    "learn_from_refs",
    "open_refs",
    "refs_location",
    "restore_with_refs",
]

#: What ``refs=`` takes: a path (SQLite file), a ``postgresql://`` URL, or an open index.
Refs = Union[str, "os.PathLike[str]", ReferenceIndex]

_OPEN: dict[tuple[int, int, str], ReferenceIndex] = {}
_LOCK = threading.Lock()


def open_refs(refs: Refs) -> ReferenceIndex:
    """The index ``refs`` names, opened read-only once per process, thread and location
    and kept open (a SQLite connection belongs to its thread); an open
    :class:`~unspin.twins.refindex.ReferenceIndex` is used as it is. Raises the index's
    errors (:class:`~unspin.twins.store.IndexNotFoundError`, ``IndexFormatError``) with
    the location named."""
    if isinstance(refs, ReferenceIndex):
        return refs
    location = os.fspath(refs)
    key = (os.getpid(), threading.get_ident(), location)
    with _LOCK:
        index = _OPEN.get(key)
    if index is None:
        from ..models.lm import load_lm

        index = ReferenceIndex(location, readonly=True, lm=load_lm())
        with _LOCK:
            index = _OPEN.setdefault(key, index)
    return index


def refs_location(refs: Refs) -> str:
    """What to hand another process to open the same index: the path or URL given (an
    open index's ``location``; a PostgreSQL URL there has its password hidden, so pass
    the URL itself)."""
    return refs.location if isinstance(refs, ReferenceIndex) else os.fspath(refs)


class RefsRun:
    """A run of texts restored against ``refs`` (see the module's docstring).

    ``table``: a table learned before (``unspin learn --refs``), used instead of learning
    one from the run; ``options``: plain ``restore``'s options (what they restore is
    kept wherever a twin and a learned table leave room). Use it as a context manager, or
    call :meth:`close`.
    """

    def __init__(
        self,
        refs: Refs,
        options: RestoreOptions | None = None,
        *,
        table: Path | None = None,
    ) -> None:
        self.index = open_refs(refs)
        self.options = resolve_options(options)
        self.table = table
        self.lookups: dict[str, Lookup] = {}
        self._restorer: LinkedRestorer | None = None

    def link(self, text: str) -> Lookup:
        """Look ``text`` up in the index (once per distinct text in a run): its link, with
        the decision's kind and reference but not its alignment."""
        found = self.lookups.get(text)
        if found is None:
            found = self.index.lookup(text)
            # kept for the run without its alignment (a run may hold many thousand texts)
            decided = found.found._replace(verdict=None, candidates=())
            found = found._replace(found=decided)
            self.lookups[text] = found
        return found

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The run's linked ``(copy, reference text)`` pairs so far."""
        return [
            (text, found.link.text)
            for text, found in self.lookups.items()
            if found.link.text is not None and not found.link.clean
        ]

    def learn(self) -> LinkedRestorer:
        """Learn the table from the run's links (unless one was given) and fit the gate;
        call it after linking every input of the run, before restoring."""
        if self._restorer is not None:
            self._restorer.close()
        pairs = self.pairs
        references = self.index.sample(NAME_REFERENCES) if pairs else []
        self._restorer = LinkedRestorer(
            pairs, self.options, references=references, table=self.table
        )
        return self._restorer

    @property
    def restorer(self) -> LinkedRestorer:
        """The restorer (learned on first use, from the links so far)."""
        return self._restorer if self._restorer is not None else self.learn()

    def restore(self, text: str) -> LinkedRestored:
        """Restore ``text`` as its link says (looked up now if the run has not linked it)."""
        link = self.link(text).link
        restorer = self.restorer
        done = restorer.restore(text, link)
        if link == NO_TWIN and restorer.gate is None and done.how == "unchanged":
            plain = restore_and_explain(text, restorer.base)
            how = "plain" if plain.edits else "unchanged"
            done = LinkedRestored(plain._replace(signature=done.restoration.signature), how)
        return done

    @property
    def signature(self) -> str:
        """The restore setup's signature (package, tables, models)."""
        return self.restorer.signature

    def close(self) -> None:
        """Remove the learned table (the index stays open for later runs)."""
        if self._restorer is not None:
            self._restorer.close()
            self._restorer = None

    def __enter__(self) -> RefsRun:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


_ITEM_RUNS: dict[tuple[int, int, str, str, RestoreOptions], RefsRun] = {}


def item_run(
    refs: Refs, options: RestoreOptions | None = None, table: Path | None = None
) -> RefsRun:
    """The item-by-item run for ``refs``, ``options`` and ``table``, kept per process and
    thread (nothing learned in it; its lookups are not kept)."""
    opts = resolve_options(options)
    index = open_refs(refs)
    key = (os.getpid(), threading.get_ident(), str(id(index)), str(table or ""), opts)
    run = _ITEM_RUNS.get(key)
    if run is None or run.index is not index:
        run = RefsRun(index, opts, table=table)
        run.learn()
        _ITEM_RUNS[key] = run
    return run


def restore_with_refs(
    text: str,
    refs: Refs,
    options: RestoreOptions | None = None,
    *,
    table: Path | None = None,
) -> LinkedRestored:
    """Restore one ``text`` against ``refs`` item by item (nothing learned from it; a
    ``table`` from ``unspin learn --refs`` where no twin reaches), with how and from which
    reference. See the module's docstring for an example."""
    run = item_run(refs, options, table)
    done = run.restore(text)
    run.lookups.clear()
    return done


def learn_from_refs(
    refs: Refs,
    texts: Iterable[str],
    output: Path,
    *,
    name: str | None = None,
    comments: Iterable[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Any, int, int]:
    """Learn the spinner's table from ``texts`` linked to their originals in ``refs``
    (``unspin learn --refs``; :func:`unspin.twins.links_table.write_links_table`) into
    ``output``: ``(TableWritten, texts read, texts linked)``. Raises UnspinError when no
    text is linked."""
    from ..twins.links_table import GATE_REFERENCES, write_links_table

    index = open_refs(refs)
    pairs: list[tuple[str, str]] = []
    n = 0
    for n, text in enumerate(texts, 1):
        link: TwinLink = index.link(text)
        if link.text is not None and not link.clean:
            pairs.append((text, link.text))
        if progress is not None:
            progress(n, len(pairs))
    if not pairs:
        raise UnspinError(
            f"none of the {n} inputs is a spun copy of a reference in {index.location}; "
            f"nothing to learn from"
        )
    references = index.sample(GATE_REFERENCES)
    written = write_links_table(
        pairs, output, references=references, name=name, comments=list(comments)
    )
    return written, n, len(pairs)
