"""What the contextual judge (:mod:`unspin.models.judge`) says about a document: each
token's probability of being a spinner's word, the document features the spin estimate
is calibrated on, and the judge's say in each candidate's decision.

The calibration (weights of the document model and of the decision terms) lives beside
the judge's weights in ``data/judge/calibration.json``; ``python -m bench.bench_judge
--fit`` refits it on spinner W's tune split (measuring only; nothing of it is trained on).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ModelFormatError
from ..models.decision import _zipf
from ..text.tokens import Token, sentence_spans, tokenize
from .spin_features import SpunWord

__all__ = [
    "JudgedDocument",
    "Calibration",
    "load_calibration",
    "judge_document",
    "document_features",
    "eligible",
    "DOC_FEATURES",
    "judged_spans",
]

CALIBRATION_FORMAT = "unspin-judge-calibration/1"
#: The document features, in the order of the calibration's weights.
DOC_FEATURES = ("top_mean", "mean", "high_share", "a_prob", "table_spin", "lm_spin", "log_words")
_TOP = 10
_HIGH = 0.8
_FUNCTION_ZIPF = 6.3


@dataclass(frozen=True)
class Calibration:
    """The document model (log-odds = bias + weights . features) and the judge's terms
    in candidate decisions (LM log10 units)."""

    bias: float
    weights: tuple[float, ...]
    #: Prior added per candidate: ``slot * (logit(p) - slot_center) + prefer * preference``.
    slot: float = 0.0
    slot_center: float = 0.0
    prefer: float = 0.0
    #: Words the judge flags at this probability or more get thesaurus candidates.
    flag: float = 0.9

    def spin(self, features: dict[str, float]) -> float:
        pairs = zip(DOC_FEATURES, self.weights, strict=True)
        z = self.bias + sum(w * features.get(n, 0.0) for n, w in pairs)
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=4)
def load_calibration(path: str | Path | None = None) -> Calibration:
    """The calibration file (None: the bundled ``data/judge/calibration.json``)."""
    if path is None:
        from ..resources import data_path

        path = data_path("judge") / "calibration.json"
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != CALIBRATION_FORMAT or tuple(data.get("features", ())) != DOC_FEATURES:
        raise ModelFormatError(
            f"{path}: expected format {CALIBRATION_FORMAT!r} with features {DOC_FEATURES}"
        )
    return Calibration(
        data["bias"],
        tuple(data["weights"]),
        data.get("slot", 0.0),
        data.get("slot_center", 0.0),
        data.get("prefer", 0.0),
        data.get("flag", 0.9),
    )


def eligible(tokens: Sequence[Token], k: int, starts: set[int]) -> bool:
    """A word the judge's document features count: lower-case letters (or capitalised at
    a sentence start), not protected."""
    t = tokens[k]
    if t.kind != "word" or t.protected or not t.text.replace("-", "").isalpha():
        return False
    return t.text.islower() or (k in starts and t.text[1:].islower())


def document_features(
    tokens: Sequence[Token], starts: set[int], probs: Sequence[float]
) -> dict[str, float]:
    """The judge's part of the document features (see :data:`DOC_FEATURES`)."""
    content = [
        probs[k]
        for k in range(len(tokens))
        if eligible(tokens, k, starts) and _zipf(tokens[k].text.lower()) < _FUNCTION_ZIPF
    ]
    arts = [probs[k] for k in range(len(tokens)) if tokens[k].text.lower() in ("a", "an")]
    top = sorted(content, reverse=True)[:_TOP]
    return {
        "top_mean": sum(top) / _TOP,
        "mean": sum(content) / max(len(content), 1),
        "high_share": sum(p >= _HIGH for p in content) / max(len(content), 1),
        "a_prob": sum(arts) / max(len(arts), 1),
    }


@dataclass(frozen=True)
class JudgedDocument:
    """The judge's reading of a document: per token ``probs``, its ``read`` (for
    :meth:`unspin.models.judge.Judge.preference`) and the document ``features``."""

    probs: list[float]
    read: Any = field(compare=False)
    features: dict[str, float] = field(default_factory=dict)
    read_words: list[str] = field(default_factory=list)


def judge_document(
    judge: Any, tokens: Sequence[Token], spans: Sequence[tuple[int, int]]
) -> JudgedDocument:
    """Run ``judge`` over a document's ``tokens`` (sentences ``spans``)."""
    starts = {a for a, _ in spans}
    words = [t.text for t in tokens]
    read = judge.read(words, sorted(starts))
    return JudgedDocument(read.probs, read, document_features(tokens, starts, read.probs), words)


def judged_spans(text: str, doc: JudgedDocument | None = None) -> list[SpunWord]:
    """The words of ``text`` the bundled judge flags (probability at least the
    calibration's ``flag``), each with the thesaurus candidate its second head points at
    most ("the" for a flagged "a"; "" when the thesaurus has none) and the probability.
    ``doc``: the judge's reading of this same text, if it was read already."""
    from ..models.judge import load_judge
    from ..models.thesaurus import load_thesaurus

    judge, flag = load_judge(), load_calibration().flag
    tokens = tokenize(text)
    spans = sentence_spans(tokens, text)
    starts = {a for a, _ in spans}
    if doc is None or len(doc.probs) != len(tokens):
        doc = judge_document(judge, tokens, spans)
    thesaurus = load_thesaurus()
    out = []
    for k, t in enumerate(tokens):
        if doc.probs[k] < flag or not eligible(tokens, k, starts):
            continue
        low = t.text.lower()
        options = ["the"] if low in ("a", "an") else thesaurus.sources_of(low, 20)
        best = max(options, key=lambda c: judge.preference(doc.read, k, low, c), default="")
        out.append(SpunWord(t.start, t.end, t.text, best, round(doc.probs[k], 3)))
    return out
