"""Lemmatise words and re-inflect a lemma to match an observed word's form (via lemminflect).

>>> inflect_like("violate", "disregarded")
'violated'
>>> inflect_like("lawyer", "attorneys")
'lawyers'
"""

from __future__ import annotations

from functools import lru_cache

__all__ = [
    "lemmas",
    "tags_of",
    "inflect",
    "inflect_like",
    "inflections_like",
    "lemma_key",
    "reinflect",
    "forms_of",
    "is_inflection",
]

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


def lemma_key(words: tuple[str, ...]) -> tuple[str, ...]:
    """Each word replaced by its first lemma (unknown words stay as they are): the key
    by which inflected forms of one phrase meet.

    >>> lemma_key(("utilized", "by")), lemma_key(("legal", "professionals"))
    (('utilize', 'by'), ('legal', 'professional'))
    """
    return tuple((lemmas(w) or [(w, "")])[0][0] for w in words)


@lru_cache(maxsize=65536)
def reinflect(original: str, spun: str, observed: str) -> str | None:
    """``original`` put in the form ``observed`` takes where a table learned ``spun``:
    the one word where ``observed`` and ``spun`` differ must be two forms of one lemma,
    and the original's head word (as :func:`inflect` picks it) is inflected the same way.
    None when that cannot be done safely (a different part of speech, no such form).

    >>> reinflect("using", "utilizing", "utilized"), reinflect("lawyer", "attorney", "attorneys")
    ('used', 'lawyers')
    >>> reinflect("court", "court docket", "court dockets")
    'courts'
    >>> reinflect("last year", "final 12 months", "final 12 weeks") is None
    True
    """
    sw, ow = spun.lower().split(), observed.lower().split()
    if len(sw) != len(ow):
        return None
    differ = [k for k in range(len(sw)) if sw[k] != ow[k]]
    if len(differ) != 1:
        return None
    s_word, o_word = sw[differ[0]], ow[differ[0]]
    shared = [r for r in lemmas(s_word) if r in lemmas(o_word)]
    if not shared:
        return None
    lemma, upos = shared[0]
    s_tags, o_tags = tags_of(s_word, lemma, upos), tags_of(o_word, lemma, upos)
    if set(s_tags) == set(o_tags):
        return None
    words = original.split()
    if not words or (len(words) > 1 and upos in ("ADJ", "ADV")):
        return None
    at = 0 if upos == "VERB" else _noun_head(words)
    head = words[at]
    readings = [lem for lem, u in lemmas(head) if u == upos]
    if not readings or set(tags_of(head, readings[0], upos)) != set(s_tags):
        return None  # the original is not in the spun form's form: no safe mapping
    if not head.islower():
        return None
    words[at] = readings[0]
    base = " ".join(words)
    if not o_tags:
        return base
    return inflect(base, o_tags[0], strict=True)


@lru_cache(maxsize=65536)
def forms_of(word: str) -> tuple[str, ...]:
    """Every form lemminflect knows of ``word``'s lemmas (the lemmas too), ``word`` aside.

    >>> sorted(forms_of("utilizing"))
    ['utilize', 'utilized', 'utilizes']
    """
    from lemminflect import getAllInflections

    low = word.lower()
    out: list[str] = []
    for lemma, upos in lemmas(low):
        for form in (lemma, *(f for fs in getAllInflections(lemma, upos).values() for f in fs)):
            if form != low and form not in out:
                out.append(form)
    return tuple(out)


_SUFFIXES = ("", "s", "es", "d", "ed", "ing", "er", "est", "ly")


def is_inflection(spun: str, original: str) -> bool:
    """True for a change of inflection only (version noise: "argued" / "argues").

    >>> is_inflection("argued", "argues"), is_inflection("argued", "said")
    (True, False)
    """
    if " " in spun or " " in original:
        return False
    a, b = spun.lower(), original.lower()
    stem = 0
    while stem < min(len(a), len(b)) and a[stem] == b[stem]:
        stem += 1
    if stem < 3:
        return False
    rest = {a[stem:], b[stem:]}
    return all(r in _SUFFIXES or r[1:] in _SUFFIXES for r in rest)
