"""Training data for the contextual judge: clean passages spun by a simulator built only
from open resources, each word labelled replaced (1) or original (0).

The simulator tries to look like a real spinner rather than a thesaurus walk: it picks
frequent, natural alternatives as often as odd ones, swaps phrases both ways (expansions
such as "court" -> "court docket" from the bundled table, contractions), spells numbers
out as phrases ("year" -> "12 months"), turns "the" into "a", draws afresh at every
occurrence, and spins 3-15% of a passage's words; a quarter of the passages stay clean,
and news-like passages (figures, "said") are preferred so that the register of newswire
is seen clean. Sources: the bundled reverse thesaurus (Moby, WordNet, PPDB), the bundled
table's phrase rows, and a short hand list of generic unit and contraction phrases.

>>> sim = Simulator({"big": [("large", 3.0)]}, {}, seed=1)
>>> words, labels, originals = sim.spin(["a", "big", "dog"], rate=1.0, a_for_the=0.0)
>>> words, labels, originals
(['a', 'large', 'dog'], [0, 1, 0], ['', 'big', ''])
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..text.inflect import inflect_like, lemmas
from ..text.tokens import sentence_spans, tokenize

__all__ = ["Simulator", "load_simulator", "passages", "Example"]

#: One training example: words, labels (1 replaced), the original word at each replaced
#: single-word slot ("" elsewhere).
Example = tuple[list[str], list[int], list[str]]

# Generic equivalences any thesaurus-minded spinner uses (hand-written, not read off any
# spinner's output): units spelled out and contractions, both ways.
_GENERIC_PHRASES: dict[tuple[str, ...], list[tuple[str, ...]]] = {
    ("year",): [("12", "months"), ("twelve", "months"), ("yr",)],
    ("years",): [("yrs",)],
    ("month",): [("30", "days")],
    ("week",): [("seven", "days"), ("7", "days")],
    ("day",): [("24", "hours")],
    ("decade",): [("10", "years"), ("ten", "years")],
    ("percent",): [("p.c.",), ("per", "cent")],
    ("is", "not"): [("isn't",)],
    ("do", "not"): [("don't",)],
    ("does", "not"): [("doesn't",)],
    ("did", "not"): [("didn't",)],
    ("will", "not"): [("won't",)],
    ("can", "not"): [("can't",)],
    ("cannot",): [("can't",), ("can", "not")],
    ("it", "is"): [("it's",)],
    ("would", "not"): [("wouldn't",)],
}
_STOP_WORDS = (
    "a an the of to in on at by for with from up out off over into as and or but is are was "
    "were be been it its that this which who will would can could may might do does did not "
    "has have had"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD_RE = re.compile(r"^[a-z][a-z'-]*$")


class Simulator:
    """Spins word lists. ``alternatives`` maps a lower-case lemma to (alternative lemma,
    Zipf frequency) pairs; ``phrases`` maps an original word tuple to spun word tuples."""

    def __init__(
        self,
        alternatives: dict[str, list[tuple[str, float]]],
        phrases: dict[tuple[str, ...], list[tuple[str, ...]]],
        seed: int = 0,
    ) -> None:
        self.alternatives = alternatives
        self.phrases = {**_GENERIC_PHRASES, **phrases} if phrases else dict(phrases)
        self.longest = max((len(k) for k in self.phrases), default=1)
        self.rng = random.Random(seed)

    def _alternative(self, word: str) -> str | None:
        """A spun form of ``word``: half the time a frequent, natural alternative, half
        the time any; inflected like ``word``."""
        readings = lemmas(word) or [(word, "")]
        lemma = readings[0][0]
        options = self.alternatives.get(word) or self.alternatives.get(lemma)
        if not options:
            return None
        if self.rng.random() < 0.5:
            top = sorted(options, key=lambda o: -o[1])[:8]
            weights = [max(z, 1.0) ** 3 for _, z in top]
            alt = self.rng.choices([a for a, _ in top], weights)[0]
        else:
            alt = self.rng.choice(options)[0]
        form = alt if word in self.alternatives else inflect_like(alt, word)
        if not form or form == word:
            return None
        return form

    def spin(
        self, words: Sequence[str], rate: float, a_for_the: float, initial: Sequence[bool] = ()
    ) -> Example:
        """Spin about ``rate`` of the swappable words and ``a_for_the`` of the "the"s.
        ``initial`` marks sentence-initial words (their capital moves to the spun form)."""
        out: list[str] = []
        labels: list[int] = []
        originals: list[str] = []
        k = 0
        n = len(words)
        while k < n:
            word = words[k]
            low = word.lower()
            first = bool(initial) and initial[k]
            swappable = _WORD_RE.match(low) and (word == low or (first and word[1:] == low[1:]))
            if not swappable:
                out.append(word), labels.append(0), originals.append("")
                k += 1
                continue
            if low == "the" and a_for_the and self.rng.random() < a_for_the:
                out.append(_cased("a", word)), labels.append(1), originals.append("the")
                k += 1
                continue
            if self.rng.random() >= rate:
                out.append(word), labels.append(0), originals.append("")
                k += 1
                continue
            done = self._phrase(words, k, first, out, labels, originals)
            if done:
                k += done
                continue
            alt = self._alternative(low) if low not in _STOP else None
            if alt is None:
                out.append(word), labels.append(0), originals.append("")
            else:
                out.append(_cased(alt, word) if first else alt)
                labels.append(1)
                originals.append(low)
            k += 1
        return out, labels, originals

    def _phrase(
        self,
        words: Sequence[str],
        k: int,
        first: bool,
        out: list[str],
        labels: list[int],
        originals: list[str],
    ) -> int:
        """Swap the longest table phrase starting at ``k``; the number of words it took
        (0: none). Only the spun words the original lacks are labelled, content words first."""
        for size in range(min(self.longest, len(words) - k), 0, -1):
            key = tuple(w.lower() for w in words[k : k + size])
            spun_options = self.phrases.get(key)
            if not spun_options or (size == 1 and self.rng.random() < 0.5):
                continue
            spun = list(self.rng.choice(spun_options))
            if first:
                spun[0] = _cased(spun[0], words[k])
            new = [w.lower() not in key for w in spun]
            content = [d and w.lower() not in _STOP for w, d in zip(spun, new, strict=True)]
            marks = content if any(content) else new
            single = size == 1 and len(spun) == 1
            for w, m in zip(spun, marks, strict=True):
                out.append(w)
                labels.append(int(m))
                originals.append(key[0] if single and m else "")
            return size
        return 0


def _cased(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def load_simulator(
    thesaurus: Path, table: Path, ppdb: Path | None = None, seed: int = 0
) -> Simulator:
    """A simulator from the reverse thesaurus (inverted: original -> spun forms), the
    table's multi-word rows (inverted) and, if given, PPDB's lexical paraphrases."""
    from wordfreq import zipf_frequency

    alts: dict[str, set[str]] = defaultdict(set)
    with gzip.open(thesaurus, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or " " in parts[0]:
                continue
            for original in parts[1].split("|")[:12]:
                if " " not in original:
                    alts[original].add(parts[0])
    if ppdb is not None:
        with gzip.open(ppdb, "rt", encoding="utf-8") as f:
            for line in f:
                head, *paras = line.split()
                for p in paras[:5]:
                    if _WORD_RE.match(p) and _WORD_RE.match(head):
                        alts[head].add(p)
    alternatives = {
        w: [(a, zipf_frequency(a, "en")) for a in sorted(s) if a != w and _WORD_RE.match(a)]
        for w, s in alts.items()
        if _WORD_RE.match(w)
    }
    phrases: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    with open(table, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("spun\t"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            spun, original = tuple(parts[0].split()), tuple(parts[1].split())
            if (len(spun) > 1 or len(original) > 1) and len(original) <= 4 and original:
                phrases[original].append(spun)
    return Simulator({k: v for k, v in alternatives.items() if v}, dict(phrases), seed)


_NEWSY = re.compile(r"\d|\bsaid\b|\bpercent\b|\bcompany\b|\bgovernment\b|\bmillion\b")


def passages(
    wiki: Path, rng: random.Random, news_share: float = 0.5, words: tuple[int, int] = (45, 95)
) -> Iterator[tuple[list[str], list[bool]]]:
    """Word lists of whole sentences from a Wikipedia JSONL (``text`` field, paragraphs
    split by newlines) of ``words`` length, with sentence-initial marks; news-like
    paragraphs (figures, "said") make about ``news_share`` of them."""
    with gzip.open(wiki, "rt", encoding="utf-8") as f:
        for line in f:
            for para in json.loads(line)["text"].split("\n"):
                if len(para) < 200:
                    continue
                newsy = bool(_NEWSY.search(para))
                if not newsy and rng.random() > (1 - news_share) / max(news_share, 1e-3):
                    continue
                tokens = tokenize(para)
                spans = sentence_spans(tokens, para)
                chunk: list[str] = []
                first: list[bool] = []
                for a, b in spans:
                    sent = [t.text for t in tokens[a:b]]
                    chunk += sent
                    first += [i == 0 for i in range(len(sent))]
                    if len(chunk) >= words[0]:
                        if len(chunk) <= words[1]:
                            yield chunk, first
                        chunk, first = [], []
