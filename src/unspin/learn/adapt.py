"""Adapting the language model to a pile: train an n-gram model of the pile's clean text
(the clean sides of its pairs, and the documents without a partner that do not look spun),
to be mixed with the bundled model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..text.corpus import iter_documents, iter_pairs
from .gates import tqdm_documents
from .result import LearnResult

__all__ = ["AdaptSummary", "pile_clean_texts", "adapt_lm"]


@dataclass(frozen=True)
class AdaptSummary:
    """What :func:`adapt_lm` trained on and wrote."""

    pair_documents: int  # clean sides of pile pairs and of given pairs
    unpartnered_kept: int  # documents without a partner that do not look spun
    unpartnered_spun: int  # documents without a partner left out: they look spun
    sentences: int
    words: int  # tokens: words, numbers and punctuation
    weight: float
    perplexity: dict[float, float]  # held-out perplexity per weight (0.0: general model)
    output: Path

    def format(self) -> str:
        """Multi-line human summary.

        >>> s = AdaptSummary(2, 1, 1, 9, 120, 0.3, {0.0: 900.0, 0.3: 400.0}, Path("a.arpa"))
        >>> print(s.format().splitlines()[0])
        adapted LM trained on: 3 documents, 120 tokens (9 sentences)
        """
        lines = [
            f"adapted LM trained on: {self.pair_documents + self.unpartnered_kept} documents, "
            f"{self.words} tokens ({self.sentences} sentences)",
            f"  clean sides of pairs: {self.pair_documents}",
            f"  without a partner:    {self.unpartnered_kept} kept, "
            f"{self.unpartnered_spun} left out (look spun)",
        ]
        if self.perplexity:
            tried = ", ".join(f"{w:g}: {p:g}" for w, p in sorted(self.perplexity.items()))
            lines.append(f"  held-out perplexity:  {tried} (0 = bundled model alone)")
        lines.append(f"  mixture weight:       {self.weight:g} (with the bundled model)")
        lines.append(f"  written to:           {self.output}")
        return "\n".join(lines)


def pile_clean_texts(
    result: LearnResult,
    paths: Sequence[Path],
    table: Path,
    *,
    field: str = "text",
    pairs: Sequence[Path] = (),
    counts: Counter[str] | None = None,
    progress: bool = False,
) -> Iterator[str]:
    """The clean text of a pile: the clean sides of ``result``'s pairs and of the given
    ``pairs``, then the documents without a partner that restoring with the learned
    ``table`` would leave alone (their spin estimate is below ``min_spin``).

    Identical texts are yielded once. ``counts`` (if given) receives ``pairs``,
    ``kept`` and ``spun`` document counts.
    """
    from ..options import RestoreOptions
    from ..restore.engine import get_engine

    counts = Counter() if counts is None else counts
    options = RestoreOptions(tables=(table,), thorough=False)
    engine = None
    seen: set[int] = set()

    def fresh(text: str) -> bool:
        key = hash(text)
        if key in seen:
            return False
        seen.add(key)
        return True

    for _spun, clean in iter_pairs(pairs):
        if fresh(clean):
            counts["pairs"] += 1
            yield clean
    if not paths:
        return
    documents = tqdm_documents(iter_documents(paths, field), result, progress, "clean text")
    for n, doc in enumerate(documents):
        if n in result.spun_documents:
            continue
        if n in result.clean_documents:
            if fresh(doc.text):
                counts["pairs"] += 1
                yield doc.text
            continue
        if engine is None:
            engine = get_engine(options)
        if engine.spin(doc.text).spin >= options.min_spin:
            counts["spun"] += 1
        elif fresh(doc.text):
            counts["kept"] += 1
            yield doc.text


def adapt_lm(
    result: LearnResult,
    output: Path,
    *,
    paths: Sequence[Path] = (),
    table: Path,
    field: str = "text",
    pairs: Sequence[Path] = (),
    weight: float | None = None,
    progress: bool = False,
) -> AdaptSummary:
    """Train a language model of the pile's clean text, to be mixed with the bundled one.

    The texts are those of :func:`pile_clean_texts`; the model (ARPA, gzip when
    ``output`` ends in .gz) records in its header that :func:`unspin.models.lm.load_lm`
    must mix it with the bundled model, and with which ``weight`` (default: the one
    of :data:`unspin.models.lm_adapt.MIX_WEIGHTS` with the lowest held-out perplexity).
    Use it with ``RestoreOptions(lm=output)`` or ``unspin restore --lm``.

    Raises ValueError when the pile has no clean text or ``weight`` is not in (0, 1).
    """
    from ..models.lm_adapt import train_adapted_lm

    counts: Counter[str] = Counter()
    texts = list(
        pile_clean_texts(
            result, paths, table, field=field, pairs=pairs, counts=counts, progress=progress
        )
    )
    if not texts:
        raise ValueError(
            "no clean text to adapt the language model to: every document looks spun "
            "(or there were only phrase lists)"
        )
    trained = train_adapted_lm(
        texts,
        output,
        weight=weight,
        signature=f"lm:{output.name.split('.')[0]}",
        comments=[
            f"adapted to {len(texts)} clean documents of a pile by unspin learn "
            f"({counts['pairs']} clean sides of pairs, {counts['kept']} without a partner)"
        ],
        progress=progress,
    )
    return AdaptSummary(
        pair_documents=counts["pairs"],
        unpartnered_kept=counts["kept"],
        unpartnered_spun=counts["spun"],
        sentences=trained.summary.sentences,
        words=trained.summary.tokens,
        weight=trained.weight,
        perplexity=trained.perplexity,
        output=output,
    )
