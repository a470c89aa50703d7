"""Pairing a pile's documents: which are versions of one story, which side of each pair
is spun, and how their words align. ``unspin learn`` (:mod:`unspin.learn.learner`) counts the
swaps of these pairs; ``unspin match`` (:mod:`unspin.twins.match`) reports them.

The pile is read twice, streaming: the first pass indexes MinHash signatures
(:class:`~unspin.twins.neardup.NearDupIndex`) and a :class:`BigramSketch` of the pile, and
collects candidate near-duplicate pairs; the second prepares the candidates' texts, verifies
each pair by sentence alignment (:func:`verify_pair`) and orients it (:func:`orient_pairs`:
the spun side has rarer, less fluent words, and the pile's clear pairs vote).
"""

from __future__ import annotations

import math
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..text.corpus import iter_documents
from ..text.tokens import norm, tokenize
from .align import Alignment, Prepared, align, prepare, word_blocks
from .neardup import NearDupIndex

__all__ = [
    "MIN_COVERAGE",
    "MIN_MARGIN",
    "MIN_DENSITY",
    "FULL_PILE",
    "BigramSketch",
    "spin_margin",
    "document_keys",
    "verify_pair",
    "same_story",
    "orient_pairs",
    "spin_density",
    "consistency",
    "pile_edges",
    "index_documents",
    "verify_candidates",
    "direction_votes",
    "choose_pairs",
    "Edge",
]

MIN_COVERAGE = 0.4  # share of a document's words in matched sentences
MIN_MARGIN = 0.02  # side-decision evidence needed to use a pair
MIN_DENSITY = 0.04  # swaps per aligned word below which neither side looks spun
FULL_PILE = 500  # documents at which pile bigram counts get full weight


def _zipf(words: Iterable[str], cache: dict[str, float]) -> float:
    from wordfreq import zipf_frequency

    values = []
    for w in words:
        z = cache.get(w)
        if z is None:
            z = cache[w] = zipf_frequency(w, "en")
        values.append(z)
    return sum(values) / len(values) if values else 0.0


def _load_lm():  # -> unspin.models.lm.LanguageModel | None
    """The language model if one is importable and installed, else None."""
    try:
        from ..models.lm import load_lm

        return load_lm()
    except Exception:  # noqa: BLE001 - optional evidence: any failure means "no LM"
        return None


_ZIPF_CACHE: dict[str, float] = {}


class BigramSketch:
    """Approximate bigram counts of the pile in fixed memory (a hashed count array).

    Clean articles share their collocations; a spinner's context-free swaps make
    bigrams that recur nowhere else, so counts measure fluency without a model.

    >>> sketch = BigramSketch(bits=10)
    >>> sketch.add(["the", "court", "ruled"]); sketch.add(["the", "court", "said"])
    >>> sketch.count("the", "court"), sketch.count("court", "docket")
    (2, 0)
    """

    def __init__(self, bits: int = 22) -> None:
        import numpy as np

        self._mask = (1 << bits) - 1
        self._counts = np.zeros(1 << bits, dtype=np.uint32)
        self.weight = 1.0  # how much to trust these counts (small piles: less)

    def _slot(self, a: str, b: str) -> int:
        return zlib.crc32(f"{a} {b}".encode()) & self._mask

    def add(self, keys: Sequence[str], distinct: bool = False) -> None:
        """Count the bigrams of one token sequence (``distinct``: each once, a document count)."""
        import numpy as np

        if len(keys) > 1:
            slots = [self._slot(a, b) for a, b in zip(keys, keys[1:], strict=False)]
            if distinct:
                slots = sorted(set(slots))
            np.add.at(self._counts, np.asarray(slots, dtype=np.int64), 1)

    def count(self, a: str, b: str) -> int:
        """Approximate count of the bigram ``a b`` (collisions only add)."""
        return int(self._counts[self._slot(a, b)])

    def fluency(self, keys: Sequence[str]) -> float:
        """Mean log count of the bigrams of ``keys``."""
        if len(keys) < 2:
            return 0.0
        return sum(math.log1p(self.count(a, b)) for a, b in zip(keys, keys[1:], strict=False)) / (
            len(keys) - 1
        )


