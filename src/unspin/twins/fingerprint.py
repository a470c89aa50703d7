"""A text's spin-robust fingerprint: the anchors a spinner leaves alone, as 63-bit keys.

Spinners swap dictionary words; a dictionary holds common words, not the rare ones a story
is made of (names, places, technical terms) nor its figures. The *anchors* of a text are
its figures (number words read as digits: a heavy spinner writes "19" as "nineteen" and
"6.9" as "6.nine") and its words of three letters or more outside the ~15,000 commonest
English words (wordfreq Zipf >= 3.5), all lower case (a heavy spinner lower-cases what it
swaps). On spinner W's heavy proxy 98% of an original's anchors are in its copy.

A text's keys are its anchors and each pair of consecutive anchors (in text order, what
lies between them ignored): a pair is as robust as its two words and far more specific
(two earnings reports share "mln" and "dlrs", rarely "mln dlrs" next to "Chrysler"). A
text with few anchors (under :data:`FEW_ANCHORS`) also takes its less common words (Zipf <
5) and their pairs, marked apart, so a short story still has keys of its own.

A reference stores a *sample* of its keys: the :data:`SAMPLE_SIZE` smallest (bottom-k
consistent sampling, so a copy that keeps a key keeps it wherever it was sampled); a query
looks up all of its keys (:func:`query_keys`) and scores references by the samples it
matched (:mod:`unspin.twins.candidates`). An index stores :data:`FINGERPRINT_VERSION` and
must not be queried with another.

Keys fit a signed 64-bit column: a word's is the first 8 bytes (little-endian) of the
BLAKE2b digest of its UTF-8 text, shifted right by one bit (:func:`key`); a pair's mixes
its two words' keys (:func:`pair_key`); a short text's extra words are keyed as ``"~word"``.

>>> ref = reference_keys("Chrysler Corp said its 1986 net income rose to 19.6 mln dlrs at Kokomo.")
>>> copy = query_keys("chrysler Corp stated its 1986 internet earnings rose to nineteen.6 mln dlrs "
...                   "at Kokomo.")
>>> len(ref), len(set(ref) & set(copy))
(24, 18)
"""

from __future__ import annotations

import hashlib
import heapq
import re
from functools import lru_cache


def _wordfreq_version() -> str:
    from importlib.metadata import version

    return ".".join(version("wordfreq").split(".")[:2])


__all__ = [
    "COMMON_ZIPF",
    "FEW_ANCHORS",
    "FINGERPRINT_VERSION",
    "SAMPLE_SIZE",
    "anchors",
    "canonical_numbers",
    "common_words",
    "key",
    "pair_key",
    "query_keys",
    "reference_keys",
]

#: What an index built with these keys records; an index with another is rebuilt, not
#: queried. It names the word-frequency data the anchors depend on (wordfreq's version).
FINGERPRINT_VERSION = "anchors-1:k32:zipf3.5/5.0:few12:blake2b-mix:wordfreq" + _wordfreq_version()
#: Keys a reference keeps (at most): its smallest.
SAMPLE_SIZE = 32
#: A text with fewer distinct anchors also takes the pairs of its less common words.
FEW_ANCHORS = 12
COMMON_ZIPF = 3.5  # wordfreq Zipf from which a word is common (not an anchor)
LESS_COMMON_ZIPF = 5.0  # ... and, in a text with few anchors, from which not even that
MIN_LETTERS = 3

_UNITS = (  # noqa: SIM905 - the words of 0-19 in order
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_VALUE = {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_UNITS + _TENS) + r")\b", re.IGNORECASE)
_COMPOUND = re.compile(r"\b([2-9])0[ -]([1-9])\b")
_HUNDRED = re.compile(r"\b(\d+) hundred\b", re.IGNORECASE)
_TOKEN = re.compile(r"\w+(?:['.,]\w+)*")
_SPECIAL = frozenset(_VALUE) | {"hundred"}  # tokens that need reading
_TENS_SET = frozenset(_TENS)
_SEPARATOR = re.compile(r"([.,])")


def canonical_numbers(text: str) -> str:
    """``text`` with the number words 0-99 and "N hundred" written as digits (case and all
    else kept): how a spinner that writes figures as words ("6.9" -> "6.nine", "100,000" ->
    "one hundred,000") is read.

    >>> canonical_numbers("Nineteen of 78 rose 6.nine pct, seventy-eight fell, One stayed")
    '19 of 78 rose 6.9 pct, 78 fell, 1 stayed'
    >>> canonical_numbers("one hundred,000 and 1,three hundred dlrs")
    '100,000 and 1,300 dlrs'
    """
    text = _NUMBER_WORD.sub(lambda m: str(_VALUE[m.group(1).lower()]), text)
    text = _COMPOUND.sub(r"\1\2", text)
    return _HUNDRED.sub(r"\g<1>00", text)


@lru_cache(maxsize=4)
def common_words(zipf: float) -> frozenset[str]:
    """The words wordfreq gives a Zipf frequency of at least ``zipf`` (English), figures
    left out (a figure is always an anchor).

    >>> "company" in common_words(COMMON_ZIPF), "bundesbank" in common_words(COMMON_ZIPF)
    (True, False)
    """
    from wordfreq import get_frequency_dict

    least = 10.0 ** (zipf - 9)
    return frozenset(
        w for w, f in get_frequency_dict("en").items() if f >= least and not w[:1].isdigit()
    )


