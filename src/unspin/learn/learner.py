"""Learn the spinner's dictionary from a pile of unlabelled articles.

The pile's spun/clean pairs come from :mod:`unspin.twins.pairing` (near duplicates, which
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
unambiguous single sighting is enough (the counting is :mod:`unspin.learn.row_stats`'s).
The table's precision is estimated on held-out pairs of the pile (:func:`heldout_precision`)
and written in its header with how it was learned (``method``, ``docs``).

>>> result = learn(pairs=[], phrases=[])
>>> result.entries, result.summary.documents
([], 0)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..models.table import Entry, load_merged, merge_entries
from ..text.corpus import iter_pairs
from ..twins.align import Change, align, prepare
from ..twins.pairing import (  # noqa: F401 - shared with unspin match; names kept here too  # noqa: F401
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
from ..twins.pairing import Edge as _Edge
from ..twins.pairing import choose_pairs as _choose_pairs
from ..twins.pairing import pile_edges as _pile_edges
from .phrases import phrase_entries
from .result import LearnResult, LearnSummary
from .row_stats import _significant, _Stats, heldout_precision

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
    "heldout_precision",
]


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
