"""Learn the spinner's dictionary from a pile of unlabelled articles.

The pile is read twice, streaming: the first pass only indexes MinHash
signatures and collects candidate near-duplicate pairs; the second keeps the
texts of candidates, verifies each pair by sentence alignment, decides which side
is spun (rarer, less fluent words), aligns word by word and counts the swapped
phrases. Statistics then keep what is systematic:

* ``count`` — how often ``spun`` was aligned with ``original``;
* ``kept`` — how often ``spun`` occurs in the clean sides (natural use);
* ``p_restore = count / (count + kept + other + 1)`` where ``other`` counts the
  spun phrase aligned with other originals;
* ``p_channel = count / (occurrences of original in aligned clean sentences + 1)``.

What is not learned: a pair seen only inside an editor's rewrite (a change among changes),
a change of tense seen once, one word in two forms. From a pile, where a real spinner's
many forms are each seen a few times, inflections of one swap are pooled and an
unambiguous single sighting is enough (:meth:`_Stats.accepted`). The table's precision is
estimated on held-out pairs of the pile (:func:`heldout_precision`) and written in its
header with how it was learned (``method``, ``docs``).

>>> result = learn(pairs=[], phrases=[])
>>> result.entries, result.summary.documents
([], 0)
"""

from __future__ import annotations

import math
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..models.table import (
    Entry,
    Table,
    load_merged,
    load_table,
    merge_entries,
    phrase_key,
    write_table,
)
from ..text.corpus import Document, iter_documents, iter_pairs
from ..text.inflect import is_inflection
from ..text.tokens import norm, tokenize
from .align import Alignment, Change, Prepared, Substitution, align, prepare, word_blocks
from .neardup import NearDupIndex
from .phrases import phrase_entries

__all__ = [
    "LearnSummary",
    "LearnResult",
    "learn",
    "merge",
    "spin_margin",
    "consistency",
    "spin_density",
    "BigramSketch",
    "table_comments",
    "AdaptSummary",
    "adapt_lm",
    "pile_clean_texts",
    "clean_spin_gate",
    "write_learned_table",
    "LEARNED_TABLE_THRESHOLD",
    "METHOD_MARGINS",
    "learned_threshold",
    "heldout_precision",
]

MIN_COVERAGE = 0.4  # share of a document's words in matched sentences
MIN_MARGIN = 0.02  # side-decision evidence needed to use a pair
MIN_DENSITY = 0.04  # swaps per aligned word below which neither side looks spun
FULL_PILE = 500  # documents at which pile bigram counts get full weight
MIN_P_RESTORE = 0.05
# Rows learned from a pile need more: on spinner W (TUNE stories, a table learned from its
# aligned pile, --min-spin 0) table edits with p_restore < 0.2 were right 136 times and
# wrong 193 (0.2-0.5: 336 / 215; >= 0.5: 1,268 / 116); without them 43.5% of errors are
# undone instead of 42.3%, and no clean original is changed instead of 1 of 150.
MIN_P_RESTORE_PILE = 0.2
# A change with fewer unchanged tokens than this share around it (3 each side) sits in
# an editor's rewrite, not among a spinner's swaps: a pair seen only so is not learned.
MIN_STEADY = 0.5
# A single sighting is learned from a pile when its alignment is unambiguous: its block
# stood alone (this steady, no split needed) in a sentence pair at least this similar.
CLEAR_STEADY = 0.99
CLEAR_SIMILARITY = 0.7


@dataclass(frozen=True)
class LearnSummary:
    """What happened while learning (all counts)."""

    documents: int = 0
    partnered: int = 0
    skipped: int = 0
    pairs_found: int = 0
    substitutions_seen: int = 0
    substitutions_kept: int = 0
    seconds: float = 0.0
    given_pairs: int = 0
    phrase_entries: int = 0

    def format(self) -> str:
        """Multi-line human summary.

        >>> print(LearnSummary(documents=3, partnered=2, skipped=1).format().splitlines()[0])
        documents read:        3
        """
        lines = [
            f"documents read:        {self.documents}",
            f"  with a partner:      {self.partnered}",
            f"  skipped (no partner): {self.skipped}",
            f"spun/clean pairs:      {self.pairs_found}"
            + (f" (+{self.given_pairs} given)" if self.given_pairs else ""),
            f"substitutions seen:    {self.substitutions_seen}",
            f"substitutions kept:    {self.substitutions_kept}",
        ]
        if self.phrase_entries:
            lines.append(f"phrase-list entries:   {self.phrase_entries}")
        lines.append(f"time:                  {self.seconds:.1f} s")
        return "\n".join(lines)


