"""Learning a spun→original mapping table from a pile of articles: read the pile, find
versions of the same story, align them, pool the swaps into table rows (and, without
originals, learn from the pile's own statistics). :func:`learn_table` and
:func:`merge_tables` do all of it and write the table file, as ``unspin learn`` does.
Finding which copy is which original's is :mod:`unspin.twins`' job."""

from __future__ import annotations

from .adapt import AdaptSummary
from .learner import learn, merge, table_comments
from .result import LearnResult, LearnSummary
from .table_file import TableWritten, learn_table, merge_tables

__all__ = [
    "learn",
    "merge",
    "learn_table",
    "merge_tables",
    "LearnResult",
    "LearnSummary",
    "AdaptSummary",
    "TableWritten",
    "table_comments",
]
