"""Lemmatise words and re-inflect a lemma to match an observed word's form (via lemminflect).

>>> inflect_like("violate", "disregarded")
'violated'
>>> inflect_like("lawyer", "attorneys")
'lawyers'
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["lemmas", "tags_of", "inflect", "inflect_like", "inflections_like"]

# Penn tags that are the lemma itself: nothing to inflect.
_BASE_TAGS = frozenset({"NN", "VB", "VBP", "JJ", "RB"})
# Penn tags of inflected forms, most informative first; upos each belongs to.
_INFLECTED_TAGS: dict[str, str] = {
    "NNS": "NOUN",
    "VBD": "VERB",
    "VBN": "VERB",
    "VBG": "VERB",
    "VBZ": "VERB",
    "JJR": "ADJ",
    "JJS": "ADJ",
    "RBR": "ADV",
    "RBS": "ADV",
}


@lru_cache(maxsize=65536)
def lemmas(word: str) -> list[tuple[str, str]]:
    """The (lemma, upos) readings lemminflect knows for ``word`` (lower-cased); [] if unknown.

    >>> lemmas("attorneys")
    [('attorney', 'NOUN')]
    >>> ("go", "VERB") in lemmas("went")
    True
    """
    from lemminflect import getAllLemmas

    low = word.lower()
    out: list[tuple[str, str]] = []
    for upos, forms in getAllLemmas(low).items():
        out.extend((lemma, upos) for lemma in forms if (lemma, upos) not in out)
    return out


@lru_cache(maxsize=65536)
def tags_of(word: str, lemma: str, upos: str) -> tuple[str, ...]:
    """The inflected Penn tags by which ``lemma`` (as ``upos``) yields ``word``; () if base form.

    A plural-only noun ("annals", "headquarters") is its own lemma but also counts as NNS.

    >>> tags_of("disregarded", "disregard", "VERB")
    ('VBD', 'VBN')
    >>> tags_of("record", "record", "NOUN"), tags_of("annals", "annals", "NOUN")
    ((), ('NNS',))
    """
    from lemminflect import getInflection

    low = word.lower()
    if low == lemma:
        plural_only = upos == "NOUN" and low.endswith("s")
        if plural_only and getInflection(low, tag="NNS", inflect_oov=False) == (low,):
            return ("NNS",)
        return ()
    tags = (t for t, u in _INFLECTED_TAGS.items() if u == upos)
    return tuple(t for t in tags if low in getInflection(lemma, tag=t, inflect_oov=False))


_PREPOSITIONS = frozenset(
    ["of", "at", "in", "on", "for", "to", "with", "from", "by", "under", "over", "into", "about"]
)


def _noun_head(words: list[str]) -> int:
    """Index of the head noun of a phrase: the word before the first preposition, else last."""
    for k, w in enumerate(words[1:], start=1):
        if w in _PREPOSITIONS:
            return k - 1
    return len(words) - 1


@lru_cache(maxsize=200_000)
def inflect(lemma: str, tag: str, strict: bool = False) -> str | None:
    """``lemma`` (a word or phrase) inflected for Penn ``tag``; None if that makes no sense.

    Verbs inflect their first word ("turn over" -> "turned over"), nouns their last or the
    one before a preposition ("court order" -> "court orders", "friend at court" -> "friends
    at court"); multi-word adjectives and adverbs are left alone.
    ``strict`` refuses a word lemminflect knows, but not in the tag's part of speech.

    >>> inflect("go", "VBD"), inflect("turn over", "VBZ"), inflect("court order", "NNS")
    ('went', 'turns over', 'court orders')
    >>> inflect("annals", "VBZ", strict=True) is None
    True
    """
    from lemminflect import getAllLemmas, getInflection

    if tag in _BASE_TAGS:
        return lemma
    upos = _INFLECTED_TAGS.get(tag)
    if upos is None:
        return None
    words = lemma.split()
    if not words:
        return None
    if len(words) > 1 and upos in ("ADJ", "ADV"):
        return None
    at = 0 if upos == "VERB" else _noun_head(words)
    forms = getInflection(words[at], tag=tag, inflect_oov=False)
    if not forms and not (strict and getAllLemmas(words[at])):
        forms = getInflection(words[at], tag=tag)
    if not forms:
        return None
    words[at] = forms[0]
    return " ".join(words)


def inflections_like(lemma: str, observed: str) -> list[str]:
    """Every form of ``lemma`` matching a reading of ``observed``: inflected readings first
    (e.g. VBD and VBN), then ``lemma`` itself if ``observed`` can be a base form.

    >>> inflections_like("break", "disregarded")
    ['broke', 'broken']
    >>> inflections_like("say", "pronounced")
    ['said', 'say']
    >>> inflections_like("record", "annals")
    ['records', 'record']
    """
    low = observed.lower()
    readings = lemmas(low)
    out: list[str] = []
    for lem, upos in readings:
        for tag in tags_of(low, lem, upos):
            form = inflect(lemma, tag)
            if form and form not in out:
                out.append(form)
    if (not out or any(lem == low for lem, _ in readings)) and lemma not in out:
        out.append(lemma)
    return out


def inflect_like(lemma: str, observed: str) -> str | None:
    """``lemma`` put in the form of ``observed`` (plural, past, -ing, -s, comparative...).

    An inflected reading of ``observed`` wins over a base-form one ("pronounced" is a past
    tense before an adjective); the lemma comes back unchanged if ``observed`` is only a base
    form, None when no form can be made.

    >>> inflect_like("good", "larger"), inflect_like("say", "pronouncing")
    ('better', 'saying')
    """
    forms = inflections_like(lemma, observed)
    return forms[0] if forms else None