@dataclass(frozen=True)
class LearnResult:
    """Learned table entries and a summary; which pile documents (numbered in reading
    order) were the spun and the clean sides of the pairs used."""

    entries: list[Entry]
    summary: LearnSummary
    spun_documents: frozenset[int] = frozenset()
    clean_documents: frozenset[int] = frozenset()
    #: How the table was learned (``aligned`` from spun/clean pairs; None: phrase lists only).
    method: str | None = None
    #: Share of rows confirmed on held-out pairs of the pile (:func:`heldout_precision`).
    precision: float | None = None

    @property
    def docs(self) -> int:
        """Documents learned from: the pile's, and two per given pair."""
        return self.summary.documents + 2 * self.summary.given_pairs


# ---------------------------------------------------------------- side decision


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

    >>> from unspin.learn.align import align_texts
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
class _Edge:
    spun: int
    clean: int
    margin: float
    coverage: float
    alignment: Alignment


def _choose_pairs(edges: list[_Edge]) -> list[_Edge]:
    """One clean partner per spun document, preferring partners never judged spun."""
    spun_somewhere = {e.spun for e in edges}
    best: dict[int, _Edge] = {}
    for e in edges:
        rank = (e.clean not in spun_somewhere, e.coverage, e.margin)
        old = best.get(e.spun)
        if old is None or rank > (old.clean not in spun_somewhere, old.coverage, old.margin):
            best[e.spun] = e
    # a document that is the clean partner of another should not itself be learned as spun
    used_clean = {e.clean for e in best.values()}
    return [e for s, e in sorted(best.items()) if not (s in used_clean and e.clean in best)]


def _pile_edges(
    paths: Sequence[Path], field: str, progress: bool, lm
) -> tuple[int, list[_Edge], dict[int, Prepared]]:
    from tqdm import tqdm

    index = NearDupIndex()
    bigrams = BigramSketch()
    candidates: set[tuple[int, int]] = set()
    documents = 0
    bar = tqdm(desc="indexing", unit=" docs", disable=not progress, file=sys.stderr)
    for n, doc in enumerate(iter_documents(paths, field)):
        documents += 1
        keys = document_keys(doc.text)
        bigrams.add(keys, distinct=True)
        for other in index.add(n, doc.text, keys):
            candidates.add((other, n))
        bar.update()
    bar.close()
    del index
    bigrams.weight = min(1.0, documents / FULL_PILE)

    needed = {k for pair in candidates for k in pair}
    prepared: dict[int, Prepared] = {}
    if needed:
        for n, doc in enumerate(iter_documents(paths, field)):
            if n in needed:
                prepared[n] = prepare(doc.text)

    verified: list[tuple[int, int, Alignment, float]] = []
    for a, b in tqdm(
        sorted(candidates), desc="aligning", unit=" pairs", disable=not progress, file=sys.stderr
    ):
        checked = verify_pair(prepared[a], prepared[b], lm, bigrams)
        if checked is not None:
            verified.append((a, b, *checked))
    return documents, orient_pairs(verified, _direction_votes(verified)), prepared


def document_keys(text: str) -> list[str]:
    """A pile document's normalized tokens (for its bigram counts and shingles)."""
    return [norm(t.text) for t in tokenize(text)]


def verify_pair(
    a: Prepared, b: Prepared, lm, bigrams: BigramSketch | None
) -> tuple[Alignment, float] | None:
    """Align two candidate near duplicates; their alignment and :func:`spin_margin`
    when they are versions of one story of which one looks spun, else None."""
    alignment = align(a, b)
    if alignment.coverage < MIN_COVERAGE or len(alignment.pairs) < _min_sentences(a, b):
        return None
    if spin_density(alignment) < MIN_DENSITY:
        return None  # versions of a story, but neither looks spun (updates, reprints)
    return alignment, spin_margin(alignment, lm, bigrams)


def orient_pairs(
    verified: Iterable[tuple[int, int, Alignment, float]], votes: Counter[tuple[str, str]]
) -> list[_Edge]:
    """Verified pairs, ``(a, b, alignment, margin)``, as spun -> clean edges once the
    pile's ``votes`` (:func:`_direction_votes`) are added to their margins; pairs whose
    side stays unclear are dropped."""
    edges: list[_Edge] = []
    for a, b, alignment, margin in verified:
        margin += consistency(alignment, votes)
        if abs(margin) < MIN_MARGIN:
            continue
        if margin > 0:
            edges.append(_Edge(a, b, margin, alignment.coverage, alignment))
        else:
            edges.append(_Edge(b, a, -margin, alignment.coverage, alignment.swapped()))
    return edges


def spin_density(alignment: Alignment) -> float:
    """Small word swaps per word of the aligned sentences (a 30% spinner gives ~0.2).

    >>> from unspin.learn.align import align_texts
    >>> a = align_texts("The attorneys met a choose.", "The lawyers met a judge.")
    >>> round(spin_density(a), 2)
    0.4
    """
    words = sum(alignment.spun.sentences[i].words for i, _, _ in alignment.pairs)
    return len(alignment.substitutions()) / max(words, 1)


