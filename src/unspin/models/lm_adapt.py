"""A language model adapted to a pile: a model of the pile's clean text, written with a
header that makes :func:`unspin.models.lm.load_lm` mix it with a general model
(``unspin learn --lm-output``), its mixture weight chosen on held-out text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..text.tokens import lm_sentences
from .lm_train import LMSummary, train_lm

__all__ = ["AdaptedLM", "train_adapted_lm", "MIX_WEIGHTS", "DEFAULT_MIX_WEIGHT"]

#: Mixture weights :func:`train_adapted_lm` tries on held-out text (a pile is small:
#: the general model keeps at least half of the probability).
MIX_WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5)
DEFAULT_MIX_WEIGHT = 0.3
_HOLD_OUT_EVERY = 10  # every 10th text is held out to choose the weight
_MIN_HELD_OUT = 2


@dataclass(frozen=True)
class AdaptedLM:
    """What :func:`train_adapted_lm` wrote: the model, its mixture weight, and the
    held-out perplexity of each weight tried (``0.0``: the general model alone)."""

    summary: LMSummary
    weight: float
    perplexity: dict[float, float]


def _perplexities(
    texts: Sequence[str], adapted: Path, general: Path | None, weights: Sequence[float]
) -> dict[float, float]:
    """Perplexity of ``texts`` under each mixture of ``adapted`` and ``general``."""
    from .lm import LanguageModel, MixedLanguageModel, _read_kenlm, load_lm, mix_logprob

    own = LanguageModel(_read_kenlm(adapted), "lm:held-out", adapted)
    base = load_lm(general)
    if not isinstance(base, LanguageModel):
        raise ValueError(f"{base.path}: the general model must not itself be a mixture")
    mixture = MixedLanguageModel(own, base, 0.5, adapted)
    pairs: list[tuple[float, float]] = []
    for text in texts:
        for sentence in lm_sentences(text):
            own_probs, base_probs = mixture.component_logprobs(sentence)
            pairs.extend(zip(own_probs, base_probs, strict=True))
    if not pairs:
        return {}
    out = {0.0: 10 ** (-sum(g for _, g in pairs) / len(pairs))}
    for w in weights:
        total = sum(mix_logprob(a, g, w) for a, g in pairs)
        out[w] = 10 ** (-total / len(pairs))
    return {w: round(v, 2) for w, v in out.items()}


def train_adapted_lm(
    texts: Iterable[str],
    output: str | Path,
    *,
    weight: float | None = None,
    mix_with: str = "bundled",
    order: int = 3,
    prune: tuple[int, ...] = (0,),
    signature: str | None = None,
    comments: Sequence[str] = (),
    progress: bool = False,
) -> AdaptedLM:
    """Train a model of ``texts`` to be mixed with a general model, into an ARPA file.

    The header says ``mix-with`` (``bundled`` or the general model's path, relative
    to ``output``'s folder) and ``weight``, so :func:`unspin.models.lm.load_lm` returns the
    mixture. Without ``weight``, every tenth text is held out, a model of the rest
    is mixed with each of :data:`MIX_WEIGHTS`, and the weight with the lowest
    held-out perplexity wins (:data:`DEFAULT_MIX_WEIGHT` when there is too little
    text to hold out); the final model is trained on all texts.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "pile.arpa.gz"
    >>> train_adapted_lm(["The court ruled."], out, weight=0.2).weight
    0.2
    """
    import tempfile

    if weight is not None and not 0.0 < weight < 1.0:
        raise ValueError(f"the mixture weight must be between 0 and 1 (exclusive), not {weight}")
    texts = [t for t in texts if t.strip()]
    held = texts[::_HOLD_OUT_EVERY] if len(texts) >= _HOLD_OUT_EVERY * _MIN_HELD_OUT else []
    perplexity: dict[float, float] = {}
    if weight is None and held:
        rest = [t for k, t in enumerate(texts) if k % _HOLD_OUT_EVERY]
        general = None if mix_with == "bundled" else Path(output).parent / mix_with
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / "held-out.arpa"
            train_lm(rest, probe, order=order, prune=prune, progress=progress)
            perplexity = _perplexities(held, probe, general, MIX_WEIGHTS)
    if weight is None:
        tried = {w: p for w, p in perplexity.items() if w > 0}
        weight = min(tried, key=tried.__getitem__) if tried else DEFAULT_MIX_WEIGHT
    lines = [f"mix-with: {mix_with}", f"weight: {weight:g}"]
    if perplexity:
        lines.append(
            "held-out perplexity: "
            + ", ".join(f"{w:g} -> {p:g}" for w, p in sorted(perplexity.items()))
        )
    summary = train_lm(
        texts,
        output,
        order=order,
        prune=prune,
        signature=signature,
        comments=[*lines, *comments],
        progress=progress,
    )
    return AdaptedLM(summary, weight, perplexity)
