"""A context-free scorer from word frequencies, for ``use_lm=False``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

__all__ = ["UnigramScorer"]


@lru_cache(maxsize=200_000)
def _log10_freq(word: str) -> float:
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word, "en") if word[:1].isalpha() else 5.0
    return (zipf if zipf > 0 else 1.0) - 9.0


class UnigramScorer:
    """Scores a token sequence as a product of wordfreq unigram probabilities.

    >>> s = UnigramScorer()
    >>> s.score(["the", "court"]) > s.score(["the", "docket"])
    True
    """

    order = 1
    signature = "lm:wordfreq-1g"

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """log10 probability of ``words`` under the unigram model."""
        return sum(_log10_freq(w) for w in words)

    def token_logprobs(
        self, words: Sequence[str], bos: bool = True, eos: bool = True
    ) -> list[float]:
        """log10 probability of each word (and a neutral end-of-sentence)."""
        return [_log10_freq(w) for w in words] + ([0.0] if eos else [])