def _direction_votes(
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

    >>> from unspin.learn.align import align_texts
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


# ---------------------------------------------------------------- statistics


_AUXILIARIES = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having"]
    + ["will", "would", "shall", "should", "can", "could", "may", "might", "must"]
    + ["do", "does", "did"]
)


def _same_lemma(spun: str, original: str) -> bool:
    """Two forms of one word ("sought" / "seeks"): a change of tense, not a swap."""
    from ..text.inflect import lemmas

    if " " in spun or " " in original or spun == original.lower():
        return False
    shared = set(lemmas(spun)) & set(lemmas(original.lower()))
    # auxiliaries ("will" / "would") are a spinner's swaps, whatever lemminflect says
    return bool(shared) and all(upos != "AUX" for _, upos in shared | set(lemmas(spun)))


def _tense_rewrite(spun: str, original: str) -> bool:
    """A verb phrase whose auxiliary changed along with its verb ("will symbolize" ->
    "is representing", "knowledgeable" -> "has informed"): an editor's rewrite of tense or
    voice. A spinner swaps a modal alone ("can" -> "will") or a whole auxiliary group
    ("have been" -> "were").

    >>> _tense_rewrite("will symbolize", "is representing"), _tense_rewrite("can", "will")
    (True, False)
    >>> _tense_rewrite("have been", "were"), _tense_rewrite("knowledgeable", "has informed")
    (False, True)
    """
    sw, ow = spun.split(), original.lower().split()

    def verb_group(words: list[str]) -> bool:  # an auxiliary, then a word that is not one
        return len(words) > 1 and words[0] in _AUXILIARIES and words[-1] not in _AUXILIARIES

    if not (verb_group(sw) or verb_group(ow)):
        return False
    return sw[0] != ow[0]


