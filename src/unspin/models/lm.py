"""The language model of clean English: log10 probabilities of normalized token sequences.

Tokens are those of :func:`unspin.text.tokens.lm_sentences` (lower case, numbers as
``<num>``). The bundled model is an interpolated modified Kneser-Ney n-gram model
trained on English Wikipedia (CC BY-SA 3.0) by :mod:`unspin.models.lm_train`; kenlm
queries it.

A model adapted to a pile (``unspin learn --lm-output``) says in its header that it
is to be mixed with a general model (``# mix-with: bundled``, ``# weight: 0.3``);
:func:`load_lm` then returns a :class:`MixedLanguageModel`, the linear interpolation
``p = w * p_adapted + (1 - w) * p_general`` of each token's probability.

>>> lm = load_lm()
>>> lm.score(["the", "court", "ruled", "."]) > lm.score(["the", "tribunal", "ruled", "."])
True
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import math
import os
import sys
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from ..errors import MissingDataError, ModelFormatError
from ..resources import data_path

__all__ = [
    "LanguageModel",
    "MixedLanguageModel",
    "load_lm",
    "read_header",
    "mix_logprob",
    "BUNDLED_LM",
    "FORMAT",
]

FORMAT = "unspin-lm 1"
BUNDLED_LM = "lm/wiki-3g.arpa.gz"
_RETRAIN = "rebuild it with `python -m unspin.models.lm_train CORPUS --output FILE`"
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

    def path_logprobs(
        self, left: Sequence[str], words: Sequence[str], bos: bool = True
    ) -> list[float]:
        """log10 probability of each of ``words`` after ``left`` (``</s>`` may end ``words``).

        >>> lm = load_lm()
        >>> lm.path_logprobs([], ["the", "court", "</s>"]) == lm.token_logprobs(["the", "court"])
        True
        """
        model = self._model
        state = self._left_state(left, bos)
        out, spare = self._state_type(), self._state_type()
        probs = []
        for word in words:
            probs.append(model.BaseScore(state, word, out))
            state, out, spare = out, spare, out  # never write the cached left state
        return probs

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


def mix_logprob(adapted: float, general: float, weight: float) -> float:
    """log10 of ``weight * 10**adapted + (1 - weight) * 10**general`` (``adapted`` may
    be ``-inf``: a word the adapted model does not know).

    >>> round(mix_logprob(-1.0, -3.0, 0.5), 4)  # (0.1 + 0.001) / 2
    -1.2967
    """
    return _log10_add(adapted + math.log10(weight), general + math.log10(1.0 - weight))


def _log10_add(a: float, b: float) -> float:
    """log10(10**a + 10**b), without overflow."""
    if a < b:
        a, b = b, a
    return a + math.log10(1.0 + 10.0 ** (b - a))


class MixedLanguageModel:
    """A pile-adapted model interpolated with a general one, token by token (log10 scores).

    Each token's probability is ``weight * p_adapted + (1 - weight) * p_general``,
    both in their own n-gram context; :meth:`score` sums these, and
    :meth:`score_span` differences equal :meth:`score` differences as for
    :class:`LanguageModel`. A word the adapted model never saw gets only the general
    model's share, ``(1 - weight) * p_general``: a small model's ``<unk>`` mass would
    otherwise make every rare word about equally likely. Made by :func:`load_lm`
    from an adapted model's header.

    >>> import tempfile, pathlib
    >>> from unspin.models.lm_train import train_lm
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "pile.arpa"
    >>> mix = ["mix-with: bundled", "weight: 0.3"]
    >>> _ = train_lm(["The tribunal ruled."] * 3, out, prune=(0,), comments=mix)
    >>> lm, words = load_lm(out), ["the", "tribunal", "ruled", "."]
    >>> lm.signature
    'lm:wiki-3g-2026.11+pile@0.3'
    >>> lm.score(words) > lm.general.score(words)
    True
    """

    def __init__(
        self, adapted: LanguageModel, general: LanguageModel, weight: float, path: Path
    ) -> None:
        if not 0.0 < weight < 1.0:
            raise ValueError(f"mixture weight must be between 0 and 1 (exclusive), not {weight}")
        self.adapted = adapted
        self.general = general
        self.weight = weight
        self.order: int = max(adapted.order, general.order)
        self.path = path
        self.signature = f"{general.signature}+{adapted.signature.removeprefix('lm:')}@{weight:g}"
        self._log_a = math.log10(weight)
        self._log_g = math.log10(1.0 - weight)
        self._vocabulary = adapted._model  # kenlm answers `word in model`

    def __repr__(self) -> str:
        return f"MixedLanguageModel({self.signature!r}, order={self.order})"

    def _mix(self, adapted: Sequence[float], general: Sequence[float]) -> list[float]:
        log_a, log_g = self._log_a, self._log_g
        return [_log10_add(pa + log_a, pg + log_g) for pa, pg in zip(adapted, general, strict=True)]

    def component_logprobs(
        self, words: Sequence[str], bos: bool = True, eos: bool = True
    ) -> tuple[list[float], list[float]]:
        """Each token's log10 probability under the adapted model (``-inf`` for a word
        it never saw) and under the general model, plus ``</s>`` when ``eos``."""
        scores = self.adapted._model.full_scores(" ".join(words), bos=bos, eos=eos)
        adapted = [-math.inf if oov else prob for prob, _length, oov in scores]
        return adapted, self.general.token_logprobs(words, bos, eos)

    def token_logprobs(
        self, words: Sequence[str], bos: bool = True, eos: bool = True
    ) -> list[float]:
        """Mixed log10 probability of each token, plus ``</s>`` when ``eos``."""
        return self._mix(*self.component_logprobs(words, bos, eos))

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """Mixed log10 probability of the whole token sequence."""
        return sum(self.token_logprobs(words, bos, eos))

    def path_logprobs(
        self, left: Sequence[str], words: Sequence[str], bos: bool = True
    ) -> list[float]:
        """Mixed log10 probability of each of ``words`` after ``left``."""
        known = self._vocabulary
        adapted = self.adapted.path_logprobs(left, words, bos)
        return self._mix(
            [p if w in known else -math.inf for p, w in zip(adapted, words, strict=True)],
            self.general.path_logprobs(left, words, bos),
        )

    def score_span(
        self,
        left: Sequence[str],
        middle: Sequence[str],
        right: Sequence[str],
        *,
        bos: bool = True,
        eos: bool = False,
    ) -> float:
        """log10 P(middle + right | left), as :meth:`LanguageModel.score_span`."""
        context = self.order - 1
        tail: list[str] = list(right[:context])
        if eos and len(right) < context:
            tail.append("</s>")
        return sum(self.path_logprobs(left, [*middle, *tail], bos))

    score_spans = LanguageModel.score_spans  # the same, over this class's score_span


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


def _check_header(path: Path) -> dict[str, str]:
    """The model's header; raises ModelFormatError for another unspin format version."""
    header = read_header(path)
    found = header.get("format", "")
    if found.startswith("unspin-lm") and found != FORMAT:
        raise ModelFormatError(
            f"{path}: language model format {found!r}, this unspin reads {FORMAT!r}; "
            f"upgrade unspin or {_RETRAIN}"
        )
    return header


