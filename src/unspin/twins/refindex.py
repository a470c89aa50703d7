"""The reference index: clean originals kept between runs, and a text's twin found in them.

:class:`ReferenceIndex` joins the stages of :mod:`unspin.twins`: a reference added is
fingerprinted (:func:`~unspin.twins.fingerprint.reference_keys`) and stored with its keys
(:mod:`unspin.twins.store`: one SQLite file, or PostgreSQL by URL); a text looked up
(:meth:`ReferenceIndex.find`) is fingerprinted, its candidates ranked from the stored
postings, verified by alignment and chosen (:func:`~unspin.twins.search.find_twin`).
:meth:`ReferenceIndex.link` says it as restoring needs it: a
:class:`~unspin.twins.linked.TwinLink` (the reference it copies, with that reference's
text; none; or clean).

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
>>> original = ("Harrowgate Mills said its Kestrel carpets sold well in Dunmore and Atlanta. "
...     "Net profit rose to 19.6 mln dlrs, chief executive Alden Voss said.")
>>> with ReferenceIndex(path, create=True) as index:
...     index.add([("mills.txt", original)]).added
1
>>> with ReferenceIndex(path, readonly=True) as index:
...     link = index.link("Harrowgate Mills stated its Kestrel carpets offered smartly in "
...         "Dunmore and Atlanta. internet benefit rose to nineteen.6 mln dlrs, leader "
...         "government Alden Voss stated.")
...     link.reference, link.text == original, index.link(original).clean
('mills.txt', True, True)
"""

from __future__ import annotations

import os
import random
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from .add_stream import BATCH, Added, add_stream
from .backends import open_store
from .candidates import MAX_POSTINGS
from .fingerprint import FINGERPRINT_VERSION, reference_keys
from .linked import CLEAN, NO_TWIN, TwinLink
from .search import Found, find_twin
from .store import ReferenceStore

__all__ = ["Added", "Lookup", "ReferenceIndex", "TEXT_CACHE"]

#: Reference texts a lookup process keeps decoded (the last read; a few MB).
TEXT_CACHE = 256


class Lookup(NamedTuple):
    """A text looked up: its link, the decision behind it and, for a linked or clean text,
    how much of the text the reference's aligned sentences cover (``coverage``) and the
    share of the text's aligned words that are the reference's (``similarity``)."""

    link: TwinLink
    found: Found
    coverage: float = 0.0
    similarity: float = 0.0

    def link_record(self, name: str) -> dict | None:
        """The line ``match --refs`` writes for input ``name`` when it is linked:
        ``{"spun", "original", "coverage", "similarity"}``; None otherwise."""
        if self.link.reference is None:
            return None
        return {
            "spun": name,
            "original": self.link.reference,
            "coverage": self.coverage,
            "similarity": self.similarity,
        }


