"""Train an n-gram language model (interpolated modified Kneser-Ney) into an ARPA file.

Tokenization is :func:`unspin.text.tokens.lm_sentences`, the same function the query side
uses. Counting runs on numpy arrays, so the bundled model (15.5M words of Wikipedia)
builds in a few minutes on two cores::

    python -m unspin.models.lm_train /work/shared/corpus/wikipedia_en.jsonl.gz \\
        --output data/lm/wiki-3g.arpa.gz

The ARPA file starts with ``#`` comment lines (kenlm skips them) that carry the
format name and the model's signature; :mod:`unspin.models.lm` checks them on load.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "tiny.arpa"
>>> train_lm(["The cat sat on the mat.", "The dog sat on the rug."], out, prune=(0,)).ngrams
(11, 12, 13)
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..text.tokens import lm_sentences

__all__ = ["LMSummary", "train_lm", "iter_corpus_texts", "FORMAT", "main"]

FORMAT = "unspin-lm 1"
_UNK, _BOS, _EOS = 0, 1, 2
_SPECIALS = ("<unk>", "<s>", "</s>")
_DEFAULT_DISCOUNTS = (0.0, 0.5, 1.0, 1.5)
_NO_PROB = -99.0


@dataclass(frozen=True)
class LMSummary:
    """What :func:`train_lm` wrote: corpus size, n-grams kept per order, time, file size."""

    sentences: int
    tokens: int
    ngrams: tuple[int, ...]
    seconds: float
    bytes: int


# ----------------------------------------------------------------------------- corpus


def iter_corpus_texts(
    paths: Iterable[str | Path] | str | Path, field: str = "text"
) -> Iterator[str]:
    """Yield the texts of .txt files, folders, and .jsonl / .jsonl.gz files
    (read by :func:`unspin.text.corpus.iter_documents`).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_text('{"text": "One."}\\n{"text": "Two."}\\n')
    >>> list(iter_corpus_texts([p]))
    ['One.', 'Two.']
    """
    from ..text.corpus import iter_documents

    if isinstance(paths, (str, Path)):
        paths = [paths]
    for doc in iter_documents([Path(p) for p in paths], field=field):
        yield doc.text


class _Corpus:
    """Token ids of the whole corpus, each sentence as ``<s> w1 ... wn </s>``."""

    def __init__(self, texts: Iterable[str], progress: bool) -> None:
        from array import array

        from tqdm import tqdm

        self.vocab: dict[str, int] = {w: i for i, w in enumerate(_SPECIALS)}
        ids = array("i")
        self.sentences = 0
        for text in tqdm(
            texts, desc="tokenizing", unit=" texts", file=sys.stderr, disable=not progress
        ):
            for sentence in lm_sentences(text):
                ids.append(_BOS)
                ids.extend(self._id(w) for w in sentence if w)
                ids.append(_EOS)
                self.sentences += 1
        self.ids = np.frombuffer(ids, dtype=np.int32)
        self.words = list(self.vocab)
        self.tokens = len(self.ids) - 2 * self.sentences

    def _id(self, word: str) -> int:
        found = self.vocab.get(word)
        if found is None:
            found = self.vocab[word] = len(self.vocab)
        return found


# ----------------------------------------------------------------------------- counting


class _Table:
    """All n-grams of one order, sorted lexicographically, with counts and probabilities."""

    def __init__(self, grams: np.ndarray, raw: np.ndarray) -> None:
        self.grams = grams  # (n, k) int32, lexicographic order
        self.raw = raw  # raw counts
        self.adjusted = raw  # Kneser-Ney (continuation) counts
        self.keep = np.ones(len(raw), dtype=bool)
        self.prob = np.zeros(len(raw))
        self.backoff = np.ones(len(raw))


def _pack(cols: np.ndarray, bits: int) -> np.ndarray:
    """One uint64 key per row; key order equals the rows' lexicographic order."""
    key = np.zeros(len(cols), dtype=np.uint64)
    for j in range(cols.shape[1]):
        key = (key << np.uint64(bits)) | cols[:, j].astype(np.uint64)
    return key