def _signature(path: Path, header: dict[str, str]) -> str:
    stem = path.name.split(".")[0]
    return header.get("signature", f"lm:{stem}")


def _mixture_parts(path: Path, header: dict[str, str]) -> tuple[Path, float]:
    """The general model an adapted model mixes with, and its weight (checked)."""
    mix_with, raw = header["mix-with"], header.get("weight")
    redo = "write it again with `unspin learn ... --lm-output FILE`"
    try:
        weight = float(raw) if raw is not None else math.nan
    except ValueError:
        weight = math.nan
    if not 0.0 < weight < 1.0:
        raise ModelFormatError(
            f"{path}: the header of this adapted language model needs '# weight: W' with "
            f"0 < W < 1, found {raw!r}; fix that line or {redo}"
        )
    if mix_with == "bundled":
        general = data_path(BUNDLED_LM)
    else:
        general = (path.parent / Path(mix_with).expanduser()).resolve()
        if not general.is_file():
            raise MissingDataError(
                f"{path}: mixes with {mix_with!r}, but {general} does not exist; "
                f"give 'mix-with: bundled' or the path of a general model"
            )
    if general == path or "mix-with" in read_header(general):
        raise ModelFormatError(
            f"{path}: mixes with {general}, which is itself an adapted model; "
            "mix with a general model ('mix-with: bundled')"
        )
    return general, weight


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


def _read_kenlm(path: Path) -> Any:
    """The kenlm model of an ARPA or binary file (not cached)."""
    import kenlm

    config = kenlm.Config()
    config.load_method = kenlm.LoadMethod.LAZY
    config.show_progress = False
    try:
        with _quiet_stderr():
            return kenlm.Model(str(path), config)
    except (OSError, RuntimeError, UnicodeDecodeError) as error:  # kenlm's message may not decode
        raise ModelFormatError(
            f"{path}: not a valid ARPA or kenlm binary language model ({error}); {_RETRAIN}"
        ) from None


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> LanguageModel | MixedLanguageModel:
    header = _check_header(path)
    if "mix-with" in header:
        general_path, weight = _mixture_parts(path, header)
        general = _load(general_path.resolve())
        assert isinstance(general, LanguageModel)  # _mixture_parts refuses mixtures
        adapted = LanguageModel(_read_kenlm(path), _signature(path, header), path)
        return MixedLanguageModel(adapted, general, weight, path)
    return LanguageModel(_read_kenlm(path), _signature(path, header), path)


def load_lm(path: str | Path | None = None) -> LanguageModel | MixedLanguageModel:
    """Load (once, then from cache) a language model; ``None`` is the bundled one.

    A model whose header has ``mix-with`` (written by ``unspin learn --lm-output``)
    comes back as a :class:`MixedLanguageModel` with the general model it names.
    Raises MissingDataError if a file does not exist and ModelFormatError if it is
    not a language model kenlm can read or its mixture header is wrong.

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