class _Stats:
    """Counts of aligned substitutions and of phrase occurrences on the clean sides."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.counts: Counter[tuple[str, str]] = Counter()
        #: sightings whose alignment was unambiguous / inside a rewrite, per pair
        self.clear: Counter[tuple[str, str]] = Counter()
        self.rewrites: Counter[tuple[str, str]] = Counter()
        self.clean_texts: list[tuple[Prepared, frozenset[int]]] = []
        self.seen = 0

    def add(self, alignment: Alignment) -> list[Change]:
        """Take in one aligned pair; returns its changes."""
        changes = alignment.changes()
        self.seen += len(changes)
        self.changes.extend(changes)
        matched = frozenset(j for _, j, _ in alignment.pairs)
        self.clean_texts.append((alignment.clean, matched))
        return changes

    def resolve(self) -> None:
        """Count substitutions, taking merged blocks apart where the parts are seen alone."""
        primary = Counter((c.substitution.spun, c.substitution.original) for c in self.changes)
        counts: Counter[tuple[str, str]] = Counter()
        for change in self.changes:
            sub = change.substitution
            block = primary[sub.spun, sub.original]
            best: tuple[int, int] = (0, 0)
            parts: tuple[Substitution, ...] = (sub,)
            for first, second in () if _has_number(sub.spun + sub.original) else change.splits:
                n1 = primary[first.spun, first.original]
                n2 = primary[second.spun, second.original]
                score = (min(n1, n2), n1 + n2)
                if score > best:
                    best, chosen = score, (first, second)
            if best[0] >= 1 and (block < 2 or best[0] >= block):
                parts = chosen
            for part in parts:
                counts[part.spun, part.original] += 1
                if change.steady < MIN_STEADY:
                    self.rewrites[part.spun, part.original] += 1
                elif (
                    len(parts) == 1
                    and change.steady >= CLEAR_STEADY
                    and change.similarity >= CLEAR_SIMILARITY
                ):
                    self.clear[part.spun, part.original] += 1
        self.counts = _decompose(counts)
        self.changes = []

    def accepted(self, min_count: int, generalise: bool) -> dict[tuple[str, str], int]:
        """The pairs worth a row, with their counts.

        A pair seen only inside rewrites is dropped, and so is a change of tense seen
        once (:func:`_tense_rewrite`); the others need ``min_count`` sightings. With
        ``generalise`` (a pile's few sightings of a real spinner's many forms), inflections
        of one (spun, original) lemma pair are pooled for that ("utilizing" -> "using" once
        and "utilized" -> "used" once make two), and a pair seen once is kept when that
        sighting was unambiguous (see :data:`CLEAR_STEADY`) and its original is a word the
        spinner is seen to replace by another form too. (Without that last condition:
        spinner W, TUNE, 44.0% of errors undone instead of 43.5%, 1,211 rows instead of
        1,012, 0.961 of them right instead of 0.964: within noise, so the cautious rule.)
        """
        from ..text.inflect import lemma_key, lemmas

        def groups(pair: tuple[str, str]) -> set[tuple]:
            """The lemma pairs this pair is a form of ("used" is a verb and an adjective)."""
            spun, original = pair[0], pair[1].lower()
            if " " in spun or " " in original:
                return {(lemma_key(tuple(spun.split())), lemma_key(tuple(original.split())))}
            found = {(ls, lo, u) for ls, u in lemmas(spun) for lo, v in lemmas(original) if u == v}
            return found or {(spun, original)}

        usable = {
            pair: n
            for pair, n in self.counts.items()
            if n > self.rewrites[pair] and not is_inflection(*pair) and not _same_lemma(*pair)
        }
        # seen once, a change of tense is an editor's (several sightings: a spinner's)
        usable = {p: n for p, n in usable.items() if n > 1 or not _tense_rewrite(*p)}
        pooled: Counter = Counter()
        spun_forms: dict[str, set[str]] = {}
        for pair, n in usable.items():
            for key in groups(pair):
                pooled[key] += n
            spun_forms.setdefault(pair[1].lower(), set()).add(pair[0])
        out = {}
        for pair, n in usable.items():
            pooled_n = max(pooled[k] for k in groups(pair)) if generalise else n
            clear = self.clear[pair] > 0 and len(spun_forms[pair[1].lower()]) > 1
            if n >= min_count or pooled_n >= min_count or (generalise and clear):
                out[pair] = self.counts[pair]
        return out

    def entries(self, min_count: int, source: str, generalise: bool = False) -> list[Entry]:
        candidates = self.accepted(min_count, generalise)
        if not candidates:
            return []
        spun_keys = {pair: phrase_key(pair[0]) for pair in candidates}
        orig_keys = {pair: tuple(k.lower() for k in phrase_key(pair[1])) for pair in candidates}
        wanted = set(spun_keys.values()) | set(orig_keys.values())
        longest = max(len(k) for k in wanted)
        kept: Counter[tuple[str, ...]] = Counter()
        in_aligned: Counter[tuple[str, ...]] = Counter()
        for prepared, matched in self.clean_texts:
            for idx, sentence in enumerate(prepared.sentences):
                keys = sentence.keys
                for i in range(len(keys)):
                    for n in range(1, min(longest, len(keys) - i) + 1):
                        gram = keys[i : i + n]
                        if gram in wanted:
                            kept[gram] += 1
                            if idx in matched:
                                in_aligned[gram] += 1
        by_spun: Counter[tuple[str, ...]] = Counter()
        for pair, n in self.counts.items():
            by_spun[phrase_key(pair[0])] += n
        out = []
        for pair, count in candidates.items():
            skey, okey = spun_keys[pair], orig_keys[pair]
            k = kept[skey]
            other = by_spun[skey] - count
            p_restore = count / (count + k + other + 1)
            p_channel = min(1.0, count / (in_aligned[okey] + 1))
            if p_restore < (MIN_P_RESTORE_PILE if generalise else MIN_P_RESTORE):
                continue
            out.append(Entry(pair[0], pair[1], count, k, p_restore, p_channel, source))
        return out


HELD_OUT_FOLDS = 5


def heldout_precision(
    documents: Sequence[Sequence[Change]],
    min_count: int,
    generalise: bool,
    folds: int = HELD_OUT_FOLDS,
) -> float | None:
    """Estimated precision of a table, from the pile alone: the aligned pairs are cut into
    ``folds`` parts; a table learned from all parts but one meets the swaps of the part
    left out. Each held-out swap whose spun phrase the table holds counts right when the
    table's first original for it (the most often seen) is the one in the held-out text.
    None with too few pairs to hold some out.

    >>> heldout_precision([], 2, True) is None
    True
    """
    if len(documents) < 2 * folds:
        return None
    checked = right = 0
    for fold in range(folds):
        train = _Stats()
        held: list[Substitution] = []
        for k, changes in enumerate(documents):
            if k % folds == fold:
                held.extend(change.substitution for change in changes)
            else:
                train.changes.extend(changes)
        train.resolve()
        first: dict[str, tuple[int, str]] = {}
        for (spun, original), n in train.accepted(min_count, generalise).items():
            if (n, original.lower()) > first.get(spun, (0, "")):
                first[spun] = (n, original.lower())
        for sub in held:
            if sub.spun in first:
                checked += 1
                right += first[sub.spun][1] == sub.original.lower()
    return round(right / checked, 3) if checked else None


def _has_number(phrase: str) -> bool:
    return any(ch.isdigit() for ch in phrase)


def _decompose(counts: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Take apart multi-word pairs made of two swaps when one part is common on its own.

    ``("pronounced a", "said the")`` becomes ``("pronounced", "said")`` + ``("a", "the")``
    when one of those is seen at least as often; the other part inherits the count.

    >>> c = Counter({("pronounced a", "said the"): 3, ("a", "the"): 50})
    >>> sorted(_decompose(c).items())
    [(('a', 'the'), 53), (('pronounced', 'said'), 3)]
    """
    out: Counter[tuple[str, str]] = Counter(counts)
    lower: Counter[tuple[str, str]] = Counter()
    for (sp, orig), n in counts.items():
        lower[sp, orig.lower()] += n
    for (sp, orig), n in sorted(counts.items(), key=lambda kv: -len(kv[0][0]) - len(kv[0][1])):
        sw, ow = sp.split(" "), orig.split(" ")
        if len(sw) < 2 or len(ow) < 2 or _has_number(sp) or _has_number(orig):
            continue  # a phrase with a number ("final 12 months") is one swap
        best = None
        for i in range(1, len(sw)):
            for j in range(1, len(ow)):
                p1 = (" ".join(sw[:i]), " ".join(ow[:j]))
                p2 = (" ".join(sw[i:]), " ".join(ow[j:]))
                n1 = lower[p1[0], p1[1].lower()]
                n2 = lower[p2[0], p2[1].lower()]
                if max(n1, n2) >= n and (best is None or n1 + n2 > best[0]):
                    best = (n1 + n2, p1, p2)
        if best is not None:
            _, p1, p2 = best
            del out[sp, orig]
            for part in (p1, p2):
                if part[0] != part[1].lower():
                    out[part] += n
    return out


