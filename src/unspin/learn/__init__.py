"""Learning a spun→original mapping table from a pile of articles: read the pile, find
versions of the same story, align them, pool the swaps into table rows (and, without
originals, learn from the pile's own statistics)."""

from __future__ import annotations

from .learner import LearnResult, LearnSummary, learn, merge, table_comments

__all__ = ["learn", "merge", "LearnResult", "LearnSummary", "table_comments"]