def _number(part: str) -> str | None:
    """A part of a token as digits, if it is a number (digits or a number word)."""
    if part.isdigit():
        return part
    value = _VALUE.get(part)
    return None if value is None else str(value)


def _tokens(text: str) -> list[str]:
    """Lower-case word and figure tokens, read as :func:`canonical_numbers` reads them
    ("seventy eight" -> "78", "one.five" -> "1.5", "one hundred,000" -> "100,000")."""
    tokens = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    special = [i for i, t in enumerate(tokens) if t in _SPECIAL or "." in t or "," in t]
    if not special:
        return tokens
    out: list[str] = []
    last = 0
    for i in special:
        out.extend(tokens[last:i])
        _read_special(tokens[i], i > 0 and tokens[i - 1] in _TENS_SET, out)
        last = i + 1
    out.extend(tokens[last:])
    return out


def _read_special(token: str, after_tens: bool, out: list[str]) -> None:
    """Append what a number word or a token with a separator in it reads as."""
    figure = bool(out) and out[-1][:1].isdigit()
    if "." in token or "," in token:
        parts = _SEPARATOR.split(token)
        head = parts[0]
        if head == "hundred" and figure:  # "one hundred,000"
            head, parts[0] = "", out.pop() + "00"
        numbers = [_number(p) for p in parts[::2]]
        if (
            head != "hundred"
            and all(n is not None for n in numbers[1:])
            and (not head or numbers[0] is not None)
        ):
            parts[::2] = [parts[0] if not head else numbers[0]] + numbers[1:]
            out.append("".join(p for p in parts if p is not None))
            return
        for word in parts[::2]:
            if word:
                _read_special(word, False, out) if word in _SPECIAL else out.append(word)
        return
    value = _VALUE.get(token)
    if value is None:  # "hundred"
        if figure:
            out[-1] += "00"
        else:
            out.append(token)
    elif after_tens and 0 < value < 10 and figure:
        out[-1] = str(int(out[-1]) + value)
    else:
        out.append(str(value))


def _pick(tokens: list[str], common: frozenset[str]) -> list[str]:
    return [t for t in tokens if t not in common and (len(t) >= MIN_LETTERS or t[0].isdigit())]


def anchors(text: str) -> list[str]:
    """A text's anchors in order: figures and uncommon words, lower case.

    >>> anchors("The Bundesbank held rates at 3.5 pct on Tuesday, the bank said.")
    ['bundesbank', '3.5', 'pct']
    """
    return _pick(_tokens(text), common_words(COMMON_ZIPF))


@lru_cache(maxsize=1 << 18)
def key(word: str) -> int:
    """A word's 63-bit key: the first 8 bytes (little-endian) of the BLAKE2b digest of its
    UTF-8 text, shifted right by one bit.

    >>> key("bundesbank") == key("bundesbank") and 0 <= key("bundesbank") < 2**63
    True
    """
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def pair_key(first: int, second: int) -> int:
    """The 63-bit key of two consecutive anchors, from their keys (ordered: "a b" is not
    "b a"): ``((first XOR (second * M1 mod 2**64)) * M2 mod 2**64) >> 1``.

    >>> pair_key(key("mln"), key("dlrs")) != pair_key(key("dlrs"), key("mln"))
    True
    """
    return (((first ^ (second * _M1 & _MASK)) * _M2) & _MASK) >> 1


_M1, _M2, _MASK = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, (1 << 64) - 1


def _keys(tokens: list[str], few: int) -> set[int]:
    """A text's keys (see the module): its words' and pairs' keys, figures only in pairs;
    with fewer than ``few`` distinct anchors, also its less common words' (marked ``~``)."""
    words = _pick(tokens, common_words(COMMON_ZIPF))
    ids = [key(w) for w in words]
    out = {k for w, k in zip(words, ids, strict=True) if not w[0].isdigit()}
    out.update(pair_key(a, b) for a, b in zip(ids, ids[1:], strict=False))
    if len(set(words)) < few:
        more = _pick(tokens, common_words(LESS_COMMON_ZIPF))
        ids = [key("~" + w) for w in more]
        out.update(k for w, k in zip(more, ids, strict=True) if not w[0].isdigit())
        out.update(pair_key(a, b) for a, b in zip(ids, ids[1:], strict=False))
    return out


def reference_keys(text: str, size: int = SAMPLE_SIZE) -> list[int]:
    """The keys a reference keeps: the ``size`` smallest of its keys, ascending.

    >>> len(reference_keys("Chrysler said net income rose.")), len(reference_keys("The end."))
    (7, 0)
    """
    return heapq.nsmallest(size, _keys(_tokens(text), FEW_ANCHORS))


def query_keys(text: str) -> list[int]:
    """Every key of a text that may be looked up, ascending (a reference's sample is a subset
    of its own query keys). A query with somewhat more anchors than a short reference would
    need (a spinner adds rare words) still takes the short texts' pairs.

    >>> ref = reference_keys("The Bundesbank said its Frankfurt office stays shut.")
    >>> len(set(ref) & set(query_keys("the Bundesbank stated its Frankfurt office remains shut.")))
    4
    """
    return sorted(_keys(_tokens(text), 3 * FEW_ANCHORS))