def _significant(entries: list[Entry], counts: Counter[tuple[str, str]]) -> list[Entry]:
    """Keep pairs whose association beats chance (Dunning log-likelihood ratio)."""
    total = sum(counts.values())
    by_spun: Counter[str] = Counter()
    by_orig: Counter[str] = Counter()
    for (s, o), n in counts.items():
        by_spun[s] += n
        by_orig[o] += n
    kept = []
    for e in entries:
        k11 = e.count
        k12 = by_spun[e.spun] - k11
        k21 = by_orig[e.original] - k11
        k22 = max(total - k11 - k12 - k21, 0)
        if _llr(k11, k12, k21, k22) >= 3.84 or k11 >= 3:
            kept.append(e)
    return kept


def _llr(k11: int, k12: int, k21: int, k22: int) -> float:
    def h(*ks: int) -> float:
        n = sum(ks)
        return sum(k * math.log(k / n) for k in ks if k > 0)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))


# ---------------------------------------------------------------- public API


def learn(
    paths: Sequence[Path] = (),
    *,
    field: str = "text",
    pairs: Sequence[Path] = (),
    phrases: Sequence[Path] = (),
    progress: bool = False,
    min_count: int = 2,
    pile_min_count: int | None = None,
    reference_free: str = "auto",
) -> LearnResult:
    """Learn table entries from a pile of articles, known pairs and phrase lists.

    ``paths``: .txt files, folders, .jsonl(.gz) files (text in ``field``);
    ``pairs``: JSONL files of ``{"spun": ..., "clean": ...}``; ``phrases``: CSV/TSV
    phrase lists (spun, original[, count]). Pairs need ``min_count`` sightings;
    ``pile_min_count``, when given, replaces it for the pile's pairs (1 for a small pile of
    known spun/clean copies, where every substitution is real). ``reference_free``
    (auto|on|off): also learn from the pile's own statistics (:mod:`unspin.learn.unpaired`).

    >>> import tempfile, pathlib, json
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pairs.jsonl"
    >>> rows = [{"spun": "The attorneys have advised a choose on Friday.",
    ...          "clean": "The lawyers have told a judge on Friday."}] * 2
    >>> _ = p.write_text("\\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    >>> sorted((e.spun, e.original, e.count) for e in learn(pairs=[p]).entries)
    [('advised', 'told', 2), ('attorneys', 'lawyers', 2), ('choose', 'judge', 2)]
    """
    started = time.perf_counter()
    documents = 0
    chosen: list[_Edge] = []
    lm = _load_lm() if (paths or pairs) else None
    if paths:
        documents, edges, _prepared = _pile_edges(paths, field, progress, lm)
        chosen = _choose_pairs(edges)
        del _prepared, edges
    result = learn_from_chosen(
        documents,
        chosen,
        pairs=pairs,
        phrases=phrases,
        min_count=min_count,
        pile_min_count=pile_min_count,
        started=started,
    )
    from . import unpaired

    if not (paths and unpaired.wanted(reference_free, documents, result.summary.partnered)):
        return result
    given = [e for e in result.entries if e.source == "pairs"]
    rows = unpaired.learn_from_pile(
        paths,
        field,
        skip=result.clean_documents,
        known={e.spun for e in given},
        targets={e.original for e in given},
        progress=progress,
    )
    entries = merge_entries([*result.entries, *rows])
    # a mostly unpaired pile's few "clean" sides are spun too: no gate from them (the
    # table gets a hit gate, and drops rows too common in English to gate by); a pile
    # paired as "auto" would leave it keeps its gate
    unpaired_pile = unpaired.wanted("auto", documents, result.summary.partnered)
    if unpaired_pile:
        entries = unpaired.drop_common(entries)
    return replace(
        result,
        entries=sorted(entries, key=lambda e: (e.spun, e.original)),
        clean_documents=frozenset() if unpaired_pile else result.clean_documents,
        method="mixed" if result.method else "reference-free",
    )