class ReferenceIndex:
    """A persistent index of clean references (see the module's docstring).

    ``location``: a path (one SQLite file) or a ``postgresql://`` URL. ``create`` makes an
    empty index where there is none; ``readonly`` refuses writes. ``lm`` (the language
    model) lets a single swap count as spinning when verifying
    (:func:`~unspin.twins.verify.verify`); None reads without it.
    """

    def __init__(
        self,
        location: str | os.PathLike[str] | ReferenceStore,
        *,
        create: bool = False,
        readonly: bool = False,
        lm: Any = None,
    ) -> None:
        if isinstance(location, (str, os.PathLike)):
            self.store: ReferenceStore = open_store(
                location, create=create, readonly=readonly, fingerprint=FINGERPRINT_VERSION
            )
        else:
            self.store = location
        self.location = self.store.location
        self.lm = lm
        self._texts: OrderedDict[int, tuple[str, str]] = OrderedDict()

    # -- writing ---------------------------------------------------------------------
    def add(self, references: Iterable[tuple[str, str]]) -> Added:
        """Add ``(id, text)`` references as one transaction (a few hundred to a few
        thousand a call); a text already stored, under any id, is not added again."""
        batch = [(ref_id, text, reference_keys(text)) for ref_id, text in references]
        numbers = self.store.add(batch)
        added = sum(n is not None for n in numbers)
        return Added(added, len(numbers) - added)

    def add_many(
        self,
        references: Iterable[tuple[str, str]],
        *,
        workers: int = 1,
        batch: int = BATCH,
        progress: Callable[[Added], None] | None = None,
    ) -> Added:
        """Add a stream of ``(id, text)`` references, ``batch`` a transaction; ``workers``
        2 or more fingerprints in other processes while this one stores
        (:func:`~unspin.twins.add_stream.add_stream`): on 2 cores, ``workers=2``."""
        return add_stream(self.store, references, workers=workers, batch=batch, progress=progress)

    def remove(self, ref_id: str) -> int:
        """Remove every text added under ``ref_id``; how many."""
        self._texts.clear()
        return self.store.remove(ref_id)

    # -- reading ---------------------------------------------------------------------
    def postings(self, keys: Sequence[int]) -> Mapping[int, Sequence[int]]:
        """Each key's reference numbers (:class:`~unspin.twins.search.ReferenceLookup`)."""
        return self.store.postings(keys, MAX_POSTINGS)

    def reference(self, number: int) -> tuple[str, str]:
        """Reference ``number``'s ``(id, text)``."""
        hit = self._texts.get(number)
        if hit is None:
            found = self.store.texts([number])
            if number not in found:
                raise KeyError(f"reference {number} is not in {self.location}")
            hit = found[number]
            self._texts[number] = hit
            if len(self._texts) > TEXT_CACHE:
                self._texts.popitem(last=False)
        else:
            self._texts.move_to_end(number)
        return hit

    def text(self, number: int) -> str:
        """Reference ``number``'s text (:class:`~unspin.twins.search.ReferenceLookup`)."""
        return self.reference(number)[1]

    def find(self, text: str) -> Found:
        """The decision for ``text``: ``spun`` (a copy of ``reference``), ``clean`` or
        ``none`` (:func:`~unspin.twins.search.find_twin`)."""
        return find_twin(text, self, self.lm)

    def lookup(self, text: str) -> Lookup:
        """:meth:`find` as restoring needs it: the link, with coverage and similarity."""
        if not text.strip():
            return Lookup(NO_TWIN, Found("none", None, None, ()))
        number = self.store.find_text(text)
        if number is not None:  # a reference itself: clean, whatever it says
            return Lookup(CLEAN, Found("clean", number, None, ()), 1.0, 1.0)
        found = self.find(text)
        if found.kind == "none" or found.reference is None or found.verdict is None:
            return Lookup(NO_TWIN, found)
        evidence = found.verdict.evidence
        coverage = round(evidence.coverage, 4)
        similarity = round(evidence.equal / max(evidence.words, 1), 4)
        if found.kind == "clean":
            return Lookup(CLEAN, found, coverage, similarity)
        ref_id, ref_text = self.reference(found.reference)
        return Lookup(TwinLink(ref_id, ref_text), found, coverage, similarity)

    def link(self, text: str) -> TwinLink:
        """``text``'s link: the reference it copies (id and text), clean, or none."""
        return self.lookup(text).link

    def sample(self, count: int, seed: int = 0) -> list[str]:
        """Up to ``count`` reference texts drawn at random (the no-twin gate's clean side
        and the names clean text writes capitalised)."""
        documents = int(self.store.stats().get("last_number", 0) or 0)
        if documents <= 0:
            return []
        rng = random.Random(seed)
        wanted = range(1, documents + 1)
        picks = wanted if documents <= count else rng.sample(wanted, count)
        found = self.store.texts(picks)
        return [text for _, text in (found[n] for n in sorted(found))]

    def stats(self) -> dict[str, object]:
        """The store's figures (``documents``: distinct texts; sizes; format)."""
        return self.store.stats()

    def close(self) -> None:
        """Release the index (everything added is committed already)."""
        self.store.close()

    def __enter__(self) -> ReferenceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