def _count_order(ids: np.ndarray, k: int, bits: int) -> _Table:
    """Count the k-grams that do not cross a sentence boundary."""
    if k == 1:
        raw = np.bincount(ids, minlength=int(ids.max()) + 1).astype(np.int64)
        return _Table(np.arange(len(raw), dtype=np.int32)[:, None], raw)
    sid = np.cumsum(ids == _BOS, dtype=np.int32)
    n = len(ids) - k + 1
    starts = np.flatnonzero(sid[:n] == sid[k - 1 :])
    cols = np.stack([ids[starts + j] for j in range(k)], axis=1)
    del starts, sid
    if k * bits <= 64:
        keys, raw = np.unique(_pack(cols, bits), return_counts=True)
        grams = np.stack(
            [
                (keys >> np.uint64(bits * (k - 1 - j))) & np.uint64((1 << bits) - 1)
                for j in range(k)
            ],
            axis=1,
        ).astype(np.int32)
        return _Table(grams, raw.astype(np.int64))
    order = np.lexsort(cols.T[::-1])
    cols = cols[order]
    first = np.ones(len(cols), dtype=bool)
    first[1:] = np.any(cols[1:] != cols[:-1], axis=1)
    starts = np.flatnonzero(first)
    raw = np.diff(np.append(starts, len(cols)))
    return _Table(cols[starts], raw.astype(np.int64))


def _adjust(lower: _Table, higher: _Table, bits: int) -> None:
    """Kneser-Ney counts: how many distinct words precede each n-gram (raw after ``<s>``)."""
    suffixes, continuation = np.unique(_pack(higher.grams[:, 1:], bits), return_counts=True)
    where = np.searchsorted(suffixes, _pack(lower.grams, bits))
    where = np.minimum(where, len(suffixes) - 1)
    found = suffixes[where] == _pack(lower.grams, bits)
    adjusted = np.where(found, continuation[where], 0)
    lower.adjusted = np.where(lower.grams[:, 0] == _BOS, lower.raw, adjusted).astype(np.int64)


def _discounts(adjusted: np.ndarray) -> np.ndarray:
    """Modified Kneser-Ney discounts ``[0, D1, D2, D3+]`` from counts of counts."""
    n = np.bincount(np.minimum(adjusted, 5), minlength=6)[1:5].astype(float)
    result = np.array(_DEFAULT_DISCOUNTS)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = n[0] / (n[0] + 2 * n[1])
        for i in (1, 2, 3):
            d = i - (i + 1) * y * n[i] / n[i - 1]
            if np.isfinite(d) and 0 < d < i:
                result[i] = d
    return result


# ----------------------------------------------------------------------------- pruning


def _prune(tables: list[_Table], prune: Sequence[int], vocab_size: int | None, bits: int) -> None:
    """Mark n-grams to keep: count above the order's threshold, words in the vocabulary.

    Every prefix and suffix of a kept n-gram is kept too, as kenlm expects.
    """
    in_vocab = np.ones(len(tables[0].raw), dtype=bool)
    if vocab_size is not None:
        ranked = np.argsort(-tables[0].raw, kind="stable")
        in_vocab[ranked[vocab_size:]] = False
        in_vocab[list(range(len(_SPECIALS)))] = True
    tables[0].keep = in_vocab
    for k, table in enumerate(tables[1:], 2):
        threshold = prune[min(k - 1, len(prune) - 1)]
        table.keep = (table.raw > threshold) & in_vocab[table.grams].all(axis=1)
    for k in range(len(tables), 1, -1):
        table, lower = tables[k - 1], tables[k - 2]
        lower_keys = _pack(lower.grams, bits)
        for part in (table.grams[table.keep, :-1], table.grams[table.keep, 1:]):
            lower.keep[np.searchsorted(lower_keys, _pack(part, bits))] = True


