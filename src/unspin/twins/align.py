"""Align two versions of a story and extract the phrases the spinner swapped.

Sentences are matched by token-level similarity (so reordered or partial
versions still align), then each sentence pair is aligned word by word with
Levenshtein opcodes; every changed block of 1-4 words a side becomes a
candidate substitution ``spun -> original``.

>>> a = align_texts("Twitter filed in federal court docket on Friday in keeping with papers.",
...                 "Twitter filed in federal court on Friday according to papers.")
>>> [(s.spun, s.original) for s in a.substitutions()]
[('court docket', 'court'), ('in keeping with', 'according to')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..text.tokens import OPENERS, Token, norm, sentence_spans, tokenize

__all__ = [
    "Sentence",
    "Prepared",
    "Substitution",
    "Change",
    "Alignment",
    "prepare",
    "align",
    "align_texts",
    "word_blocks",
]

MAX_PHRASE = 4
CONTEXT = 3  # tokens each side of a change that say whether it sits in a rewrite
_STRAIGHT = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
# Anchors that make a poor left/right context for a bare insertion ("court docket in").
_WEAK = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "that",
        "this",
        "is",
        "are",
        "was",
        "were",
        "be",
        "it",
        "its",
        "'s",
        "'t",
    ]
)


class _Vocab:
    """Maps normalized tokens to single characters so rapidfuzz compares token strings."""

    _LIMIT = 0x10FFFF - 0x800 - 0x100

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def char(self, key: str) -> str:
        c = self._ids.get(key)
        if c is None:
            n = len(self._ids)
            if n >= self._LIMIT:  # a vocabulary this large shares codes: harmless collisions
                n = hash(key) % self._LIMIT
            code = n + 0x100
            if code >= 0xD800:
                code += 0x800  # skip the surrogate block
            c = chr(code)
            self._ids[key] = c
        return c


_VOCAB = _Vocab()


@dataclass(frozen=True)
class Sentence:
    """A sentence of one document: its tokens, their keys and their encoding."""

    tokens: tuple[Token, ...]
    keys: tuple[str, ...]
    code: str  # one character per token, for fast similarity
    words: int  # tokens that are not punctuation


@dataclass(frozen=True)
class Prepared:
    """A document split into sentences, ready to be aligned many times."""

    text: str
    sentences: tuple[Sentence, ...]
    words: int


def prepare(text: str) -> Prepared:
    """Tokenize and split a document once.

    >>> [s.keys for s in prepare("The court ruled. It won.").sentences]
    [('the', 'court', 'ruled', '.'), ('it', 'won', '.')]
    """
    tokens = tokenize(text)
    sentences = []
    for a, b in sentence_spans(tokens, text):
        toks = tuple(tokens[a:b])
        keys = tuple(norm(t.text) for t in toks)
        code = "".join(_VOCAB.char(k) for k in keys)
        sentences.append(Sentence(toks, keys, code, sum(t.kind != "punct" for t in toks)))
    return Prepared(text, tuple(sentences), sum(s.words for s in sentences))


@dataclass(frozen=True)
class Substitution:
    """One aligned change: ``spun`` (normalized) replaced ``original`` (case kept if fixed)."""

    spun: str
    original: str


def word_blocks(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """Changed blocks ``(a1, a2, b1, b2)`` between two token codes, adjacent edits merged.

    >>> word_blocks("abcde", "abxye")
    [(2, 4, 2, 4)]
    """
    from rapidfuzz.distance import Levenshtein

    blocks: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            a1, _, b1, _ = blocks[-1]
            blocks[-1] = (a1, op.src_end, b1, op.dest_end)
        else:
            blocks.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    return blocks


def _initial(tokens: tuple[Token, ...], i: int) -> bool:
    """True when token i starts its sentence (possibly after an opening quote)."""
    j = i - 1
    while j >= 0 and tokens[j].text in OPENERS:
        j -= 1
    return j < 0


def _capitalised(tokens: tuple[Token, ...], a: int, b: int) -> bool:
    return any(tokens[i].text[:1].isupper() and not _initial(tokens, i) for i in range(a, b))


def _letters_only(tokens: tuple[Token, ...], a: int, b: int) -> bool:
    return all(tokens[i].kind == "word" and not tokens[i].protected for i in range(a, b))


def _words_and_numbers(tokens: tuple[Token, ...], a: int, b: int) -> bool:
    """Words with a number among them ("final 12 months"), no punctuation or protected."""
    kinds = [tokens[i].kind for i in range(a, b) if not tokens[i].protected]
    return len(kinds) == b - a and "word" in kinds and set(kinds) <= {"word", "num"}


def _steadiness(code: str, blocks: list[tuple[int, int, int, int]], k: int) -> float:
    """Share of the tokens within ``CONTEXT`` of block ``k`` (on the spun side) that are
    unchanged: a spinner's swap sits in kept text, an editor's rewrite among changes."""
    a1, a2 = blocks[k][0], blocks[k][1]
    lo, hi = max(0, a1 - CONTEXT), min(len(code), a2 + CONTEXT)
    window = hi - lo - (a2 - a1)
    if window <= 0:
        return 1.0
    changed = sum(
        max(0, min(b2, hi) - max(b1, lo)) for j, (b1, b2, _, _) in enumerate(blocks) if j != k
    )
    # insertions on the spun side (b1 == b2) change nothing there; count them as one token
    changed += sum(
        1 for j, (b1, b2, _, _) in enumerate(blocks) if j != k and b1 == b2 and lo <= b1 <= hi
    )
    return max(0.0, 1 - changed / window)


def _surface(text: str, tokens: tuple[Token, ...], a: int, b: int, keep_case: bool) -> str:
    raw = " ".join(text[tokens[a].start : tokens[b - 1].end].split())
    raw = raw.translate(_STRAIGHT)
    if keep_case:
        if _initial(tokens, a) and not any(c.isupper() for c in raw[1:]):
            return raw[:1].lower() + raw[1:]
        return raw
    return raw.lower()


class Change(NamedTuple):
    """One changed block as a substitution, plus its possible splits into two swaps;
    ``steady``: the share of unchanged tokens around it (:data:`CONTEXT` each side; low in
    a rewrite), ``similarity``: of its sentence pair."""

    substitution: Substitution
    splits: tuple[tuple[Substitution, Substitution], ...]
    steady: float = 1.0
    similarity: float = 1.0


@dataclass(frozen=True)
class Alignment:
    """Matched sentences of a (spun, clean) pair of documents.

    ``pairs`` holds ``(spun_sentence, clean_sentence, similarity)`` indices;
    ``coverage`` is the larger of the two shares of words in matched sentences.
    """

    spun: Prepared
    clean: Prepared
    pairs: tuple[tuple[int, int, float], ...]
    coverage: float

    def swapped(self) -> Alignment:
        """The same alignment read the other way round (clean as spun)."""
        pairs = tuple(sorted((j, i, s) for i, j, s in self.pairs))
        return Alignment(self.clean, self.spun, pairs, self.coverage)

    def blocks(self) -> Iterator[tuple[Sentence, Sentence, tuple[int, int, int, int]]]:
        """Every changed block of every matched sentence pair."""
        for s, c, block, _, _ in self._blocks():
            yield s, c, block

    def _blocks(
        self,
    ) -> Iterator[tuple[Sentence, Sentence, tuple[int, int, int, int], float, float]]:
        """Every changed block with its steadiness and its sentence pair's similarity."""
        for i, j, similarity in self.pairs:
            s, c = self.spun.sentences[i], self.clean.sentences[j]
            blocks = word_blocks(s.code, c.code)
            for k, block in enumerate(blocks):
                yield s, c, block, _steadiness(s.code, blocks, k), similarity

    def substitutions(self, max_len: int = MAX_PHRASE) -> list[Substitution]:
        """Candidate substitutions of 1-``max_len`` words a side, noise filtered out.

        Dropped: blocks longer than ``max_len``, numbers and punctuation, capitalised
        (non sentence-initial) spun words — names, dates — and changes of case only.
        A bare insertion ("court" -> "court docket") takes a neighbouring word as anchor.
        """
        return [change.substitution for change in self.changes(max_len, splits=False)]

    def changes(self, max_len: int = MAX_PHRASE, splits: bool = True) -> list[Change]:
        """Like :meth:`substitutions`, with each block's possible two-part splits.

        Two neighbouring swaps merge into one block ("attorneys advised" -> "lawyers
        told"); the splits let statistics over many documents take them apart.
        """
        out: list[Change] = []
        for s, c, (a1, a2, b1, b2), steady, similarity in self._blocks():
            if a1 == a2 or b1 == b2:
                anchored = _anchor(s, c, a1, a2, b1, b2)
                if anchored is None:
                    continue
                sub = self._make(s, c, *anchored, max_len)
                if sub is not None:
                    out.append(Change(sub, (), steady, similarity))
                continue
            sub = self._make(s, c, a1, a2, b1, b2, max_len)
            if sub is None:
                continue
            options = []
            for i in range(a1, a2 + 1 if splits else a1):
                for j in range(b1, b2 + 1):
                    if (i, j) in ((a1, b1), (a2, b2)):
                        continue
                    first = self._part(s, c, a1, i, b1, j, max_len, left=True)
                    second = self._part(s, c, i, a2, j, b2, max_len, left=False)
                    if first is not None and second is not None:
                        options.append((first, second))
            out.append(Change(sub, tuple(options), steady, similarity))
        return out

    def _part(
        self,
        s: Sentence,
        c: Sentence,
        a1: int,
        a2: int,
        b1: int,
        b2: int,
        max_len: int,
        left: bool,
    ) -> Substitution | None:
        if a1 == a2 and b1 == b2:
            return None
        if a1 == a2 or b1 == b2:  # anchor on the equal word just outside the block
            if left:
                if a1 == 0 or b1 == 0 or s.tokens[a1 - 1].kind != "word":
                    return None
                a1, b1 = a1 - 1, b1 - 1
            else:
                if a2 >= len(s.keys) or b2 >= len(c.keys) or s.tokens[a2].kind != "word":
                    return None
                a2, b2 = a2 + 1, b2 + 1
        return self._make(s, c, a1, a2, b1, b2, max_len)

    def _make(
        self, s: Sentence, c: Sentence, a1: int, a2: int, b1: int, b2: int, max_len: int
    ) -> Substitution | None:
        if a2 - a1 > max_len or b2 - b1 > max_len:
            return None
        st, ct = s.tokens, c.tokens
        spun_ok, clean_ok = _letters_only(st, a1, a2), _letters_only(ct, b1, b2)
        # a number on one side only is part of a phrase ("final 12 months" -> "last year");
        # on both sides it is a changed figure (version noise)
        if not (spun_ok and clean_ok) and not (
            (spun_ok or clean_ok)
            and _words_and_numbers(st, a1, a2)
            and _words_and_numbers(ct, b1, b2)
        ):
            return None
        if _capitalised(st, a1, a2) or s.keys[a1:a2] == c.keys[b1:b2]:
            return None
        return Substitution(
            _surface(self.spun.text, st, a1, a2, keep_case=False),
            _surface(self.clean.text, ct, b1, b2, keep_case=True),
        )


