"""What learning a table returns (:func:`unspin.learn.learner.learn`): the entries, a
summary of the run, and which pile documents were the spun and the clean sides of its pairs.
The modules that use a result (writing the table, :mod:`unspin.learn.gates`; adapting the
language model, :mod:`unspin.learn.adapt`) import it from here."""

from __future__ import annotations

from dataclasses import dataclass

from ..models.table import Entry

__all__ = ["LearnSummary", "LearnResult"]


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
