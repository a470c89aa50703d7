"""Near-duplicate detection that survives a spinner replacing a third of the words.

Each document becomes a set of shingles that spinners rarely touch all of: its
content words (stop words left out) and its word bigrams. MinHash signatures of
those sets go into an LSH index, so finding candidate pairs costs about one
lookup per document instead of comparing all pairs; only the index is kept, not
the signatures or the texts.

>>> index = NearDupIndex()
>>> index.add(0, "The court ordered Twitter to turn over the records on Friday.")
[]
>>> index.add(1, "A court docket ordered Twitter to flip over the records on Friday.")
[0]
>>> index.add(2, "Oil prices rose sharply in Asian trading as supplies tightened.")
[]
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Iterable, Iterator, Sequence

from ..text.tokens import norm, tokenize

__all__ = ["STOPWORDS", "shingles", "NearDupIndex", "candidate_pairs"]

# Function words: too common to say that two documents tell the same story.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
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
        "into",
        "onto",
        "about",
        "over",
        "under",
        "after",
        "before",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "it's",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "me",
        "him",
        "them",
        "us",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "not",
        "no",
        "nor",
        "so",
        "too",
        "very",
        "also",
        "just",
        "only",
        "up",
        "down",
        "out",
        "off",
        "again",
        "once",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "own",
        "same",
        "s",
        "'s",
        "'t",
        "said",
        "says",
        "say",
    ]
)


def _hash(shingle: str) -> int:
    return zlib.crc32(shingle.encode("utf-8"))


def shingles(text: str, keys: Sequence[str] | None = None) -> set[str]:
    """The shingle set of a text: content words plus word bigrams (lower case).

    ``keys``: the text's tokens already normalized (saves tokenizing twice).

    >>> sorted(shingles("The court ruled."))
    ['court', 'court ruled', 'ruled', 'the court']
    """
    if keys is None:
        keys = [norm(t.text) for t in tokenize(text)]
    words = [k for k in keys if any(ch.isalnum() for ch in k)]
    out = {w for w in words if w not in STOPWORDS}
    out.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return out


class NearDupIndex:
    """A MinHash LSH index; :meth:`add` returns the earlier keys that look like near duplicates.

    ``threshold`` is the estimated Jaccard similarity of shingle sets above which a
    pair becomes a candidate: spinning 30% of the words leaves about 0.35.

    >>> NearDupIndex(threshold=0.2).threshold
    0.2
    """

    def __init__(self, threshold: float = 0.2, num_perm: int = 96) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._seed = 1

    def signature(self, text: str, keys: Sequence[str] | None = None):  # -> LeanMinHash
        """The MinHash signature of a text's shingles (None for an empty text)."""
        from datasketch import LeanMinHash, MinHash

        items = shingles(text, keys)
        if not items:
            return None
        mh = MinHash(num_perm=self.num_perm, seed=self._seed, hashfunc=_hash)
        mh.update_batch([s for s in items])
        return LeanMinHash(mh)

    def add(self, key: Hashable, text: str, keys: Sequence[str] | None = None) -> list:
        """Index ``text`` under ``key``; return the keys of earlier candidate near duplicates."""
        sig = self.signature(text, keys)
        if sig is None:
            return []
        found = self._lsh.query(sig)
        self._lsh.insert(key, sig, check_duplication=False)
        return sorted(found)

    def query(self, text: str, keys: Sequence[str] | None = None) -> list:
        """The keys of indexed candidate near duplicates of ``text``, without adding it."""
        sig = self.signature(text, keys)
        return [] if sig is None else sorted(self._lsh.query(sig))


def candidate_pairs(
    docs: Iterable[tuple[Hashable, str]], threshold: float = 0.2, num_perm: int = 96
) -> Iterator[tuple[Hashable, Hashable]]:
    """Stream ``(earlier_key, later_key)`` candidate near-duplicate pairs.

    >>> list(candidate_pairs([(0, "The court ruled on Friday in the case of Mr Smith."),
    ...                       (1, "A court docket dominated on Friday in the case of Mr Smith.")]))
    [(0, 1)]
    """
    index = NearDupIndex(threshold, num_perm)
    for key, text in docs:
        for other in index.add(key, text):
            yield other, key
