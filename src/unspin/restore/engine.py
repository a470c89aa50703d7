"""The restore engine: a loaded table, language model and decision model, wired from a
text's :mod:`~unspin.restore.analysis` to its :mod:`~unspin.restore.decisions` (edits in
the text's coordinates) and the confirmation check of the spin gate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..models.decision import DecisionModel, load_decision_model
from ..models.table import Table, bundled_table, load_merged
from ..options import RestoreOptions
from .analysis import Analysis, Scored, analyse
from .decisions import Edit, decide_again, decided_edits
from .decode import Decision, Scorer
from .detect import SpinEvidence, confirmed
from .hit_gate import clean_expectation

__all__ = [
    "Edit",
    "Engine",
    "get_engine",
    "engine_for",
    "Analysis",
    "Scored",
]


@lru_cache(maxsize=8)
def _load_tables(paths: tuple[Path, ...]) -> Table:
    return load_merged(paths) if paths else bundled_table()


def _load_scorer(options: RestoreOptions) -> Scorer:
    if not options.use_lm:
        from ..models.unigram import UnigramScorer

        return UnigramScorer()
    from ..models.lm import load_lm

    return load_lm(options.lm)


@dataclass
class Engine:
    """A loaded table, scorer and decision model, with the options that steer decisions."""

    table: Table
    scorer: Any
    options: RestoreOptions
    model: DecisionModel
    #: Clean English's weighted table hits per word, (mean, variance), for a table with
    #: a ``hit_gate`` (:func:`unspin.restore.hit_gate.clean_expectation`).
    clean_hits: tuple[float, float] | None = None

    @property
    def signature(self) -> str:
        """Reproducibility signature: versions of package, table and model."""
        from .._version import __version__

        extra = "".join(f"|{k}:{v}" for k, v in sorted(self.options.signature_parts().items()))
        return (
            f"unspin:{__version__}|table:{self.table.name}|{self.scorer.signature}"
            f"|decision:{self.model.name}{extra}"
        )

    def analyse(self, text: str) -> Analysis:
        """Tokenize, propose candidates, score each against the LM, measure the document
        (:func:`unspin.restore.analysis.analyse`)."""
        return analyse(text, self.table, self.scorer, self.options, self.clean_hits)

    def spin(self, text: str) -> SpinEvidence:
        """The document spin evidence for ``text``."""
        return self.analyse(text).evidence

    def edits(self, text: str) -> list[Edit]:
        """All edits the engine makes to ``text``, in order."""
        return self.edits_from(text, self.analyse(text))

    def edits_from(self, text: str, analysis: Analysis) -> list[Edit]:
        """Decide edits from a finished analysis of ``text``; none when the gate is on
        (``min_spin`` above 0) and too few of them bear out the spin estimate."""
        out = self.decided(text, analysis)
        if self.options.min_spin > 0 and not confirmed(analysis.evidence, len(out)):
            return []
        return out

    def decided(self, text: str, analysis: Analysis) -> list[Edit]:
        """The edits decided from a finished analysis of ``text``, however few
        (:func:`unspin.restore.decisions.decided_edits`)."""
        return decided_edits(text, analysis, self.model, self.scorer, self.options.margin)

    def _decide_again(
        self,
        sentences: Sequence[Scored],
        pruned: list[list[Decision]],
        chosen: list[list[Decision]],
    ) -> list[list[Decision]]:
        """:func:`unspin.restore.decisions.decide_again` with this engine's model, scorer
        and margin."""
        return decide_again(sentences, pruned, chosen, self.model, self.scorer, self.options.margin)


def engine_for(table: Table, options: RestoreOptions) -> Engine:
    """An engine over an already loaded ``table`` (not cached); a table learned from a pile
    (one with its own threshold) is decided by the model's part for learned tables."""
    model = load_decision_model()
    if table.threshold is not None:
        model = model.for_learned_table(table.threshold)
    clean_hits = clean_expectation(table.entries) if table.hit_gate is not None else None
    return Engine(table, _load_scorer(options), options, model, clean_hits)


@lru_cache(maxsize=8)
def get_engine(options: RestoreOptions) -> Engine:
    """The engine for these options (tables and model are loaded once and cached)."""
    return engine_for(_load_tables(options.tables), options)
