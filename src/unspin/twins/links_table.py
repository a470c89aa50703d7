"""Learn the spinner's table from spun copies linked to their originals (``unspin learn
--refs``): every twin found also teaches the table that restores copies without one.

A link is proof of spinning, so no pair finding or side deciding is needed: each copy is
aligned with its reference (:func:`unspin.twins.align.align`) and the swaps are counted
as a pile's are (:func:`unspin.learn.learner.learn_from_chosen`). The table's own spin
gate is set on clean text: the linked references, and a sample of the other references
(:data:`GATE_REFERENCES` in all), which an index holds by the thousand.

>>> original = "The lawyers told a federal judge on Friday that the company would appeal."
>>> copy = "The attorneys advised a federal choose on Friday that the corporate would appeal."
>>> learned = learn_from_links([(copy, original)] * 2)
>>> sorted((e.spun, e.original) for e in learned.entries)[:3]
[('attorneys advised', 'lawyers told'), ('choose', 'judge'), ('corporate', 'company')]
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ..learn.gates import learned_threshold, write_learned_table
from ..learn.learner import LearnResult, learn_from_chosen, table_comments
from ..learn.table_file import TableWritten
from ..models.table import merge_entries, write_table
from .align import align, prepare
from .number_rows import number_rows
from .pairing import Edge

__all__ = [
    "GATE_REFERENCES",
    "LINKS_MIN_COUNT",
    "NUMBER_ROWS",
    "learn_from_links",
    "write_links_table",
]

#: Clean documents the learned table's own spin gate is measured on, at most: the linked
#: references first, then others drawn from the index (the gate reads each with the
#: engine, so a sample does).
GATE_REFERENCES = 600
#: Sightings a swap needs to become a row: one (a link proves its copy spun, so every
#: aligned swap is the spinner's). Spinner W's dev sets, 600 links, tune stories, the
#: table alone on 150 stories not indexed (light / heavy, --fast): 52.1 / 50.7% of errors
#: undone at 1, 50.4 / 48.9% at 2, 50.0 / 47.9% at 3; held-out stories 50.1 / 49.9% at 1,
#: 47.9 / 47.6% at 2.
LINKS_MIN_COUNT = 1
#: Whether a spinner seen spelling out figures gets rows back to digits for every number
#: below a hundred (:mod:`unspin.twins.number_rows`).
NUMBER_ROWS = True


def learn_from_links(
    pairs: Iterable[tuple[str, str]],
    *,
    min_count: int = 2,
    pile_min_count: int | None = LINKS_MIN_COUNT,
) -> LearnResult:
    """Table entries from ``(copy, reference)`` pairs: each copy aligned with the
    reference it was spun from, swaps counted as :func:`unspin.learn.learn` counts a
    pile's (``min_count``, ``pile_min_count`` as there), and spelled numbers back to
    digits when the copies show the spinner spelling them out
    (:func:`unspin.twins.number_rows.number_rows`, with :data:`NUMBER_ROWS`). Documents
    are numbered copy, reference, copy, reference... (``spun_documents`` even,
    ``clean_documents`` odd)."""
    chosen = []
    n = 0
    for n, (copy, reference) in enumerate(pairs, 1):
        alignment = align(prepare(copy), prepare(reference))
        chosen.append(Edge(2 * n - 2, 2 * n - 1, 0.0, alignment.coverage, alignment))
    result = learn_from_chosen(2 * n, chosen, min_count=min_count, pile_min_count=pile_min_count)
    numbers = number_rows(e.alignment for e in chosen) if NUMBER_ROWS else []
    if not numbers:
        return result
    entries = merge_entries([*result.entries, *numbers])
    return replace(result, entries=sorted(entries, key=lambda e: (e.spun, e.original)))


def write_links_table(
    pairs: Sequence[tuple[str, str]],
    output: Path,
    *,
    references: Sequence[str] = (),
    name: str | None = None,
    comments: Sequence[str] = (),
    min_count: int = 2,
    pile_min_count: int | None = LINKS_MIN_COUNT,
    seed: int = 0,
) -> TableWritten:
    """Learn a table from linked ``(copy, reference)`` pairs (:func:`learn_from_links`)
    and write it to ``output`` with its header, its own spin gate (measured on the linked
    references and a sample of ``references``, the index's other clean texts) and the
    threshold of a learned table. Use it with ``RestoreOptions(tables=[output])``."""
    result = learn_from_links(pairs, min_count=min_count, pile_min_count=pile_min_count)
    linked = [reference for _, reference in pairs][:GATE_REFERENCES]
    others = list(references)
    room = max(0, GATE_REFERENCES - len(linked))
    if len(others) > room:
        others = random.Random(seed).sample(others, room)
    with tempfile.TemporaryDirectory(prefix="unspin-links-") as folder:
        clean = Path(folder) / "clean.jsonl"
        with clean.open("w", encoding="utf-8") as f:
            for k, text in enumerate([*linked, *others]):
                f.write(json.dumps({"id": k, "text": text}) + "\n")
        gated = replace(result, clean_documents=frozenset(range(len(linked) + len(others))))
        header = [
            f"learned by unspin learn --refs from {len(pairs)} copies linked to their references",
            *table_comments(result)[1:],
        ]
        name = name or output.stem
        rows, gate, threshold = write_learned_table(
            gated, [clean], output, name, [*header, *comments]
        )
    if threshold is None:  # too few clean texts for a gate: still a learned table's threshold
        threshold = learned_threshold(result.method)
        provenance = {"method": result.method, "docs": result.docs, "precision": result.precision}
        write_table(
            result.entries, output, name, [*header, *comments], None, threshold, **provenance
        )
    return TableWritten(output, rows, gate, threshold, learned=result)
