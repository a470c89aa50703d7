"""How spun a document looks, and which of its words: the spin estimate as a user asks
for it (``unspin score``, ``--spans``), under given restore options."""

from __future__ import annotations

from typing import Any

from ..options import RestoreOptions, resolve_options
from .detect import SpinEvidence
from .engine import get_engine
from .spin_features import SPAN_ALTERNATIVES, SPAN_SURPRISE, SpunWord, text_signals

__all__ = ["spin_score", "document_spin", "spun_spans"]


def spin_score(text: str, options: RestoreOptions | None = None, **overrides: Any) -> float:
    """How spun ``text`` looks, from 0 (clean) to 1.

    >>> spin_score("The court ruled on Friday.") < 0.5
    True
    """
    return document_spin(text, options, **overrides).spin


def document_spin(
    text: str, options: RestoreOptions | None = None, **overrides: Any
) -> SpinEvidence:
    """The spin evidence of ``text`` under these restore options (see :class:`SpinEvidence`).

    >>> document_spin("The court ruled on Friday.").spin < 0.5
    True
    """
    return get_engine(resolve_options(options, **overrides)).spin(text)


def spun_spans(
    text: str, options: RestoreOptions | None = None, **overrides: Any
) -> list[SpunWord]:
    """The words of ``text`` that look spun, each with the more frequent word the
    language model prefers in its place and the strength of that preference (log10).
    It looks at more words than the spin gate does (:data:`spin_features.SPAN_SURPRISE`);
    without a language model (``use_lm=False``) there are none.

    >>> [(s.word, s.original) for s in spun_spans("The supervision said it would act.")]
    [('supervision', 'government')]
    """
    scorer = get_engine(resolve_options(options, **overrides)).scorer
    signals = text_signals(text, scorer, SPAN_SURPRISE, SPAN_ALTERNATIVES)
    return list(signals.suspects) if signals else []
