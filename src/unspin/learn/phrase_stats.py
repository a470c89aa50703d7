"""Where a pile of spun text uses each lower-case phrase (:class:`PileStats`): the
counts and contexts :mod:`unspin.learn.unpaired` tests its candidate swaps against."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..text.tokens import lm_token, sentence_spans, tokenize

__all__ = ["MAX_WORDS", "PileStats", "pile_stats"]

MAX_WORDS = 3  # longest spun phrase tested


@dataclass
class PileStats:
    """Token statistics of the pile: LM sentences, and where each lower-case phrase of up
    to :data:`MAX_WORDS` words is seen (``occurrences[phrase]``: (sentence, start))."""

    sentences: list[list[str]] = field(default_factory=list)
    sentence_doc: list[int] = field(default_factory=list)
    occurrences: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    documents: int = 0
    tokens: int = 0
    _contexts: dict[str, set[tuple[str, str]]] = field(default_factory=dict, repr=False)

    def add(self, text: str) -> None:
        """Add one document."""
        tokens = tokenize(text)
        doc = self.documents
        self.documents += 1
        self.tokens += len(tokens)
        for a, b in sentence_spans(tokens, text):
            words = [lm_token(t) for t in tokens[a:b]]
            index = len(self.sentences)
            self.sentences.append(words)
            self.sentence_doc.append(doc)
            # a spinner leaves capitalised words alone: only lower-case ones can be spins
            lower = [
                t.kind == "word" and not t.protected and t.text.isalpha() and t.text.islower()
                for t in tokens[a:b]
            ]
            for k in range(len(words)):
                for n in range(1, MAX_WORDS + 1):
                    if k + n > len(words) or not lower[k + n - 1]:
                        break
                    self.occurrences[" ".join(words[k : k + n])].append((index, k))

    def context_set(self, phrase: str, limit: int = 400) -> set[tuple[str, str]]:
        """(word before, word after) of the phrase's first ``limit`` lower-case occurrences."""
        cached = self._contexts.get(phrase)
        if cached is None:
            n = len(phrase.split())
            cached = set()
            for s, k in self.occurrences.get(phrase, ())[:limit]:
                words = self.sentences[s]
                left = words[k - 1] if k else "<s>"
                right = words[k + n] if k + n < len(words) else "</s>"
                cached.add((left, right))
            self._contexts[phrase] = cached
        return cached

    def shares_context(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are seen between the same two words somewhere."""
        return not self.context_set(a).isdisjoint(self.context_set(b))

    def count(self, phrase: str) -> int:
        """Lower-case occurrences of ``phrase``."""
        return len(self.occurrences.get(phrase, ()))

    def docs_of(self, phrase: str) -> set[int]:
        """The documents where ``phrase`` is seen in lower case."""
        return {self.sentence_doc[s] for s, _ in self.occurrences.get(phrase, ())}


def pile_stats(texts: Iterable[str]) -> PileStats:
    """:class:`PileStats` of the texts.

    >>> s = pile_stats(["The court ruled.", "A court docket."])
    >>> s.count("court"), s.count("court docket"), s.documents
    (2, 1, 2)
    """
    stats = PileStats()
    for text in texts:
        stats.add(text)
    return stats
