"""Link each spun copy in a pile to its original (``unspin match``).

A :class:`PileIndex` reads the pile once: bad entries are named and skipped, texts go to a
compressed file on disk (the pile is indexed, not held in memory), each document's sampled
anchors to postings (:class:`unspin.twins.candidates.PileCandidates`: figures and rare
words a heavy spinner leaves alone). Candidate pairs are verified by sentence alignment
(:func:`check_pair`, spin-robust: :mod:`unspin.twins.verify`) and sided as ``unspin learn``
sides them (:mod:`unspin.twins.pairing`: the spun side told by rarer, less fluent words and
the pile's votes), one original per spun copy is
chosen (:mod:`unspin.twins.link_choice`: the pile's first of originals holding the same
text; weak or contested sides left unlinked when the original carries more of the
spinner's forms than the copy), and
each becomes a :class:`Link`. Two clean versions of one story (too few swaps between
them) are not linked; a copy of part of an original is.

The index also answers for a text from outside the pile (:meth:`PileIndex.twin`): the
original it copies, if any, or that it is itself clean.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("The lawyers told a federal judge on Friday that the "
...     "company would appeal. The judge said she would rule next week.", encoding="utf-8")
>>> _ = (d / "b.txt").write_text("The attorneys advised a federal choose on Friday that the "
...     "corporate would attraction. The choose stated she would rule subsequent week.",
...     encoding="utf-8")
>>> [(pathlib.Path(k.spun).name, pathlib.Path(k.original).name) for k in match_pile([d]).links]
[('b.txt', 'a.txt')]
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from .align import Alignment, align
from .candidates import PileCandidates
from .link_choice import MIN_LINK_MARGIN, Settle, choose_links, pile_settle, same_text, sure
from .pair_check import (
    Checked,
    Checker,
    PairFeatures,
    aligned_words,
    check_pair,
    local_fluency,
    pair_features,
    pile_agrees,
)
from .pairing import (
    MIN_MARGIN,
    BigramSketch,
    Edge,
    _load_lm,
    consistency,
    direction_votes,
    index_documents,
    orient_pairs,
    spin_margin,
)
from .pile_reading import Problem, TextStore, iter_pile

__all__ = [
    "Checked",
    "Checker",
    "Link",
    "MatchResult",
    "PairFeatures",
    "PileIndex",
    "Problem",
    "Twin",
    "aligned_words",
    "check_pair",
    "iter_pile",
    "local_fluency",
    "match_pile",
    "pair_features",
    "write_links",
]


class Link(NamedTuple):
    """A spun copy and its original (paths or ids): ``shared``, the share of the copy's
    words in sentences aligned to the original; ``spun_words``, how many of those words
    differ from the original's; ``margin``, the evidence for the side decision."""

    spun: str
    original: str
    shared: float
    spun_words: int
    margin: float

    def as_json(self) -> dict[str, Any]:
        """The link as ``unspin match`` writes it (one JSON object a line)."""
        return self._asdict()


@dataclass
class MatchResult:
    """The links of a pile, sorted, with how many documents were read and which entries
    were skipped (named with the reason)."""

    links: list[Link]
    documents: int
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def format(self) -> str:
        """A summary for people.

        >>> print(MatchResult([], 3, ["x.txt: not UTF-8"]).format())
        documents read:        3
        spun copies linked:    0
        entries skipped:       1
        time:                  0.0 s
        """
        return "\n".join(
            [
                f"documents read:        {self.documents}",
                f"spun copies linked:    {len(self.links)}",
                f"entries skipped:       {len(self.skipped)}",
                f"time:                  {self.seconds:.1f} s",
            ]
        )


# ---------------------------------------------------------------- the index


class Twin(NamedTuple):
    """What the pile says about one text: ``original`` (the pile's number of the text it
    copies, with their alignment) or ``clean`` (it is an original, or has a clean twin)."""

    original: int | None
    alignment: Alignment | None
    clean: bool


# Share of a pair's swaps that other pairs of the pile show too (issue 21's pile: at least
# 0.5 for 99% of true copies; 0-0.5 between clean versions of one story); a pile with
# fewer spun-looking pairs asks less (see PileIndex._recurring).
MIN_RECURRING = 0.5
MIN_PAIRS_FOR_RECURRENCE = 20
FULL_RECURRENCE_PAIRS = 500  # spun-looking pairs from which the full share is asked


