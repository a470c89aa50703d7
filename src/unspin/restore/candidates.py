"""Candidate restorations for spans of a sentence: table, small-word reversals, thesaurus."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..models.table import Table
from ..text.tokens import Token, norm, phrase_key_words

__all__ = [
    "Candidate",
    "table_candidates",
    "reversal_candidates",
    "thesaurus_candidates",
    "REVERSALS",
]


@dataclass(frozen=True)
class Candidate:
    """Replace tokens ``[i, j)`` of a sentence by ``words`` (LM form) / ``text`` (surface)."""

    i: int
    j: int
    words: tuple[str, ...]
    text: str
    kind: str  # table | reversal | thesaurus
    source: str
    evidence: float = 0.0  # table: log-odds of p_restore; thesaurus: rank; reversal: prior
    # table: P(spun | original), the spinner's channel probability; thesaurus: source flags
    channel: float = 0.0
    prior: float = 0.0  # set by the decision model


# Small words spinners swap in both directions; the decoder weighs them per document.
REVERSALS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("a",): ("the", "its"),
    ("an",): ("the",),
    ("the",): ("a",),
    ("that",): ("which",),
    ("which",): ("that",),
    ("can",): ("will",),
    ("will",): ("can", "would"),
    ("would",): ("will",),
    ("have", "been"): ("were",),
    ("were",): ("have been",),
}


# A spinner's dictionary lists forms, not lemmas: another inflection of a learned spun
# phrase is much weaker evidence than the phrase itself (spinner W's dev set, 100 TUNE
# stories, a table learned from its aligned pile: 41.7% of errors undone without such
# candidates, 35.5% with the row's own p_restore; most were words the spinner left alone).
INFLECTED_DISCOUNT = 0.1


def _log_odds(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log10(p / (1 - p))


def _joinable(tokens: Sequence[Token], text: str, i: int, j: int) -> bool:
    """Tokens i..j-1 are unprotected words separated by plain spaces only."""
    for k in range(i, j):
        tok = tokens[k]
        if tok.protected or tok.kind == "punct":
            return False
        if k > i:
            gap = text[tokens[k - 1].end : tok.start]
            if gap.strip() or "\n" in gap:
                return False
    return True


def table_candidates(
    tokens: Sequence[Token],
    keys: Sequence[str],
    text: str,
    table: Table,
    inflected: bool = False,
) -> list[Candidate]:
    """Every occurrence of a table phrase (all lengths, best 3 restorations each).

    With ``inflected``, a phrase the table holds in another inflection only ("utilized"
    where it learned "utilizing" -> "using") is proposed too, its original re-inflected
    ("used"), with the evidence of the row it comes from.
    """
    out: list[Candidate] = []
    n = len(tokens)
    for i in range(n):
        longest = table.longest_at(keys[i], inflected)
        if not longest or tokens[i].kind == "punct" or tokens[i].protected:
            continue
        for length in range(min(longest, n - i), 0, -1):
            if tokens[i].kind == "num" and (length == 1 or not text[tokens[i].end].isspace()):
                continue  # a number ("12", "3rd") is never swapped; "12 months" -> "year" may be
            key = tuple(keys[i : i + length])
            entries = [(e, e.original) for e in table.lookup(key)]
            discount = 1.0
            if not entries and inflected:
                entries, discount = table.lookup_inflected(key), INFLECTED_DISCOUNT
            if not entries or not _joinable(tokens, text, i, i + length):
                continue
            for e, original in entries[:3]:
                words = phrase_key_words(original)
                if words == key:
                    continue
                out.append(
                    Candidate(
                        i,
                        i + length,
                        words,
                        original,
                        "table",
                        f"table:{table.name}",
                        _log_odds(e.p_restore * discount),
                        e.p_channel,
                    )
                )
    return out


def reversal_candidates(
    tokens: Sequence[Token], keys: Sequence[str], text: str, prior: Callable[[str, str], float]
) -> list[Candidate]:
    """Small-word reversals (a->the, that->which ...), each with a per-document prior."""
    out: list[Candidate] = []
    n = len(tokens)
    for i in range(n):
        for key, targets in REVERSALS.items():
            j = i + len(key)
            if j > n or tuple(keys[i:j]) != key or not _joinable(tokens, text, i, j):
                continue
            for target in targets:
                words = tuple(target.split())
                p = prior(" ".join(key), target)
                out.append(Candidate(i, j, words, target, "reversal", "reversal", p))
    return out


def is_abbreviation(short: str, long: str) -> bool:
    """Whether ``short`` is written as an abbreviation of ``long`` (same first letter, its
    letters in order): house style, not a spin, so it is never "restored".

    >>> is_abbreviation("pct", "percent"), is_abbreviation("mln", "million")
    (True, True)
    >>> is_abbreviation("big", "large")
    False
    """
    if len(short) >= len(long) or short[:1] != long[:1]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def thesaurus_candidates(
    tokens: Sequence[Token],
    positions: Sequence[int],
    sources_of: Callable[[str], Sequence[tuple[str, int]]],
) -> list[Candidate]:
    """Thesaurus synonyms the observed word may be a spin of, at the given positions."""
    out: list[Candidate] = []
    for i in positions:
        tok = tokens[i]
        observed = norm(tok.text)
        for rank, (source, flags) in enumerate(sources_of(observed)):
            words = phrase_key_words(source)
            if words and words != (observed,) and not is_abbreviation(observed, source):
                out.append(
                    Candidate(i, i + 1, words, source, "thesaurus", "thesaurus", rank, flags)
                )
    return out