def spin_margin(alignment: Alignment, lm=None, bigrams: BigramSketch | None = None) -> float:
    """Evidence that ``alignment.spun`` is the spun side: > 0 yes, < 0 the other side.

    Per changed block (with one word of context each side): how much more often the
    clean side's bigrams occur in the pile (``bigrams``), plus a quarter of the
    difference in mean Zipf word frequency (spinners tend to pick rarer words), and,
    with a language model, the per-block log10 fluency gain of the clean sentence.

    >>> from unspin.twins.align import align_texts
    >>> a = align_texts("The attorneys advised a federal choose yesterday.",
    ...                 "The lawyers told a federal judge yesterday.")
    >>> spin_margin(a) > 0, spin_margin(a.swapped()) < 0
    (True, True)
    """
    diffs: list[float] = []
    fluency = 0.0
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        blocks = [b for b in word_blocks(s.code, c.code) if b[1] - b[0] <= 4 and b[3] - b[2] <= 4]
        for a1, a2, b1, b2 in blocks:
            d = 0.0
            if bigrams is not None:
                sk = s.keys[max(a1 - 1, 0) : a2 + 1]
                ck = c.keys[max(b1 - 1, 0) : b2 + 1]
                diff = bigrams.fluency(ck) - bigrams.fluency(sk)
                d += bigrams.weight * max(-3.0, min(3.0, diff))
            sw = [k for k in s.keys[a1:a2] if k.isalpha()]
            cw = [k for k in c.keys[b1:b2] if k.isalpha()]
            if sw and cw:
                d += 0.25 * max(-2.0, min(2.0, _zipf(cw, _ZIPF_CACHE) - _zipf(sw, _ZIPF_CACHE)))
            diffs.append(d)
        if lm is not None and blocks:
            from ..text.tokens import lm_token

            fluency += lm.score([lm_token(t) for t in c.tokens]) - lm.score(
                [lm_token(t) for t in s.tokens]
            )
    if not diffs:
        return 0.0
    margin = sum(diffs) / len(diffs)
    if lm is not None:
        margin += max(-2.0, min(2.0, fluency / len(diffs)))
    return margin


# ---------------------------------------------------------------- pairing


@dataclass(frozen=True)
class Edge:
    """A verified pair, oriented: document numbers, side margin, coverage, alignment."""

    spun: int
    clean: int
    margin: float
    coverage: float
    alignment: Alignment


def choose_pairs(edges: list[Edge]) -> list[Edge]:
    """One clean partner per spun document, preferring partners never judged spun."""
    spun_somewhere = {e.spun for e in edges}
    best: dict[int, Edge] = {}
    for e in edges:
        rank = (e.clean not in spun_somewhere, e.coverage, e.margin)
        old = best.get(e.spun)
        if old is None or rank > (old.clean not in spun_somewhere, old.coverage, old.margin):
            best[e.spun] = e
    # a document that is the clean partner of another should not itself be learned as spun
    used_clean = {e.clean for e in best.values()}
    return [e for s, e in sorted(best.items()) if not (s in used_clean and e.clean in best)]


def pile_edges(
    paths: Sequence[Path], field: str, progress: bool, lm
) -> tuple[int, list[Edge], dict[int, Prepared]]:
    """Read the pile twice (index, then the candidates' texts): the number of documents,
    the oriented pairs found and the candidates' prepared texts."""
    index = NearDupIndex()
    bigrams = BigramSketch()
    candidates: set[tuple[int, int]] = set()
    documents = index_documents(
        (doc.text for doc in iter_documents(paths, field)), index, bigrams, candidates, progress
    )
    del index

    needed = {k for pair in candidates for k in pair}
    prepared: dict[int, Prepared] = {}
    if needed:
        for n, doc in enumerate(iter_documents(paths, field)):
            if n in needed:
                prepared[n] = prepare(doc.text)
    verified = verify_candidates(sorted(candidates), prepared.__getitem__, lm, bigrams, progress)
    return documents, orient_pairs(verified, direction_votes(verified)), prepared


def index_documents(
    texts: Iterable[str],
    index: NearDupIndex,
    bigrams: BigramSketch,
    candidates: set[tuple[int, int]],
    progress: bool = False,
) -> int:
    """Number ``texts`` in order, add each to ``index`` and ``bigrams`` and collect the
    candidate pairs ``(earlier, later)``; returns how many were read (and sets the
    sketch's weight by it)."""
    from tqdm import tqdm

    documents = 0
    bar = tqdm(desc="indexing", unit=" docs", disable=not progress, file=sys.stderr)
    for n, text in enumerate(texts):
        documents += 1
        keys = document_keys(text)
        bigrams.add(keys, distinct=True)
        for other in index.add(n, text, keys):
            candidates.add((other, n))
        bar.update()
    bar.close()
    bigrams.weight = min(1.0, documents / FULL_PILE)
    return documents