# ----------------------------------------------------------------------------- estimation


def _estimate(tables: list[_Table], bits: int) -> None:
    """Interpolated probabilities and backoffs; pruned n-grams' mass goes to the backoff."""
    for k, table in enumerate(tables, 1):
        adjusted = table.adjusted.copy()
        if k == 1:
            adjusted[_BOS] = 0
        discount = _discounts(adjusted)[np.minimum(adjusted, 3)]
        if k == 1:
            group = np.zeros(len(adjusted), dtype=np.int64)
            starts = np.array([0])
        else:
            context = _pack(table.grams[:, :-1], bits)
            first = np.ones(len(context), dtype=bool)
            first[1:] = context[1:] != context[:-1]
            starts = np.flatnonzero(first)
            group = np.cumsum(first) - 1
        total = np.add.reduceat(adjusted, starts).astype(float)
        freed = np.where(table.keep, discount, adjusted)
        gamma = np.add.reduceat(freed, starts) / np.maximum(total, 1e-300)
        own = np.where(table.keep, adjusted - discount, 0) / np.maximum(total[group], 1e-300)
        if k == 1:
            vocabulary = int(table.keep.sum()) - 1  # <s> is never predicted
            table.prob = own + gamma[0] / vocabulary
            table.prob[_BOS] = 0.0
            table.backoff[:] = 1.0
            continue
        lower = tables[k - 2]
        lower_keys = _pack(lower.grams, bits)
        suffix = np.searchsorted(lower_keys, _pack(table.grams[:, 1:], bits))
        suffix = np.minimum(suffix, len(lower_keys) - 1)
        table.prob = own + gamma[group] * lower.prob[suffix]
        contexts = np.searchsorted(lower_keys, _pack(table.grams[starts, :-1], bits))
        lower.backoff[contexts] = gamma


# ----------------------------------------------------------------------------- writing


def _arpa_lines(table: _Table, words: np.ndarray, highest: bool) -> Iterator[str]:
    kept = np.flatnonzero(table.keep)
    with np.errstate(divide="ignore"):
        logp = np.log10(table.prob[kept])
        logb = np.log10(table.backoff[kept])
    logp[~np.isfinite(logp)] = _NO_PROB
    text = [" ".join(row) for row in words[table.grams[kept]].tolist()]
    if highest:
        for p, t in zip(logp.tolist(), text, strict=True):
            yield f"{p:.5f}\t{t}\n"
        return
    for p, t, b in zip(logp.tolist(), text, logb.tolist(), strict=True):
        yield f"{p:.5f}\t{t}\t{b:.5f}\n" if b else f"{p:.5f}\t{t}\n"


def _open_output(path: Path, gz: bool) -> io.TextIOWrapper:
    """A text file for writing; gzip without a name or time stamp, so rebuilds are
    byte-identical."""
    raw = open(path, "wb")  # noqa: SIM115
    if gz:
        raw = gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0)
    return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")


