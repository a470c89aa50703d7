"""Word-level signs of spinning that do not depend on any spinner's dictionary.

A spinner swaps words for dictionary alternatives that are mostly *rarer* than the word
they replace and fit their context worse ("final 12 months", "curiosity charges", "he
famous that"). For each content word the language model finds surprising here, this
module asks the thesaurus which more frequent words it may stand for, and how much more
the language model likes the best of them in the same slot. Counted over a document,
with how many surprising and rare content words it has, these are the features of the
document spin estimate (:mod:`unspin.restore.detect`).

Measured on spinner W's tune split, word by word these signs tell a swapped content word
from a clean one with an AUC of about 0.66: enough to point at the words of a heavily spun
text (seed 004's "supervision" for "government"), not to call a lightly spun story spun.

>>> from unspin.models.lm import load_lm
>>> signals = text_signals("The supervision said the tax would rise.", load_lm())
>>> [(s.word, s.original) for s in signals.suspects]
[('supervision', 'government')]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..models.decision import _zipf
from ..text.tokens import Token

__all__ = [
    "SpunWord",
    "DocumentSignals",
    "is_content_word",
    "sentence_signals",
    "document_signals",
    "text_signals",
    "SURPRISE",
    "SPAN_SURPRISE",
    "ALTERNATIVES",
    "SPAN_ALTERNATIVES",
]

#: Only content words whose LM log10 probability here is below this are looked at by the
#: spin gate (a fifth of them; skipping the rest keeps the gate cheap: it runs on every
#: document; at -4 and 6 alternatives it found no more spun stories at the same clean
#: false positives, 25% slower); :func:`unspin.restore.estimate.spun_spans` looks further.
SURPRISE = -5.0
SPAN_SURPRISE = -4.0
#: Thesaurus alternatives tried per surprising word (best first, more frequent ones only).
ALTERNATIVES = 4
SPAN_ALTERNATIVES = 6
#: LM gains (log10) at which a word counts as a weak and as a strong sign of spinning.
WEAK_GAIN = 2.0
STRONG_GAIN = 3.5
#: Words this frequent (zipf; the, of, said...) are function words, not content words.
FUNCTION_ZIPF = 6.3
_RARE_ZIPF = 3.0  # a content word this rare in English counts as rare
_MAX_GAIN = 8.0


class SpunWord(NamedTuple):
    """A word that looks spun: ``text[start:end] == word``; ``original`` is the more
    frequent word the LM prefers in its place, ``strength`` the log10 LM gain of it."""

    start: int
    end: int
    word: str
    original: str
    strength: float


@dataclass
class DocumentSignals:
    """Counts over a document's surprising content words (see the module docstring)."""

    surprising: int = 0  # content words with LM log10 probability below SURPRISE
    rare: int = 0  # ... that are rare in English too
    weak: int = 0  # ... that a more frequent alternative beats by WEAK_GAIN or more
    strong: int = 0  # ... by STRONG_GAIN or more
    suspects: list[SpunWord] = field(default_factory=list)

    def rates(self, words: int) -> dict[str, float]:
        """The counts as shares of the document's ``words``, each count less one standard
        deviation (its square root), so that one or two odd words in a short text do not
        make it look spun: the detector's inputs.

        >>> DocumentSignals(surprising=1, weak=1).rates(7)["weak_rate"]
        0.0
        """
        n = max(words, 1)

        def share(count: int) -> float:
            return (count - math.sqrt(count)) / n

        return {
            "surprising_rate": share(self.surprising),
            "rare_rate": share(self.rare),
            "weak_rate": share(self.weak),
            "strong_rate": share(self.strong),
        }


def is_content_word(token: Token, key: str) -> bool:
    """A word that may be a spin: lower-case letters only (no names, numbers, markup),
    three letters or more, and rarer than function words.

    >>> from unspin.text.tokens import tokenize
    >>> [t.text for t in tokenize("The court said Smith's lawyers erred.")
    ...  if is_content_word(t, t.text.lower())]
    ['court', 'said', 'lawyers', 'erred']
    """
    text = token.text
    return (
        token.kind == "word"
        and not token.protected
        and len(text) >= 3
        and text.isalpha()
        and not text[0].isupper()
        and _zipf(key) < FUNCTION_ZIPF
    )


def sentence_signals(
    tokens: Sequence[Token],
    keys: Sequence[str],
    words: Sequence[str],
    logprobs: Sequence[float],
    scorer: Any,
    sources: Callable[[str], Sequence[tuple[str, int]]],
    out: DocumentSignals,
    surprise: float = SURPRISE,
) -> None:
    """Add the signals of one sentence to ``out``: ``words`` are its LM tokens,
    ``logprobs`` their LM log10 probabilities (:meth:`token_logprobs`), ``sources(key)``
    gives thesaurus alternatives of a word, best first."""
    span = getattr(scorer, "score_span", None)
    for k, token in enumerate(tokens):
        if logprobs[k] >= surprise:
            continue
        key = keys[k]
        if not is_content_word(token, key):
            continue
        z = _zipf(key)
        out.surprising += 1
        if z < _RARE_ZIPF:
            out.rare += 1
        if span is None:
            continue
        left, right = words[:k], words[k + 1 :]
        own: float | None = None
        best, original = -_MAX_GAIN, ""
        for alt, _flags in sources(key):
            if _zipf(alt) <= z:
                continue
            if own is None:
                own = span(left, [words[k]], right, eos=True)
            gain = span(left, alt.split(), right, eos=True) - own
            if gain > best:
                best, original = gain, alt
        if best >= WEAK_GAIN:
            out.weak += 1
            if best >= STRONG_GAIN:
                out.strong += 1
            strength = round(min(best, _MAX_GAIN), 2)
            out.suspects.append(SpunWord(token.start, token.end, token.text, original, strength))


def document_signals(
    tokens: Sequence[Token],
    keys: Sequence[str],
    lm_words: Sequence[str],
    spans: Sequence[tuple[int, int]],
    logprobs: Sequence[Sequence[float]],
    scorer: Any,
    surprise: float = SURPRISE,
    alternatives: int = ALTERNATIVES,
) -> DocumentSignals | None:
    """:func:`sentence_signals` over a document's sentences (``spans`` of token indices,
    ``logprobs`` of each sentence's LM tokens), with the bundled thesaurus; None for a
    scorer that cannot compare words in context (``use_lm=False``)."""
    if getattr(scorer, "score_span", None) is None:
        return None
    from ..models.thesaurus import load_thesaurus

    thesaurus = load_thesaurus()

    def sources(word: str) -> Sequence[tuple[str, int]]:
        return thesaurus.sources_with_flags(word, alternatives)

    out = DocumentSignals()
    for (a, b), sent_logprobs in zip(spans, logprobs, strict=True):
        sentence_signals(tokens[a:b], keys[a:b], lm_words[a:b], sent_logprobs, scorer, sources, out)
    return out


def text_signals(
    text: str, scorer: Any, surprise: float = SURPRISE, alternatives: int = ALTERNATIVES
) -> DocumentSignals | None:
    """:func:`document_signals` of a text (the engine computes the same on its tokens)."""
    from ..text.tokens import lm_token, norm, sentence_spans, tokenize

    tokens = tokenize(text)
    keys = [norm(t.text) for t in tokens]
    lm_words = [lm_token(t) for t in tokens]
    spans = sentence_spans(tokens, text)
    logprobs = [scorer.token_logprobs(lm_words[a:b]) for a, b in spans]
    return document_signals(tokens, keys, lm_words, spans, logprobs, scorer, surprise, alternatives)
