"""Writing a table learned from a pile, with what it needs to be used safely: its own spin
gate (measured on the pile's clean documents), its decision threshold, and a header saying
how it was learned."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..models.table import Table, load_table, write_table
from ..text.corpus import Document, iter_documents
from .result import LearnResult

__all__ = [
    "MIN_GATE_DOCUMENTS",
    "LEARNED_TABLE_THRESHOLD",
    "METHOD_MARGINS",
    "learned_threshold",
    "clean_spin_gate",
    "write_learned_table",
    "tqdm_documents",
]


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
    ``unspin learn`` learned from aligned piles, ``bench.quality.calibrate_w``) plus the method's
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
    # the share of table hits does not depend on the judge: the fast path reads it the same
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