def verify_candidates(
    candidates: Sequence[tuple[int, int]],
    prepared: Callable[[int], Prepared],
    lm,
    bigrams: BigramSketch | None,
    progress: bool = False,
) -> list[tuple[int, int, Alignment, float]]:
    """:func:`verify_pair` over ``candidates`` in order (``prepared(n)``: document n,
    prepared); the pairs that are spun/clean versions of one story, with their margins."""
    from tqdm import tqdm

    verified: list[tuple[int, int, Alignment, float]] = []
    for a, b in tqdm(
        candidates, desc="aligning", unit=" pairs", disable=not progress, file=sys.stderr
    ):
        checked = verify_pair(prepared(a), prepared(b), lm, bigrams)
        if checked is not None:
            verified.append((a, b, *checked))
    return verified


def document_keys(text: str) -> list[str]:
    """A pile document's normalized tokens (for its bigram counts and shingles)."""
    return [norm(t.text) for t in tokenize(text)]


def verify_pair(
    a: Prepared, b: Prepared, lm, bigrams: BigramSketch | None
) -> tuple[Alignment, float] | None:
    """Align two candidate near duplicates; their alignment and :func:`spin_margin`
    when they are versions of one story of which one looks spun, else None."""
    alignment = align(a, b)
    if not same_story(alignment):
        return None
    if spin_density(alignment) < MIN_DENSITY:
        return None  # versions of a story, but neither looks spun (updates, reprints)
    return alignment, spin_margin(alignment, lm, bigrams)


def same_story(alignment: Alignment) -> bool:
    """Whether two aligned documents are versions of one story: enough of one of them in
    matched sentences (:data:`MIN_COVERAGE`), and two matched sentences unless one is
    that short."""
    a, b = alignment.spun, alignment.clean
    return alignment.coverage >= MIN_COVERAGE and len(alignment.pairs) >= _min_sentences(a, b)


def orient_pairs(
    verified: Iterable[tuple[int, int, Alignment, float]], votes: Counter[tuple[str, str]]
) -> list[Edge]:
    """Verified pairs, ``(a, b, alignment, margin)``, as spun -> clean edges once the
    pile's ``votes`` (:func:`_direction_votes`) are added to their margins; pairs whose
    side stays unclear are dropped."""
    edges: list[Edge] = []
    for a, b, alignment, margin in verified:
        margin += consistency(alignment, votes)
        if abs(margin) < MIN_MARGIN:
            continue
        if margin > 0:
            edges.append(Edge(a, b, margin, alignment.coverage, alignment))
        else:
            edges.append(Edge(b, a, -margin, alignment.coverage, alignment.swapped()))
    return edges


def spin_density(alignment: Alignment) -> float:
    """Small word swaps per word of the aligned sentences (a 30% spinner gives ~0.2).

    >>> from unspin.twins.align import align_texts
    >>> a = align_texts("The attorneys met a choose.", "The lawyers met a judge.")
    >>> round(spin_density(a), 2)
    0.4
    """
    words = sum(alignment.spun.sentences[i].words for i, _, _ in alignment.pairs)
    return len(alignment.substitutions()) / max(words, 1)


def direction_votes(
    verified: list[tuple[int, int, Alignment, float]], confident: float = 0.3
) -> Counter[tuple[str, str]]:
    """(spun, original) counts from the pairs whose side is clear on their own."""
    votes: Counter[tuple[str, str]] = Counter()
    for _, _, alignment, margin in verified:
        if abs(margin) >= confident:
            oriented = alignment if margin > 0 else alignment.swapped()
            for sub in oriented.substitutions():
                votes[sub.spun, sub.original.lower()] += 1
    return votes


def consistency(alignment: Alignment, votes: Counter[tuple[str, str]]) -> float:
    """How much the pile agrees that ``alignment.spun`` is the spun side.

    Spinners are consistent: a swap seen as "said" -> "stated" in clear pairs is
    evidence for the same direction in an unclear one.

    >>> from unspin.twins.align import align_texts
    >>> a = align_texts("He stated it was late today.", "He said it was late today.")
    >>> consistency(a, Counter({("stated", "said"): 9})) > 0
    True
    """
    subs = alignment.substitutions()
    if not subs:
        return 0.0
    total = 0.0
    for sub in subs:
        s, o = sub.spun, sub.original.lower()
        total += math.log1p(votes[s, o]) - math.log1p(votes[o, s])
    return max(-3.0, min(3.0, total / len(subs)))


def _min_sentences(a: Prepared, b: Prepared) -> int:
    return 1 if min(len(a.sentences), len(b.sentences)) <= 2 else 2


_direction_votes = direction_votes  # its name in unspin.learn.learner