def learn_from_chosen(
    documents: int,
    chosen: Sequence[_Edge],
    *,
    pairs: Sequence[Path] = (),
    phrases: Sequence[Path] = (),
    min_count: int = 2,
    pile_min_count: int | None = None,
    started: float | None = None,
) -> LearnResult:
    """The second half of :func:`learn`: count the swaps of the pile pairs ``chosen``
    (:func:`_choose_pairs`, in its order) among ``documents`` and of the given ``pairs``,
    and turn them into entries. :mod:`unspin.learn.distributed` finds ``chosen`` on a cluster.
    """
    started = time.perf_counter() if started is None else started
    partnered = found = 0
    spun_docs: frozenset[int] = frozenset()
    clean_docs: frozenset[int] = frozenset()
    pile = _Stats()
    given = _Stats()
    pile_changes: list[list[Change]] = []

    if chosen:
        found = len(chosen)
        partnered = len({e.spun for e in chosen} | {e.clean for e in chosen})
        for edge in chosen:
            pile_changes.append(pile.add(edge.alignment))
        spun_docs = frozenset(e.spun for e in chosen)
        clean_docs = frozenset(e.clean for e in chosen) - spun_docs

    n_given = 0
    for spun, clean in iter_pairs(pairs):
        given.add(align(prepare(spun), prepare(clean)))
        n_given += 1

    entries: list[Entry] = []
    least_pile = min_count if pile_min_count is None else pile_min_count
    for stats, source, least in ((pile, "pile", least_pile), (given, "pairs", min_count)):
        stats.resolve()
        learned = stats.entries(least, source, generalise=source == "pile" and least > 1)
        entries += _significant(learned, stats.counts)
    precision = heldout_precision(pile_changes, least_pile, least_pile > 1)
    del pile_changes
    phrase_rows = phrase_entries(list(phrases)) if phrases else []
    entries = merge_entries([*entries, *phrase_rows])

    summary = LearnSummary(
        documents=documents,
        partnered=partnered,
        skipped=documents - partnered,
        pairs_found=found,
        substitutions_seen=pile.seen + given.seen,
        substitutions_kept=len(entries) - len(phrase_rows),
        seconds=round(time.perf_counter() - started, 2),
        given_pairs=n_given,
        phrase_entries=len(phrase_rows),
    )
    return LearnResult(
        sorted(entries, key=lambda e: (e.spun, e.original)),
        summary,
        spun_docs,
        clean_docs,
        "aligned" if found or n_given else None,
        precision,
    )


def merge(paths: Sequence[Path]) -> list[Entry]:
    """Merge table files: identical pairs have their counts summed
    (:func:`unspin.models.table.load_merged`).

    >>> import tempfile, pathlib
    >>> from unspin.models.table import write_table
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> e = Entry("court docket", "court", 3, 0, 0.9, 0.2, "pile")
    >>> _ = write_table([e], d / "a.tsv", "a"); _ = write_table([e], d / "b.tsv", "b")
    >>> [x.count for x in merge([d / "a.tsv", d / "b.tsv"])]
    [6]
    """
    return load_merged(paths).entries


def table_comments(result: LearnResult) -> list[str]:
    """Comment lines for the table header: how it was built.

    >>> table_comments(LearnResult([], LearnSummary(documents=2)))[0]
    'learned by unspin learn from 2 documents, 0 spun/clean pairs, 0 given pairs'
    """
    s = result.summary
    lines = [
        f"learned by unspin learn from {s.documents} documents, {s.pairs_found} spun/clean "
        f"pairs, {s.given_pairs} given pairs",
        "p_restore = count / (count + kept + other + 1); p_channel = count / (original "
        "occurrences in aligned clean sentences + 1)",
    ]
    if s.phrase_entries:
        lines.append(f"{s.phrase_entries} entries from phrase lists (source 'phrases')")
    return lines


# ---------------------------------------------------------------- language model adaptation