class PileIndex:
    """A pile read once and paired (see the module's docstring).

    ``ids``: each document's path or id, by number; ``edges``: the chosen spun -> original
    pairs; ``clean``: documents that are an original or have a clean twin. ``check``
    replaces the checking of the candidate pairs (:func:`check_pair` on each, here): it
    gets the sorted pairs, a function giving a document's text and the pile's bigram
    sketch, and returns ``(a, b, kind, alignment, features, margin)`` for each pair
    (:mod:`unspin.twins.match_distributed` does it on Dask). ``settle`` tells weak or
    contested side decisions (:func:`~unspin.twins.link_choice.pile_settle` by default).
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        field: str = "text",
        id_field: str = "id",
        progress: bool = False,
        problem: Problem | None = None,
        check: Checker | None = None,
        settle: Settle | None = None,
    ) -> None:
        from tqdm import tqdm

        self.skipped: list[str] = []

        def note(message: str) -> None:
            self.skipped.append(message)
            if problem is not None:
                problem(message)

        self.ids: list[str] = []
        self._store = TextStore()
        self._hashes: dict[int, list[int]] = {}
        self.index = PileCandidates()
        self.bigrams = BigramSketch()
        candidates: set[tuple[int, int]] = set()

        def texts() -> Iterator[str]:
            for doc in iter_pile(paths, field, id_field, note):
                self._hashes.setdefault(hash(doc.text), []).append(len(self.ids))
                self.ids.append(doc.id)
                self._store.add(doc.text)
                yield doc.text

        self.documents = index_documents(texts(), self.index, self.bigrams, candidates, progress)
        self.lm = _load_lm()
        from .verify import prepare_text  # twins.verify reads learn.align

        self._prepared = lru_cache(maxsize=4096)(lambda n: prepare_text(self._store.get(n)))
        pairs = sorted(candidates)
        if check is None:
            bar = tqdm(pairs, "aligning", unit=" pairs", disable=not progress, file=sys.stderr)
            checked: Iterable[Checked] = (
                (a, b, *check_pair(self._prepared(a), self._prepared(b), self.lm, self.bigrams))
                for a, b in bar
            )
        else:
            checked = check(pairs, self.text, self.bigrams)
        found: list[tuple[int, int, Alignment, PairFeatures, float]] = []
        # two versions of one story that do not look spun: (a, b, alignment, features)
        unclear: list[tuple[int, int, Alignment, PairFeatures]] = []
        for a, b, kind, alignment, features, margin in checked:
            if kind == "spun":
                found.append((a, b, alignment, features, margin))  # type: ignore[arg-type]
            elif kind == "clean":
                unclear.append((a, b, alignment, features))  # type: ignore[arg-type]
        # the spinner's swaps recur across the pile; an editor's changes between two clean
        # versions of a story do not
        self._seen = Counter(k for *_, f, _ in found for k in set(f.keys))
        self._found = len(found)
        verified: list[tuple[int, int, Alignment, float]] = []
        equal: dict[tuple[int, int], int] = {}
        for a, b, alignment, features, margin in found:
            if not self._recurring(features, own=True):
                unclear.append((a, b, alignment, features))
                continue
            verified.append((a, b, alignment, margin))
            equal[a, b] = equal[b, a] = features.equal
        self.votes = direction_votes(verified)
        # a lightly spun copy: few swaps, but ones the pile's clear pairs made again and again
        clean_twins: set[int] = set()
        for a, b, alignment, features in unclear:
            if pile_agrees(alignment, features.foreign, self.votes):
                margin = self._margin(alignment)
                verified.append((a, b, alignment, margin))
                equal[a, b] = equal[b, a] = features.equal
            else:
                clean_twins.update((a, b))
        self._settle = settle or pile_settle(self.votes)
        self.edges: list[Edge] = choose_links(
            orient_pairs(verified, self.votes), equal, self._same, self._settle
        )
        self._original_of = {e.spun: e for e in self.edges}
        spun = {e.spun for e in self.edges}
        self.clean = frozenset(({e.clean for e in self.edges} | clean_twins) - spun)

    def _recurring(self, features: PairFeatures, own: bool) -> bool:
        """Whether enough of a pair's swaps are seen in other pairs of the pile: a share of
        them that grows with the pile to :data:`MIN_RECURRING` (a small pile repeats few
        swaps), and none asked of a pile with few pairs (:data:`MIN_PAIRS_FOR_RECURRENCE`)."""
        if self._found < MIN_PAIRS_FOR_RECURRENCE:
            return True
        need = MIN_RECURRING * min(1.0, self._found / FULL_RECURRENCE_PAIRS)
        least = 2 if own else 1  # a pile pair's own sighting is among the counts
        known = sum(self._seen[k] >= least for k in features.keys)
        # one recurring swap of two is not enough: two clean versions share that by chance
        swaps = len(features.keys)
        return known >= max(1.0, need * swaps) and (known >= 2 or swaps >= 3)

    def _margin(self, alignment: Alignment) -> float:
        """The side evidence :func:`check_pair` gives a spun pair (``alignment.spun`` spun)."""
        return spin_margin(alignment, None, self.bigrams) + local_fluency(alignment, self.lm)

    def _same(self, a: int, b: int) -> bool:
        return same_text(self.text(a), self.text(b))

    def text(self, n: int) -> str:
        """Document ``n``'s text (read back from disk)."""
        return self._store.get(n)

    def dump(self, path: Path) -> None:
        """Write the pile's documents as JSONL (``id``, ``text``), numbered as here."""
        with path.open("w", encoding="utf-8") as f:
            for n, ident in enumerate(self.ids):
                f.write(json.dumps({"id": ident, "text": self.text(n)}) + "\n")

    def links(self) -> list[Link]:
        """Every spun copy with its original, sorted by copy then original."""
        out = []
        for e in self.edges:
            alignment = align(self._prepared(e.spun), self._prepared(e.clean))
            shared, differ = aligned_words(alignment)
            words = max(alignment.spun.words, 1)
            share = round(shared / words, 4)
            out.append(Link(self.ids[e.spun], self.ids[e.clean], share, differ, round(e.margin, 4)))
        return sorted(out, key=lambda link: (link.spun, link.original))

    def twin(self, text: str) -> Twin:
        """The pile's answer for ``text``: a pile document answers from its own pairs;
        another text is compared with its near duplicates in the pile, and takes one as its
        original only with a side as sure as a link's (:func:`~unspin.twins.link_choice.sure`)."""
        for n in self._hashes.get(hash(text), ()):
            if self.text(n) != text:
                continue
            edge = self._original_of.get(n)
            if edge is not None:
                return Twin(edge.clean, edge.alignment, False)
            return Twin(None, None, n in self.clean)
        from .verify import prepare_text

        prepared = prepare_text(text)
        best: tuple[tuple, int, Alignment] | None = None
        clean = False
        for n in self.index.query(text):
            kind, alignment, features, margin = check_pair(
                prepared, self._prepared(n), self.lm, self.bigrams
            )
            if kind == "spun" and not self._recurring(features, own=False):
                kind = "clean"
            if kind == "clean" and pile_agrees(alignment, features.foreign, self.votes):
                kind, margin = "spun", self._margin(alignment)
            if kind == "clean":
                clean = True
            if kind != "spun" or n in self._original_of:
                continue
            margin += consistency(alignment, self.votes)
            if margin <= -MIN_MARGIN:
                clean = True  # the pile's document is the copy
            elif margin >= MIN_LINK_MARGIN:
                rank = (alignment.coverage, margin, -n)  # same text: the pile's first
                if best is None or rank > best[0]:
                    best = (rank, n, alignment)
        if best is not None:
            (coverage, margin, _), n, alignment = best
            if sure(Edge(-1, n, margin, coverage, alignment), False, self._settle):
                return Twin(n, alignment, False)
        return Twin(None, None, clean)


def match_pile(
    paths: Sequence[Path],
    *,
    field: str = "text",
    id_field: str = "id",
    progress: bool = False,
    problem: Problem | None = None,
) -> MatchResult:
    """Link each spun copy in the pile at ``paths`` (``.txt`` files, folders, ``.jsonl(.gz)``
    with the text in ``field`` and the id in ``id_field``) to its original. Bad entries
    are passed to ``problem`` and skipped (listed in the result)."""
    started = time.perf_counter()
    pile = PileIndex(paths, field=field, id_field=id_field, progress=progress, problem=problem)
    return MatchResult(
        pile.links(), pile.documents, pile.skipped, round(time.perf_counter() - started, 2)
    )


def write_links(links: Iterable[Link], out: IO[str]) -> int:
    """Write links as JSON lines; returns how many."""
    n = 0
    for link in links:
        out.write(json.dumps(link.as_json(), ensure_ascii=False) + "\n")
        n += 1
    return n
