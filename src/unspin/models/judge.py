"""The contextual judge: a small transformer that reads whole sentences and says, for each
word, how likely it is to have been put there by a spinner, and which word it replaced.

It is all-MiniLM-L6-v2 fine-tuned as a replaced-word detector (:mod:`unspin.models.judge_train`),
run with onnxruntime and tokenizers (no torch), int8 weights in ``data/judge/``. Words go
in as a document's tokens; windows of whole sentences up to :data:`WINDOW` word pieces are
run in batches. Loaded once per process (:func:`load_judge` is cached).

>>> judge = load_judge()
>>> read = judge.read(["The", "supervision", "said", "on", "Friday", "."])
>>> len(read.probs)
6
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import MissingDataError, ModelFormatError

__all__ = ["Judge", "JudgeRead", "load_judge", "FORMAT", "WINDOW"]

FORMAT = "unspin-judge/1"
#: Word pieces per window, [CLS] and [SEP] included (the length it was trained on).
WINDOW = 128
_BATCH = 16


@dataclass(frozen=True)
class JudgeRead:
    """The judge's reading of a word list: per word, the probability it was replaced, and
    (for :meth:`Judge.preference`) the vector that points at the word it replaced."""

    probs: list[float]
    vectors: Any  # numpy array (words, hidden), zeros where a word got no piece


class Judge:
    """A loaded judge (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        import numpy as np
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / "metrics.json").read_text())
        if meta.get("format") != FORMAT:
            raise ModelFormatError(
                f"{folder}/metrics.json: expected format {FORMAT!r}, found {meta.get('format')!r}"
            )
        self.name = f"judge:{meta.get('name', 'minilm-rtd')}"
        self.metrics = meta
        opts = ort.SessionOptions()
        threads = int(os.environ.get("UNSPIN_THREADS", "0") or 0)
        if threads:
            opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(folder / "judge.onnx"), opts, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self._folder = folder
        self._np = np
        self._rows: Any = None
        self._scale: Any = None
        self._piece: dict[str, int] = {}

    def read(self, words: Sequence[str], breaks: Sequence[int] = ()) -> JudgeRead:
        """Judge ``words`` (a document's tokens); ``breaks`` are indexes where a sentence
        starts, where windows prefer to be cut."""
        np = self._np
        n = len(words)
        vectors = np.zeros((n, 384), dtype=np.float32)
        probs = [0.0] * n
        if not n:
            return JudgeRead(probs, vectors)
        enc = self.tokenizer.encode(list(words), is_pretokenized=True, add_special_tokens=False)
        first: dict[int, int] = {}
        pieces_of = [0] * n
        for k, w in enumerate(enc.word_ids):
            if w is not None:
                first.setdefault(w, k)
                pieces_of[w] += 1
        windows = _windows(pieces_of, set(breaks), WINDOW - 2)
        ids = enc.ids
        jobs = []  # (word index, piece position in its window), per window
        rows = []
        for a, b in windows:
            start = first.get(a)
            if start is None:
                start = next((first[w] for w in range(a, b) if w in first), None)
            if start is None:
                continue
            end = min(start + sum(pieces_of[a:b]), start + WINDOW - 2)  # a giant word is cut
            rows.append([101, *ids[start:end], 102])
            jobs.append([(w, first[w] - start + 1) for w in range(a, b) if first.get(w, end) < end])
        for lo in range(0, len(rows), _BATCH):
            batch = rows[lo : lo + _BATCH]
            width = max(len(r) for r in batch)
            arr = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros_like(arr)
            for r, row in enumerate(batch):
                arr[r, : len(row)] = row
                mask[r, : len(row)] = 1
            logits, vecs = self.session.run(None, {"input_ids": arr, "attention_mask": mask})
            for r, places in enumerate(jobs[lo : lo + _BATCH]):
                for w, pos in places:
                    probs[w] = float(1 / (1 + np.exp(-logits[r, pos])))
                    vectors[w] = vecs[r, pos]
        return JudgeRead(probs, vectors)

    def _piece_id(self, word: str) -> int:
        pid = self._piece.get(word)
        if pid is None:
            ids = self.tokenizer.encode(word, add_special_tokens=False).ids
            pid = ids[0] if ids else 100
            self._piece[word] = pid
        return pid

    def preference(self, read: JudgeRead, at: int, observed: str, candidate: str) -> float:
        """How much more the judge's second head points at ``candidate`` than at
        ``observed`` as the word replaced at word ``at`` (a difference of logits; first
        word pieces only)."""
        if self._rows is None:
            data = self._np.load(self._folder / "output_embeddings.npz")
            self._rows, self._scale = data["rows"], data["scale"]
        v = read.vectors[at]
        a, b = self._piece_id(candidate.lower()), self._piece_id(observed.lower())
        if a == b:
            return 0.0
        ea = self._rows[a].astype(self._np.float32) * self._scale[a]
        eb = self._rows[b].astype(self._np.float32) * self._scale[b]
        return float(v @ (ea - eb))


def _windows(pieces: Sequence[int], breaks: set[int], limit: int) -> list[tuple[int, int]]:
    """Word ranges of at most ``limit`` pieces, cut at sentence ``breaks`` where they fit
    and between words elsewhere.

    >>> _windows([1, 1, 1, 1], {2}, 3)
    [(0, 2), (2, 4)]
    """
    out: list[tuple[int, int]] = []
    a = 0
    n = len(pieces)
    while a < n:
        total, b, cut = 0, a, None
        while b < n and total + pieces[b] <= limit:
            total += pieces[b]
            b += 1
            if b in breaks and b < n:
                cut = b
        if b == a:  # one word longer than a window: alone, truncated
            b = a + 1
        elif b < n and cut is not None and cut > a:
            b = cut
        out.append((a, b))
        a = b
    return out


@lru_cache(maxsize=2)
def load_judge(folder: str | Path | None = None) -> Judge:
    """The judge in ``folder`` (None: the bundled one in ``data/judge``); cached."""
    if folder is None:
        from ..resources import data_path

        folder = data_path("judge")
    folder = Path(folder)
    if not (folder / "judge.onnx").exists():
        raise MissingDataError(
            f"no judge model in {folder} (judge.onnx missing); reinstall unspin, or rebuild "
            "it with `unspin train-judge` as docs/data.md says"
        )
    return Judge(folder)
