"""A table file from a pile, end to end: learn (or merge tables), write the table with its
header (how it was learned, comments, its own spin gate and threshold), and optionally
adapt a language model to the pile's clean text. ``unspin learn`` is these two functions
with flags.

>>> import json, pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> rows = [{"spun": "The attorneys have advised a choose on Friday.",
...          "clean": "The lawyers have told a judge on Friday."}] * 2
>>> _ = (d / "pairs.jsonl").write_text("\\n".join(map(json.dumps, rows)), encoding="utf-8")
>>> written = learn_table(output=d / "mine.tsv", pairs=[d / "pairs.jsonl"])
>>> written.rows, written.learned.summary.given_pairs
(3, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import AdaptError, OptionError, UnspinError
from ..models.table import METHODS, load_merged, load_table, write_table
from . import learner
from .adapt import AdaptSummary, adapt_lm
from .gates import write_learned_table
from .result import LearnResult

__all__ = ["TableWritten", "check_learn_options", "learn_table", "merge_tables"]

Report = Callable[[str], None]


@dataclass(frozen=True)
class TableWritten:
    """A table file written by :func:`learn_table` or :func:`merge_tables`."""

    output: Path
    rows: int
    #: The table's own spin gate and decision threshold (None: the engine's defaults).
    spin_gate: float | None
    threshold: float | None
    #: What was learned (None for merged tables).
    learned: LearnResult | None = None
    #: The language model adapted to the pile (None unless asked for).
    adapted: AdaptSummary | None = None
    #: The hit gate of a table learned without clean documents (None: not used).
    hit_gate: float | None = None

    def format(self) -> str:
        """What was written, for people.

        >>> print(TableWritten(Path("t.tsv"), 12, 0.02, None).format())
        wrote 12 rows to t.tsv
        spin gate:             0.02 (share of table hits)
        """
        lines = [f"wrote {self.rows} rows to {self.output}"]
        if self.spin_gate is not None:
            lines.append(f"spin gate:             {self.spin_gate} (share of table hits)")
        if self.hit_gate is not None:
            lines.append(f"hit gate:              {self.hit_gate} (z above clean English)")
        if self.threshold is not None:
            lines.append(f"decision threshold:    {self.threshold} (table candidates)")
        return "\n".join(lines)


def check_learn_options(
    *,
    min_count: int = 2,
    pile_min_count: int | None = None,
    method: str | None = None,
    reference_free: str = "auto",
    lm_weight: float | None = None,
) -> None:
    """Raise :class:`~unspin.errors.OptionError` for a value :func:`learn_table` cannot take.

    >>> check_learn_options(reference_free="sometimes")
    Traceback (most recent call last):
    ...
    unspin.errors.OptionError: reference_free must be auto, on or off, not 'sometimes'
    """
    if lm_weight is not None and not 0.0 < lm_weight < 1.0:
        raise OptionError(
            "{0} must be between 0 and 1 (exclusive), not {value}", "lm_weight", value=lm_weight
        )
    if min_count < 1 or (pile_min_count is not None and pile_min_count < 1):
        raise OptionError("{0} and {1} must be at least 1", "min_count", "pile_min_count")
    if method is not None and method not in METHODS:
        raise OptionError(
            "{0} must be one of {choices}, not {value!r}",
            "method",
            choices=", ".join(METHODS),
            value=method,
        )
    if reference_free not in ("auto", "on", "off"):
        raise OptionError(
            "{0} must be auto, on or off, not {value!r}", "reference_free", value=reference_free
        )


def learn_table(
    paths: Sequence[Path] = (),
    output: Path = Path("table.tsv"),
    *,
    field: str = "text",
    pairs: Sequence[Path] = (),
    phrases: Sequence[Path] = (),
    min_count: int = 2,
    pile_min_count: int | None = None,
    name: str | None = None,
    comments: Sequence[str] = (),
    method: str | None = None,
    reference_free: str = "auto",
    lm_output: Path | None = None,
    lm_weight: float | None = None,
    progress: bool = False,
    report: Report | None = None,
) -> TableWritten:
    """Learn a table from a pile (:func:`unspin.learn.learn`: ``paths``, ``pairs``,
    ``phrases``, ``field``, ``min_count``, ``pile_min_count``, ``reference_free``) and write
    it to ``output`` (:func:`unspin.learn.gates.write_learned_table`), named ``name``
    (default: the file's stem), with ``comments`` after the header lines saying how it was
    learned and ``method`` (default: what it was learned from) in its header. With
    ``lm_output``, also train a language model of the pile's clean text there
    (:func:`unspin.learn.adapt.adapt_lm`, mixture weight ``lm_weight``; default: the
    best on held-out text). Use the table with ``RestoreOptions(tables=[output])``.

    ``progress`` shows progress bars on stderr; ``report`` is called with each step's
    summary for people as the step finishes (``unspin learn`` prints them).

    Raises :class:`~unspin.errors.OptionError` for bad values and when there is nothing
    to learn from, :class:`~unspin.errors.AdaptError` when the language model cannot be
    adapted (the table is written by then), and the reading errors of the pile's files.
    """
    check_learn_options(
        min_count=min_count,
        pile_min_count=pile_min_count,
        method=method,
        reference_free=reference_free,
        lm_weight=lm_weight,
    )
    if not (paths or pairs or phrases):
        raise OptionError(
            "nothing to learn from: give {0}, {1} or {2}", "paths", "pairs", "phrases"
        )
    from .unpaired import table_comments as unpaired_comments

    result = learner.learn(
        paths,
        field=field,
        pairs=pairs,
        phrases=phrases,
        progress=progress,
        min_count=min_count,
        pile_min_count=pile_min_count,
        reference_free=reference_free,
    )
    header = [*learner.table_comments(result), *unpaired_comments(result.entries)]
    if report is not None:
        report(result.summary.format())
    rows, gate, threshold = write_learned_table(
        result,
        paths,
        output,
        name or output.stem,
        [*header, *comments],
        field=field,
        progress=progress,
        method=method,
    )
    hit_gate = load_table(output).hit_gate
    written = TableWritten(output, rows, gate, threshold, learned=result, hit_gate=hit_gate)
    if report is not None:
        report(written.format())
    if lm_output is None:
        return written
    try:
        adapted = adapt_lm(
            result,
            lm_output,
            paths=paths,
            table=output,
            field=field,
            pairs=pairs,
            weight=lm_weight,
            progress=progress,
        )
    except ValueError as exc:
        if isinstance(exc, UnspinError):
            raise
        raise AdaptError(str(exc)) from exc
    if report is not None:
        report(adapted.format())
    return replace(written, adapted=adapted)


def merge_tables(
    paths: Sequence[Path],
    output: Path,
    *,
    name: str | None = None,
    comments: Sequence[str] = (),
    method: str | None = None,
    report: Report | None = None,
) -> TableWritten:
    """Merge the tables at ``paths`` into ``output`` (:func:`unspin.models.table.load_merged`:
    the same pair's counts summed, the most cautious spin gate and threshold), named
    ``name`` (default: the file's stem), with ``comments`` after the line saying what it
    was merged from, and ``method`` (default: the tables') in its header."""
    check_learn_options(method=method)
    merged = load_merged(paths)
    merged.method = method or merged.method
    header = [f"merged from {', '.join(str(p) for p in paths)}"]
    rows = write_table(
        merged.entries,
        output,
        name or output.stem,
        [*header, *comments],
        merged.spin_gate,
        merged.threshold,
        **merged.provenance(),
    )
    written = TableWritten(
        output, rows, merged.spin_gate, merged.threshold, hit_gate=merged.hit_gate
    )
    if report is not None:
        report(written.format())
    return written
