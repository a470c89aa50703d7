"""Which candidates a sentence is offered: the table's, and in a thoroughly searched
document small-word reversals and thesaurus synonyms beside them; none touching a name,
one per span and words.

:mod:`unspin.restore.candidates` makes the candidates of each kind; this module picks where
each kind is asked and what is left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..models.decision import _zipf
from ..options import RestoreOptions
from ..text.tokens import OPENERS, Token
from .candidates import Candidate, reversal_candidates, thesaurus_candidates
from .detect import reversal_prior

__all__ = ["is_name", "name_words", "name_positions", "without_names", "unique", "open_candidates"]

_FUNCTION_ZIPF = 6.3  # observed words this common (the, of, said...) get no thesaurus candidates
_THESAURUS_LIMIT = 20
_SURPRISE = -3.0  # the thesaurus is asked only about words the LM finds this unlikely


def is_name(tokens: Sequence[Token], i: int, first: int) -> bool:
    """A capitalised word inside a sentence starting at ``first`` (a name, a title word):
    left alone.

    >>> from unspin.text.tokens import tokenize
    >>> tokens = tokenize("Then Smith left.")
    >>> is_name(tokens, 0, 0), is_name(tokens, 1, 0)
    (False, True)
    """
    text = tokens[i].text
    if not text[:1].isupper() or text.isupper() and len(text) > 1 and _all_caps_run(tokens, i):
        return False
    if i == first:
        return False
    return tokens[i - 1].text not in OPENERS


def _all_caps_run(tokens: Sequence[Token], i: int) -> bool:
    """Whether the neighbours are in capitals too (a shouted line, not an acronym)."""
    near = [t for t in tokens[max(0, i - 2) : i + 3] if t.kind == "word" and len(t.text) > 1]
    return len(near) >= 3 and all(t.text.isupper() for t in near)


def name_words(tokens: Sequence[Token], sentences: Sequence[tuple[int, int]]) -> set[str]:
    """Words written with a capital inside a sentence somewhere in the document."""
    names = set()
    for a, b in sentences:
        for k in range(a + 1, b):
            if is_name(tokens, k, a):
                names.add(tokens[k].text)
    return names


def name_positions(tokens: Sequence[Token], names: set[str]) -> set[int]:
    """Positions of names in a sentence's ``tokens``: capitalised inside it, or written as
    one of ``names`` (capitalised inside a sentence elsewhere in the document)."""
    return {k for k in range(len(tokens)) if tokens[k].text in names or is_name(tokens, k, 0)}


def without_names(cands: Sequence[Candidate], names: set[int]) -> list[Candidate]:
    """Candidates that touch none of the positions ``names`` (see :func:`name_positions`)."""
    return [c for c in cands if not names.intersection(range(c.i, c.j))]


def unique(cands: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per (span, words). A small-word reversal wins (its prior follows the
    document), then a table candidate, then a thesaurus one."""
    rank = {"reversal": 0, "table": 1, "thesaurus": 2}
    kept: dict[tuple[int, int, tuple[str, ...]], Candidate] = {}
    for c in cands:
        key = (c.i, c.j, c.words)
        if key not in kept or rank[c.kind] < rank[kept[key].kind]:
            kept[key] = c
    return list(kept.values())


def _open_word(token: Token, key: str) -> bool:
    """A word the thesaurus may propose originals for: a content word, not a function word."""
    if token.kind != "word" or token.protected or len(token.text) < 3 or not token.text.isalpha():
        return False
    return _zipf(key) < _FUNCTION_ZIPF


def open_candidates(
    text: str,
    tokens: Sequence[Token],
    keys: Sequence[str],
    names: set[int],
    counts: Counter[str],
    logprobs: Sequence[float],
    options: RestoreOptions,
) -> list[Candidate]:
    """Candidates beyond the table for one sentence: small-word reversals (their priors
    from the document's word ``counts``) and thesaurus synonyms of the content words the LM
    finds unlikely (``logprobs``, per token), none at the positions ``names``."""
    cands: list[Candidate] = []
    if options.reversals:
        cands += reversal_candidates(tokens, keys, text, lambda o, t: reversal_prior(counts, o, t))
    if options.thesaurus:
        from ..models.thesaurus import load_thesaurus

        thesaurus = load_thesaurus()
        positions = [
            k
            for k in range(len(tokens))
            if k not in names and _open_word(tokens[k], keys[k]) and logprobs[k] < _SURPRISE
        ]
        cands += thesaurus_candidates(
            tokens, positions, lambda w: thesaurus.sources_with_flags(w, _THESAURUS_LIMIT)
        )
    return cands