@dataclass(frozen=True)
class AdaptSummary:
    """What :func:`adapt_lm` trained on and wrote."""

    pair_documents: int  # clean sides of pile pairs and of given pairs
    unpartnered_kept: int  # documents without a partner that do not look spun
    unpartnered_spun: int  # documents without a partner left out: they look spun
    sentences: int
    words: int  # tokens: words, numbers and punctuation
    weight: float
    perplexity: dict[float, float]  # held-out perplexity per weight (0.0: general model)
    output: Path

    def format(self) -> str:
        """Multi-line human summary.

        >>> s = AdaptSummary(2, 1, 1, 9, 120, 0.3, {0.0: 900.0, 0.3: 400.0}, Path("a.arpa"))
        >>> print(s.format().splitlines()[0])
        adapted LM trained on: 3 documents, 120 tokens (9 sentences)
        """
        lines = [
            f"adapted LM trained on: {self.pair_documents + self.unpartnered_kept} documents, "
            f"{self.words} tokens ({self.sentences} sentences)",
            f"  clean sides of pairs: {self.pair_documents}",
            f"  without a partner:    {self.unpartnered_kept} kept, "
            f"{self.unpartnered_spun} left out (look spun)",
        ]
        if self.perplexity:
            tried = ", ".join(f"{w:g}: {p:g}" for w, p in sorted(self.perplexity.items()))
            lines.append(f"  held-out perplexity:  {tried} (0 = bundled model alone)")
        lines.append(f"  mixture weight:       {self.weight:g} (with the bundled model)")
        lines.append(f"  written to:           {self.output}")
        return "\n".join(lines)


MIN_GATE_DOCUMENTS = 20  # clean documents needed to set a table's own spin gate
# Decision threshold (log-odds) for the candidates of a table learned from a pile, when the
# decision model has no part of its own for such tables (one calibrated before 2026.11.30).
LEARNED_TABLE_THRESHOLD = -2.5
#: Extra evidence (log-odds) a pile-learned table's candidates need, by how it was learned,
#: on top of the decision model's threshold for learned tables.
METHOD_MARGINS: dict[str, float] = {"aligned": 0.0, "mixed": 0.0, "reference-free": 0.0}


def learned_threshold(method: str | None) -> float:
    """The decision threshold a table learned from a pile gets in its header: the decision
    model's threshold for learned tables (fitted on real spinner output with tables that
    ``unspin learn`` learned from aligned piles, ``bench.calibrate_w``) plus the method's
    margin (:data:`METHOD_MARGINS`).

    >>> learned_threshold("aligned") == learned_threshold(None)
    True
    """
    from ..models.decision import load_decision_model

    model = load_decision_model()
    base = model.learned.threshold if model.learned is not None else LEARNED_TABLE_THRESHOLD
    return base + METHOD_MARGINS.get(method or "aligned", 0.0)


def clean_spin_gate(
    result: LearnResult,
    paths: Sequence[Path],
    table: Table,
    *,
    field: str = "text",
    progress: bool = False,
) -> float | None:
    """The spin gate for ``table``, learned from a pile: twice the table-hit share
    (:func:`unspin.restore.detect.sure_share`) that 95% of the pile's clean documents (the clean
    sides of its pairs) stay under, and at least the engine's default. None when the pile
    has fewer than 20 such documents.

    A table learned from a heavy spinner covers ordinary words too, so clean news shows
    more table hits than with the bundled table; without its own gate, more clean
    documents would be taken for spun (and then get wrong changes).
    """
    from ..options import RestoreOptions
    from ..restore.detect import HIT_RATE_AT_HALF
    from ..restore.engine import engine_for

    if len(result.clean_documents) < MIN_GATE_DOCUMENTS:
        return None
    engine = engine_for(table, RestoreOptions(thorough=False))
    documents = tqdm_documents(iter_documents(paths, field), result, progress, "spin gate")
    rates = sorted(
        engine.spin(doc.text).sure_rate
        for n, doc in enumerate(documents)
        if n in result.clean_documents
    )
    p95 = rates[min(len(rates) - 1, int(0.95 * len(rates)))]
    return round(max(HIT_RATE_AT_HALF, 2 * p95), 4)


def write_learned_table(
    result: LearnResult,
    paths: Sequence[Path],
    output: Path,
    name: str,
    comments: Iterable[str] = (),
    *,
    field: str = "text",
    progress: bool = False,
    method: str | None = None,
) -> tuple[int, float | None, float | None]:
    """Write a learned table; learned from a pile (``paths``), it also gets its own spin
    gate (:func:`clean_spin_gate`, measured on the table as written, probabilities
    rounded as in the file) and its method's threshold (:func:`learned_threshold`); a
    pile without clean documents whose table has reference-free rows gets the threshold
    and a hit gate instead (:data:`unspin.learn.unpaired.HIT_GATE`). The header says
    how it was learned: ``method`` (default: the result's), the number of documents
    and the held-out precision estimate (:func:`heldout_precision`).
    Returns (rows written, gate, threshold).
    """
    comments = list(comments)
    method = method or result.method
    provenance = {
        "method": method,
        "docs": result.docs if method else None,
        "precision": result.precision,
    }
    rows = write_table(result.entries, output, name, comments, **provenance)
    gate = None
    if paths:
        gate = clean_spin_gate(result, paths, load_table(output), field=field, progress=progress)
    if gate is None:
        from . import unpaired

        sources = {part for e in result.entries for part in e.source.split("+")}
        if not paths or unpaired.SOURCE not in sources or "pairs" in sources:
            return rows, None, None
        # no clean documents to set a gate by: gate by clean English (unpaired.HIT_GATE);
        # not with given pairs, whose sure rows open the default gate (spinner W, 50 pairs
        # and a spun pile: 14.9% of errors undone without the hit gate, 9.5% with it)
        threshold = learned_threshold(method)
        hit_gate = unpaired.HIT_GATE
        write_table(
            result.entries, output, name, comments, None, threshold, hit_gate=hit_gate, **provenance
        )
        return rows, None, threshold
    threshold = learned_threshold(method)
    write_table(result.entries, output, name, comments, gate, threshold, **provenance)
    return rows, gate, threshold