def _anchor(
    s: Sentence, c: Sentence, a1: int, a2: int, b1: int, b2: int
) -> tuple[int, int, int, int] | None:
    """Extend a pure insertion/deletion by one equal neighbour, preferring a content word."""
    left = a1 > 0 and b1 > 0
    right = a2 < len(s.keys) and b2 < len(c.keys)
    left_ok = left and s.tokens[a1 - 1].kind == "word" and s.keys[a1 - 1] not in _WEAK
    right_ok = right and s.tokens[a2].kind == "word" and s.keys[a2] not in _WEAK
    if left_ok:
        return a1 - 1, a2, b1 - 1, b2
    if right_ok:
        return a1, a2 + 1, b1, b2 + 1
    return None


def align(
    spun: Prepared, clean: Prepared, min_similarity: float = 0.5, min_tokens: int = 4
) -> Alignment:
    """Match each spun sentence with its most similar clean sentence.

    >>> a = align(prepare("A court docket ruled today. Shares rose."),
    ...           prepare("Shares fell. The court ruled today."))
    >>> [(i, j) for i, j, _ in a.pairs]
    [(0, 1)]
    """
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    ss = [k for k, s in enumerate(spun.sentences) if len(s.keys) >= min_tokens]
    cs = [k for k, s in enumerate(clean.sentences) if len(s.keys) >= min_tokens]
    if not ss or not cs:
        return Alignment(spun, clean, (), 0.0)
    matrix = process.cdist(
        [spun.sentences[k].code for k in ss],
        [clean.sentences[k].code for k in cs],
        scorer=Indel.normalized_similarity,
        score_cutoff=min_similarity,
    )
    pairs = []
    matched_clean: set[int] = set()
    for row, i in enumerate(ss):
        col = int(matrix[row].argmax())
        score = float(matrix[row, col])
        if score >= min_similarity:
            pairs.append((i, cs[col], round(score, 4)))
            matched_clean.add(cs[col])
    spun_words = sum(spun.sentences[i].words for i, _, _ in pairs)
    clean_words = sum(clean.sentences[j].words for j in matched_clean)
    coverage = max(
        spun_words / max(spun.words, 1),
        clean_words / max(clean.words, 1),
    )
    return Alignment(spun, clean, tuple(pairs), round(coverage, 4))


def align_texts(spun: str, clean: str, min_similarity: float = 0.5) -> Alignment:
    """Prepare and align two texts (convenience for one pair).

    >>> align_texts("He advised a choose.", "He told a judge.").substitutions()
    [Substitution(spun='advised', original='told'), Substitution(spun='choose', original='judge')]
    """
    return align(prepare(spun), prepare(clean), min_similarity)
