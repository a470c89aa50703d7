"""Deciding a document's edits from its :class:`~unspin.restore.analysis.Analysis`: each
candidate's prior from the decision model, the hopeless ones pruned, each sentence decoded
with the language model (:func:`unspin.restore.decode.decide`), once more where a swap made
elsewhere in the document was passed over (the repeat bonus), and the choices turned into
:class:`Edit` s in the text's coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from ..models.decision import DecisionModel
from ..text.tokens import Token, transfer_case
from .analysis import Analysis, Scored
from .candidates import Candidate
from .decode import Decision, Scorer, decide
from .scoring import swap

__all__ = ["Edit", "decided_edits", "decide_again"]

_PRUNE_SLACK = 1.0  # candidates this far below the threshold on their own are not searched


class Edit(NamedTuple):
    """One change: ``text[start:end] == found`` becomes ``restored``."""

    start: int
    end: int
    found: str
    restored: str
    score: float
    source: str


def decided_edits(
    text: str, analysis: Analysis, model: DecisionModel, scorer: Scorer, margin: float
) -> list[Edit]:
    """The edits decided from a finished analysis of ``text``, however few: candidates
    whose prior plus LM gain clears ``margin``, decoded sentence by sentence."""
    bonus = model.repeat_bonus
    # Candidates worth searching: (candidate with its prior, its LM gain alone), kept
    # down to where the repeat bonus could still carry them.
    pruned: list[list[Decision]] = []
    for sent in analysis.sentences:
        cands = []
        for c, f in zip(sent.candidates, sent.features, strict=True):
            prior = model.prior(f)
            if prior + f[0] > margin - _PRUNE_SLACK - bonus:
                cands.append((replace(c, prior=prior), f[0]))
        pruned.append(cands)
    floor = margin - _PRUNE_SLACK
    chosen = [
        decide(s.words, [c for c, g in cands if c.prior + g > floor], scorer, margin)
        for s, cands in zip(analysis.sentences, pruned, strict=True)
    ]
    if bonus > 0:
        chosen = decide_again(analysis.sentences, pruned, chosen, model, scorer, margin)
    return [
        _edit(text, analysis.tokens, sent.first, cand, gain)
        for sent, decisions in zip(analysis.sentences, chosen, strict=True)
        for cand, gain in decisions
    ]


def decide_again(
    sentences: Sequence[Scored],
    pruned: list[list[Decision]],
    chosen: list[list[Decision]],
    model: DecisionModel,
    scorer: Scorer,
    margin: float,
) -> list[list[Decision]]:
    """Decide once more where a swap made elsewhere in the document is on offer but was
    not made, with :attr:`DecisionModel.repeat_bonus` added to its prior."""
    made = {
        swap(s.words, c)
        for s, decisions in zip(sentences, chosen, strict=True)
        for c, _ in decisions
    }
    floor = margin - _PRUNE_SLACK
    out = []
    for sent, cands, decisions in zip(sentences, pruned, chosen, strict=True):
        taken = {c for c, _ in decisions}
        again, boosted = [], False
        for c, gain in cands:
            if c not in taken and swap(sent.words, c) in made:
                c, boosted = replace(c, prior=c.prior + model.repeat_bonus), True
            if c.prior + gain > floor:
                again.append(c)
        if boosted:
            decisions = decide(sent.words, again, scorer, margin)
        out.append(decisions)
    return out


def _edit(text: str, tokens: Sequence[Token], first: int, cand: Candidate, gain: float) -> Edit:
    """The edit of ``cand`` in a sentence starting at token ``first``: the text it covers
    becomes the candidate's, in the case it was written in."""
    start, end = tokens[first + cand.i].start, tokens[first + cand.j - 1].end
    found = text[start:end]
    return Edit(start, end, found, transfer_case(found, cand.text), round(gain, 3), cand.source)