def tqdm_documents(
    documents: Iterable[Document], result: LearnResult, progress: bool, desc: str
) -> Iterable[Document]:
    """``documents`` with a progress bar on stderr (when ``progress``)."""
    from tqdm import tqdm

    return tqdm(
        documents,
        desc=desc,
        unit=" docs",
        total=result.summary.documents or None,
        disable=not progress,
        file=sys.stderr,
    )


def pile_clean_texts(
    result: LearnResult,
    paths: Sequence[Path],
    table: Path,
    *,
    field: str = "text",
    pairs: Sequence[Path] = (),
    counts: Counter[str] | None = None,
    progress: bool = False,
) -> Iterator[str]:
    """The clean text of a pile: the clean sides of ``result``'s pairs and of the given
    ``pairs``, then the documents without a partner that restoring with the learned
    ``table`` would leave alone (their spin estimate is below ``min_spin``).

    Identical texts are yielded once. ``counts`` (if given) receives ``pairs``,
    ``kept`` and ``spun`` document counts.
    """
    from ..options import RestoreOptions
    from ..restore.engine import get_engine

    counts = Counter() if counts is None else counts
    options = RestoreOptions(tables=(table,), thorough=False)
    engine = None
    seen: set[int] = set()

    def fresh(text: str) -> bool:
        key = hash(text)
        if key in seen:
            return False
        seen.add(key)
        return True

    for _spun, clean in iter_pairs(pairs):
        if fresh(clean):
            counts["pairs"] += 1
            yield clean
    if not paths:
        return
    documents = tqdm_documents(iter_documents(paths, field), result, progress, "clean text")
    for n, doc in enumerate(documents):
        if n in result.spun_documents:
            continue
        if n in result.clean_documents:
            if fresh(doc.text):
                counts["pairs"] += 1
                yield doc.text
            continue
        if engine is None:
            engine = get_engine(options)
        if engine.spin(doc.text).spin >= options.min_spin:
            counts["spun"] += 1
        elif fresh(doc.text):
            counts["kept"] += 1
            yield doc.text


def adapt_lm(
    result: LearnResult,
    output: Path,
    *,
    paths: Sequence[Path] = (),
    table: Path,
    field: str = "text",
    pairs: Sequence[Path] = (),
    weight: float | None = None,
    progress: bool = False,
) -> AdaptSummary:
    """Train a language model of the pile's clean text, to be mixed with the bundled one.

    The texts are those of :func:`pile_clean_texts`; the model (ARPA, gzip when
    ``output`` ends in .gz) records in its header that :func:`unspin.models.lm.load_lm`
    must mix it with the bundled model, and with which ``weight`` (default: the one
    of :data:`unspin.models.lm_train.MIX_WEIGHTS` with the lowest held-out perplexity).
    Use it with ``RestoreOptions(lm=output)`` or ``unspin restore --lm``.

    Raises ValueError when the pile has no clean text or ``weight`` is not in (0, 1).
    """
    from ..models.lm_train import train_adapted_lm

    counts: Counter[str] = Counter()
    texts = list(
        pile_clean_texts(
            result, paths, table, field=field, pairs=pairs, counts=counts, progress=progress
        )
    )
    if not texts:
        raise ValueError(
            "no clean text to adapt the language model to: every document looks spun "
            "(or there were only phrase lists)"
        )
    trained = train_adapted_lm(
        texts,
        output,
        weight=weight,
        signature=f"lm:{output.name.split('.')[0]}",
        comments=[
            f"adapted to {len(texts)} clean documents of a pile by unspin learn "
            f"({counts['pairs']} clean sides of pairs, {counts['kept']} without a partner)"
        ],
        progress=progress,
    )
    return AdaptSummary(
        pair_documents=counts["pairs"],
        unpartnered_kept=counts["kept"],
        unpartnered_spun=counts["spun"],
        sentences=trained.summary.sentences,
        words=trained.summary.tokens,
        weight=trained.weight,
        perplexity=trained.perplexity,
        output=output,
    )
