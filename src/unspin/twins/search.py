"""Find a text's twin in a reference index: fingerprint -> candidates -> verify -> choose.

The index is whatever keeps references behind :class:`ReferenceLookup` (the storage layer:
an SQLite file, PostgreSQL; a dict in tests): per reference, its number, its text and the
keys :func:`~unspin.twins.fingerprint.reference_keys` gave it, filed as postings
``key -> reference numbers``, with :data:`~unspin.twins.fingerprint.FINGERPRINT_VERSION`
recorded so that an index is never queried with another fingerprint.

>>> from unspin.twins.candidates import MemoryPostings
>>> from unspin.twins.fingerprint import reference_keys
>>> class Index:
...     def __init__(self, texts):
...         self.texts, self.keys = texts, MemoryPostings()
...         for n, text in enumerate(texts):
...             self.keys.add(n, reference_keys(text))
...     def postings(self, keys):
...         return self.keys.lookup(keys)
...     def text(self, reference):
...         return self.texts[reference]
>>> index = Index(["Harrowgate Mills said its Kestrel carpets sold well in Dunmore and "
...                "Atlanta. Net profit rose to 19.6 mln dlrs, chief executive Alden Voss said."])
>>> found = find_twin("Harrowgate Mills stated its Kestrel carpets offered smartly in Dunmore "
...                   "and Atlanta. internet benefit rose to nineteen.6 mln dlrs, leader "
...                   "government Alden Voss stated.", index)
>>> found.kind, found.reference
('spun', 0)
>>> find_twin(index.text(0), index).kind
'clean'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from .candidates import MAX_POSTINGS, Candidate, rank
from .choose import choose
from .fingerprint import query_keys
from .verify import Verdict, prepare_text, verify

__all__ = ["Found", "ReferenceLookup", "find_twin"]


class ReferenceLookup(Protocol):
    """What the storage layer answers."""

    def postings(self, keys: Sequence[int]) -> Mapping[int, Sequence[int]]:
        """Each key's reference numbers, at most ``MAX_POSTINGS + 1`` of them (more means
        the key is hot); keys no reference holds may be left out."""
        ...

    def text(self, reference: int) -> str:
        """A reference's text."""
        ...


class Found(NamedTuple):
    """``spun`` (``reference`` is the text's original), ``clean`` (it is, or is a clean
    version of, ``reference``) or ``none``; the deciding verdict (its alignment: the text
    with the reference) and the candidates looked at."""

    kind: str
    reference: int | None
    verdict: Verdict | None
    candidates: tuple[Candidate, ...]


def find_twin(text: str, index: ReferenceLookup, lm: Any = None, limit: int = 5) -> Found:
    """Look ``text`` up in ``index`` and verify its best ``limit`` candidates (``lm``, the
    language model, lets a single swap count: :func:`~unspin.twins.verify.verify`)."""
    candidates = rank(query_keys(text), index.postings, limit, MAX_POSTINGS)
    prepared = prepare_text(text)
    verdicts = [(c.reference, verify(prepared, index.text(c.reference), lm)) for c in candidates]
    choice = choose(verdicts)
    return Found(choice.kind, choice.reference, choice.verdict, tuple(candidates))
