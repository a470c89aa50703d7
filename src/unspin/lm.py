"""The language model of clean English: log10 probabilities of normalized token sequences.

Tokens are those of :func:`unspin.tokens.lm_sentences` (lower case, numbers as
``<num>``). The bundled model is an interpolated modified Kneser-Ney n-gram model
trained on English Wikipedia (CC BY-SA 3.0) by :mod:`unspin.lm_train`; kenlm
queries it.

>>> lm = load_lm()
>>> lm.score(["the", "court", "ruled", "."]) > lm.score(["the", "tribunal", "ruled", "."])
True
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import os
import sys
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from .errors import MissingDataError, ModelFormatError
from .resources import data_path

__all__ = ["LanguageModel", "load_lm", "read_header", "BUNDLED_LM", "FORMAT"]

FORMAT = "unspin-lm 1"
BUNDLED_LM = "lm/wiki-3g.arpa.gz"
_RETRAIN = "rebuild it with `python -m unspin.lm_train CORPUS --output FILE`"
_LEFT_CACHE_SIZE = 50_000


class LanguageModel:
    """A kenlm n-gram model with unspin's scoring helpers (all scores are log10)."""

    def __init__(self, model: Any, signature: str, path: Path) -> None:
        import kenlm

        self._model = model
        self._state_type = kenlm.State
        self._left: dict[tuple[tuple[str, ...], bool], Any] = {}
        self.signature = signature
        self.order: int = model.order
        self.path = path

    def __repr__(self) -> str:
        return f"LanguageModel({self.signature!r}, order={self.order})"

    def token_logprobs(
        self, words: Sequence[str], bos: bool = True, eos: bool = True
    ) -> list[float]:
        """log10 probability of each token, plus ``</s>`` when ``eos``.

        >>> len(load_lm().token_logprobs(["the", "court"]))
        3
        """
        scores = self._model.full_scores(" ".join(words), bos=bos, eos=eos)
        return [prob for prob, _length, _oov in scores]

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """log10 probability of the whole token sequence.

        >>> load_lm().score(["the", "court"]) < 0
        True
        """
        return self._model.score(" ".join(words), bos=bos, eos=eos)

    def score_span(
        self,
        left: Sequence[str],
        middle: Sequence[str],
        right: Sequence[str],
        *,
        bos: bool = True,
        eos: bool = False,
    ) -> float:
        """log10 P(middle + right | left): compares alternatives for ``middle``.

        Only the last ``order - 1`` words of ``left`` and the first ``order - 1`` of
        ``right`` are used; later words of ``right`` score the same whatever
        ``middle`` is. A ``left`` shorter than ``order - 1`` starts the sentence
        (unless ``bos=False``); ``eos=True`` adds ``</s>`` when ``right`` is that short.
        Differences of ``score_span`` equal differences of :meth:`score`.

        >>> lm = load_lm()
        >>> a = lm.score_span(["the"], ["court"], ["ruled", "that"])
        >>> b = lm.score_span(["the"], ["tribunal"], ["ruled", "that"])
        >>> a > b
        True
        """
        model = self._model
        state = self._left_state(left, bos)
        out, spare = self._state_type(), self._state_type()
        context = self.order - 1
        tail: Sequence[str] = right[:context]
        if eos and len(right) < context:
            tail = [*tail, "</s>"]
        total = 0.0
        for word in chain(middle, tail):
            total += model.BaseScore(state, word, out)
            state, out, spare = out, spare, out  # never write the cached left state
        return total

    def score_spans(
        self,
        left: Sequence[str],
        middles: Sequence[Sequence[str]],
        right: Sequence[str],
        *,
        bos: bool = True,
        eos: bool = False,
    ) -> list[float]:
        """:meth:`score_span` for each alternative ``middle``.

        >>> lm = load_lm()
        >>> a, b = lm.score_spans(["the"], [["court"], ["tribunal"]], ["ruled"])
        >>> a > b
        True
        """
        return [self.score_span(left, m, right, bos=bos, eos=eos) for m in middles]

    def _left_state(self, left: Sequence[str], bos: bool) -> Any:
        """kenlm state after ``left`` (cached: the decoder reuses contexts)."""
        context = self.order - 1
        words = tuple(left[-context:]) if context else ()
        key = (words, bos and len(left) < context)
        state = self._left.get(key)
        if state is not None:
            return state
        state = self._state_type()
        if key[1]:
            self._model.BeginSentenceWrite(state)
        else:
            self._model.NullContextWrite(state)
        for word in words:
            out = self._state_type()
            self._model.BaseScore(state, word, out)
            state = out
        if len(self._left) >= _LEFT_CACHE_SIZE:
            self._left.clear()
        self._left[key] = state
        return state


def read_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines that start an unspin ARPA file (``format`` for the first).

    A kenlm binary file gives ``{"format": "kenlm binary"}``; an ARPA file without
    a header gives ``{}``.
    """
    with open(path, "rb") as raw:
        start = raw.read(2)
    opener = gzip.open if start == b"\x1f\x8b" else open
    header: dict[str, str] = {}
    try:
        with opener(path, "rb") as handle:
            first = handle.read(8)
            if first == b"mmap lm ":
                return {"format": "kenlm binary"}
            lines = (first + handle.read(4096)).decode("utf-8", "replace").splitlines()
    except (OSError, EOFError) as error:
        raise ModelFormatError(
            f"{path}: cannot read the language model ({error}); {_RETRAIN}"
        ) from None
    for line in lines:
        if not line.startswith("#"):
            break
        text = line[1:].strip()
        if not header:
            header["format"] = text
        elif ":" in text:
            key, value = text.split(":", 1)
            header[key.strip()] = value.strip()
    return header


def _check_header(path: Path) -> str:
    """The model's signature; raises ModelFormatError for another unspin format version."""
    header = read_header(path)
    found = header.get("format", "")
    if found.startswith("unspin-lm") and found != FORMAT:
        raise ModelFormatError(
            f"{path}: language model format {found!r}, this unspin reads {FORMAT!r}; "
            f"upgrade unspin or {_RETRAIN}"
        )
    stem = path.name.split(".")[0]
    return header.get("signature", f"lm:{stem}")


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence kenlm's C++ notice ("Loading the LM will be faster if you build a binary file")."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> LanguageModel:
    import kenlm

    signature = _check_header(path)
    config = kenlm.Config()
    config.load_method = kenlm.LoadMethod.LAZY
    config.show_progress = False
    try:
        with _quiet_stderr():
            model = kenlm.Model(str(path), config)
    except (OSError, RuntimeError) as error:
        raise ModelFormatError(
            f"{path}: not a valid ARPA or kenlm binary language model ({error}); {_RETRAIN}"
        ) from None
    return LanguageModel(model, signature, path)


def load_lm(path: str | Path | None = None) -> LanguageModel:
    """Load (once, then from cache) a language model; ``None`` is the bundled one.

    Raises MissingDataError if the file does not exist and ModelFormatError if it
    is not a language model kenlm can read.

    >>> load_lm().order
    3
    """
    if path is None:
        resolved = data_path(BUNDLED_LM)
    else:
        resolved = Path(path).expanduser()
        if not resolved.is_file():
            raise MissingDataError(f"language model {resolved} does not exist; {_RETRAIN}")
    return _load(resolved.resolve())
