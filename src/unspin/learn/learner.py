"""Learn the spinner's dictionary from a pile of unlabelled articles.

The pile's spun/clean pairs come from :mod:`unspin.learn.pairing` (near duplicates, which
side is spun, word alignment); here their swapped phrases are counted, and statistics
keep what is systematic:

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
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..models.table import Entry, load_merged, merge_entries, phrase_key
from ..text.corpus import iter_pairs
from ..text.inflect import is_inflection
from .align import Alignment, Change, Prepared, Substitution, align, prepare
from .pairing import (  # noqa: F401 - shared with unspin match; names kept here too  # noqa: F401
    FULL_PILE,
    MIN_COVERAGE,
    MIN_DENSITY,
    MIN_MARGIN,
    BigramSketch,
    _direction_votes,
    _load_lm,
    consistency,
    document_keys,
    orient_pairs,
    spin_density,
    spin_margin,
    verify_pair,
)
from .pairing import Edge as _Edge
from .pairing import choose_pairs as _choose_pairs
from .pairing import pile_edges as _pile_edges
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


# Moved to modules of their own; still importable from here.
from .adapt import AdaptSummary, adapt_lm, pile_clean_texts  # noqa: E402, F401
from .gates import (  # noqa: E402, F401
    LEARNED_TABLE_THRESHOLD,
    METHOD_MARGINS,
    MIN_GATE_DOCUMENTS,
    clean_spin_gate,
    learned_threshold,
    tqdm_documents,
    write_learned_table,
)