def _write_arpa(
    tables: list[_Table], words: list[str], output: Path, header: Sequence[str]
) -> None:
    """Write the ARPA file (gzip when ``output`` ends in .gz) atomically."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    vocab = np.array(words, dtype=object)
    with _open_output(partial, gz=output.suffix == ".gz") as out:
        out.writelines(f"# {line}\n" for line in header)
        out.write("\n\\data\\\n")
        for k, table in enumerate(tables, 1):
            out.write(f"ngram {k}={int(table.keep.sum())}\n")
        for k, table in enumerate(tables, 1):
            out.write(f"\n\\{k}-grams:\n")
            out.writelines(_arpa_lines(table, vocab, k == len(tables)))
        out.write("\n\\end\\\n")
    os.replace(partial, output)


# ----------------------------------------------------------------------------- API


def train_lm(
    texts: Iterable[str],
    output: str | Path,
    *,
    order: int = 3,
    prune: tuple[int, ...] = (0, 1, 2),
    vocab_size: int | None = None,
    signature: str | None = None,
    comments: Sequence[str] = (),
    progress: bool = False,
) -> LMSummary:
    """Train an interpolated modified Kneser-Ney ``order``-gram model into an ARPA file.

    ``prune[i]`` drops (i+1)-grams seen at most that many times (the last value
    applies to higher orders; unigrams are pruned only by ``vocab_size``, which
    keeps the most frequent words). Pruned n-grams' probability mass moves to the
    backoff weights, so the model stays normalized. ``signature`` (default
    ``lm:<file stem>``) and ``comments`` go into the file's ``#`` header.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "tiny.arpa.gz"
    >>> train_lm(["A b c. A b d."], out, order=2, prune=(0,)).ngrams
    (8, 7)
    """
    from tqdm import tqdm

    started = time.perf_counter()
    output = Path(output)
    if order < 1 or not prune:
        raise ValueError("order must be >= 1 and prune must hold at least one threshold")
    corpus = _Corpus(texts, progress)
    if corpus.sentences == 0:
        raise ValueError("no text to train on: the corpus is empty")
    bits = max(1, (len(corpus.words) - 1).bit_length())
    if (order - 1) * bits > 64:
        raise ValueError(
            f"{len(corpus.words)} word types are too many for order {order}; "
            "set vocab_size or lower the order"
        )
    steps = tqdm(total=order + 3, desc="estimating", file=sys.stderr, disable=not progress)
    tables = []
    for k in range(1, order + 1):
        tables.append(_count_order(corpus.ids, k, bits))
        steps.update()
    for k in range(order - 1, 0, -1):
        _adjust(tables[k - 1], tables[k], bits)
    _prune(tables, prune, vocab_size, bits)
    steps.update()
    _estimate(tables, bits)
    steps.update()
    header = [
        FORMAT,
        f"signature: {signature or 'lm:' + output.name.split('.')[0]}",
        f"order: {order}",
        f"sentences: {corpus.sentences}",
        f"tokens: {corpus.tokens}",
        f"prune: {' '.join(map(str, prune))}",
        *comments,
    ]
    _write_arpa(tables, corpus.words, output, header)
    steps.update()
    steps.close()
    return LMSummary(
        sentences=corpus.sentences,
        tokens=corpus.tokens,
        ngrams=tuple(int(t.keep.sum()) for t in tables),
        seconds=round(time.perf_counter() - started, 2),
        bytes=output.stat().st_size,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m unspin.models.lm_train CORPUS... --output FILE``."""
    parser = argparse.ArgumentParser(
        prog="python -m unspin.models.lm_train", description=__doc__.split("\n")[0]
    )
    parser.add_argument("corpus", nargs="+", help=".txt files or folders, .jsonl(.gz) files")
    parser.add_argument("--output", "-o", required=True, help="ARPA file (.arpa or .arpa.gz)")
    parser.add_argument("--order", type=int, default=3)
    parser.add_argument(
        "--prune",
        type=int,
        nargs="+",
        default=[0, 1, 2],
        help="per order: drop n-grams seen at most this often (default 0 1 2)",
    )
    parser.add_argument("--vocab-size", type=int, default=None)
    parser.add_argument("--field", default="text", help="JSON field holding the text")
    parser.add_argument("--signature", default=None, help="e.g. lm:wiki-3g-2026.11")
    parser.add_argument("--comment", action="append", default=[], help="extra header line")
    args = parser.parse_args(argv)
    summary = train_lm(
        iter_corpus_texts(args.corpus, field=args.field),
        args.output,
        order=args.order,
        prune=tuple(args.prune),
        vocab_size=args.vocab_size,
        signature=args.signature,
        comments=args.comment,
        progress=True,
    )
    print(summary, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
