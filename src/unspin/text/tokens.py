"""Lossless tokenization: tokens are spans into the original string.

Nothing here ever rebuilds text from tokens; callers rewrite only the spans they
change and copy everything else byte for byte.

>>> [t.text for t in tokenize("The court’s order, isn't it?")]
['The', 'court', '’s', 'order', ',', 'isn', "'t", 'it', '?']
>>> transfer_case("Court docket", "court")
'Court'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "Token",
    "tokenize",
    "norm",
    "sentence_spans",
    "lm_sentences",
    "transfer_case",
    "is_fixed_case",
    "lm_token",
    "phrase_key_words",
    "OPENERS",
]


class Token(NamedTuple):
    """One token: ``text == source[start:end]``; ``kind`` is word, num or punct."""

    start: int
    end: int
    text: str
    kind: str
    protected: bool = False


_APOS = "'’ʼ"
# Clitics split off a word so that "government’s" matches "government" + "’s".
_CLITIC = rf"[{_APOS}](?:s|t|re|ve|ll|d|m)(?![^\W_])"
_ABBREV = r"(?:[^\W\d_]\.){2,}"
_WORD = rf"{_ABBREV}|[^\W\d_]+(?:-[^\W\d_]+)*"
_NUM = r"\d+(?:[.,:/]\d+)*"
_TOKEN_RE = re.compile(
    rf"(?P<clitic>(?<=[^\W\d_]){_CLITIC})|(?P<word>{_WORD})"
    rf"|(?P<num>{_NUM})|(?P<punct>\S)",
    re.IGNORECASE,
)
# Regions where no word may change: URLs, e-mails, @handles, #tags, markup tags, entities.
_PROTECTED_RE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+|[@#][\w.-]+|<[^<>\n]{0,500}>|&#?\w+;|\w*_\w*"
)
_SENTENCE_END = frozenset(".!?")
#: Tokens after which a capital still starts a sentence (quotes, brackets, dashes, colon).
OPENERS = frozenset("\"'“‘(—–-:[")
_CLOSERS = "\"'”’)]"
# Words after which "." does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "prof",
        "jr",
        "sr",
        "inc",
        "co",
        "corp",
        "ltd",
        "no",
        "vs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED_RE.finditer(text)]


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into word, number and punctuation tokens with offsets.

    Whitespace is never a token. Words inside URLs, e-mail addresses, @handles,
    #tags and markup are marked ``protected``.

    >>> tokenize("@ALT_USCIS said")[-1]
    Token(start=11, end=15, text='said', kind='word', protected=False)
    """
    protected = _protected_spans(text)
    tokens: list[Token] = []
    p = 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "punct"
        if kind == "clitic":
            kind = "word"
        start, end = m.span()
        while p < len(protected) and protected[p][1] <= start:
            p += 1
        inside = p < len(protected) and protected[p][0] < end
        tokens.append(Token(start, end, m.group(), kind, inside))
    return tokens


def norm(word: str) -> str:
    """Matching and LM form of a token: lower case, straight apostrophes and quotes.

    >>> norm("Twitter’s")
    "twitter's"
    """
    return word.translate(_QUOTES).lower()


def sentence_spans(tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """Group token indices into sentences: ``[(first, last_exclusive), ...]``.

    A sentence ends after ``.``, ``!`` or ``?`` (plus closing quotes or brackets)
    and at every line break.
    """
    spans: list[tuple[int, int]] = []
    first = 0
    n = len(tokens)
    for i, tok in enumerate(tokens):
        last = i + 1 == n
        end_here = False
        if not last:
            nxt = tokens[i + 1]
            if "\n" in text[tok.end : nxt.start]:
                end_here = True
            elif tok.text in _SENTENCE_END and nxt.text not in _CLOSERS:
                prev = tokens[i - 1].text.lower() if i > first else ""
                end_here = tok.text != "." or (
                    prev not in _ABBREVIATIONS and not nxt.text[:1].islower()
                )
            elif tok.text in _CLOSERS and i > first and tokens[i - 1].text in _SENTENCE_END:
                end_here = True
        if last or end_here:
            spans.append((first, i + 1))
            first = i + 1
    return spans


def lm_sentences(text: str) -> list[list[str]]:
    """The language model's view of ``text``: sentences of normalized tokens.

    Training and querying both use this function, so they agree on every token.

    >>> lm_sentences("The court’s order.\\nNo 2017 date!")
    [['the', 'court', "'s", 'order', '.'], ['no', '<num>', 'date', '!']]
    """
    tokens = tokenize(text)
    return [[lm_token(t) for t in tokens[a:b]] for a, b in sentence_spans(tokens, text)]


def lm_token(token: Token) -> str:
    """The LM vocabulary item for one token (numbers collapse to ``<num>``)."""
    if token.kind == "num":
        return "<num>"
    return norm(token.text)


def is_fixed_case(phrase: str) -> bool:
    """True when a phrase has its own capitals to keep ("First Amendment", "U.S.").

    >>> is_fixed_case("First Amendment"), is_fixed_case("court")
    (True, False)
    """
    return any(c.isupper() for c in phrase)


def transfer_case(found: str, restored: str) -> str:
    """Give ``restored`` the case pattern of ``found`` unless it has fixed case.

    >>> transfer_case("COURT DOCKET", "court"), transfer_case("a", "the")
    ('COURT', 'the')
    >>> transfer_case("Primary modification", "First Amendment")
    'First Amendment'
    """
    if is_fixed_case(restored):
        return restored
    letters = [c for c in found if c.isalpha()]
    if not letters:
        return restored
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return restored.upper()
    if letters[0].isupper():
        return restored[:1].upper() + restored[1:]
    return restored


@lru_cache(maxsize=500_000)
def phrase_key_words(phrase: str) -> tuple[str, ...]:
    """A phrase as LM tokens.

    >>> phrase_key_words("According to 3 judges")
    ('according', 'to', '<num>', 'judges')
    """
    return tuple(lm_token(t) for t in tokenize(phrase))
