"""How spun a document looks, and which of its words: the spin estimate as a user asks
for it (``unspin score``, ``--spans``), under given restore options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..options import RestoreOptions, resolve_options
from .detect import SpinEvidence
from .engine import get_engine
from .spin_features import SPAN_ALTERNATIVES, SPAN_SURPRISE, SpunWord, text_signals

if TYPE_CHECKING:
    from .judged import JudgedDocument

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
    text: str,
    options: RestoreOptions | None = None,
    *,
    judged: JudgedDocument | None = None,
    **overrides: Any,
) -> list[SpunWord]:
    """The words of ``text`` that look spun. By default those the contextual judge
    flags, each with the likeliest original its second head points at among the
    thesaurus's candidates and the judge's probability as strength
    (:func:`unspin.restore.judged.judged_spans`). On the fast path, the words whose more
    frequent thesaurus alternative the language model prefers, with the strength of that
    preference (log10); without a language model (``use_lm=False``) there are none.
    ``judged``: the judge's reading of this text if it was read already (see
    :func:`unspin.restore.api.spin_explain_judged`).

    >>> text = "The supervision said it would act."
    >>> [(s.word, s.original) for s in spun_spans(text, fast=True)]
    [('supervision', 'government')]
    >>> all(0.5 <= s.strength <= 1 for s in spun_spans(text))
    True
    """
    resolved = resolve_options(options, **overrides)
    if not resolved.fast:
        from .judged import judged_spans

        return judged_spans(text, judged)
    scorer = get_engine(resolved).scorer
    signals = text_signals(text, scorer, SPAN_SURPRISE, SPAN_ALTERNATIVES)
    return list(signals.suspects) if signals else []
