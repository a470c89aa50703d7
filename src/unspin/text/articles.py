"""Article agreement: "a" before a consonant sound, "an" before a vowel sound.

A spinner that swaps a noun or an adjective leaves the article as it was ("an try" for
"an attempt", "a ask" for "a demand"), and one that turns "the" into "a" writes "a"
before vowels too ("a existence"). Where the article and the next word disagree, one of
them was swapped; the decision model weighs that (:func:`article_disagreement`,
:func:`agreement_change`).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["takes_an", "article_disagreement", "agreement_change"]

ARTICLES = frozenset({"a", "an"})
# Spelled with a vowel, said with a consonant ("a union", "a one-off", "a European") ...
_CONSONANT_SOUND = (
    "eu", "ewe", "once", "one", "unani", "unic", "unif", "unio", "uniq", "unis", "unit",
    "univ", "ura", "ure", "uri", "uro", "usa", "use", "usi", "usu", "uten", "uti",
)  # fmt: skip
# ... and the other way round ("an hour", "an honest").
_VOWEL_SOUND = ("heir", "honest", "honor", "honour", "hour")


def takes_an(word: str) -> bool | None:
    """Whether ``word`` goes after "an" rather than "a"; None when its spelling cannot
    tell (numbers, abbreviations such as "FBI" or "U.S.").

    >>> takes_an("attempt"), takes_an("try"), takes_an("union"), takes_an("hour")
    (True, False, False, True)
    >>> takes_an("FBI") is None, takes_an("all-out")
    (True, True)
    """
    head = word.split("-", 1)[0]
    if not head.isalpha() or not (head.islower() or head.istitle()):
        return None
    head = head.lower()
    if head.startswith(_VOWEL_SOUND):
        return True
    if head.startswith(_CONSONANT_SOUND):
        return False
    return head[0] in "aeiou"


def _agrees(article: str, word: str) -> bool | None:
    an = takes_an(word)
    return None if an is None else an == (article == "an")


def article_disagreement(raw: Sequence[str], i: int, j: int) -> float:
    """For a candidate replacing tokens ``[i, j)`` that are one article: +1 when it is
    "a" before a vowel sound (the article may be a spin of "the"), -1 when it is "an"
    before a consonant sound (the article is as written; the next word was swapped),
    0 otherwise.

    >>> article_disagreement(["a", "existence"], 0, 1), article_disagreement(["an", "try"], 0, 1)
    (1.0, -1.0)
    >>> article_disagreement(["a", "statement"], 0, 1)
    0.0
    """
    article = raw[i].lower()
    if j != i + 1 or article not in ARTICLES or j >= len(raw):
        return 0.0
    agrees = _agrees(article, raw[j])
    if agrees is None or agrees:
        return 0.0
    return 1.0 if article == "a" else -1.0


def agreement_change(raw: Sequence[str], i: int, original: Sequence[str]) -> float:
    """For a candidate ``original`` of the words from ``i`` on, right after "an": +1 when
    it makes the article agree where the text does not ("an try" -> "an attempt"), -1
    when it breaks an agreement that holds, 0 otherwise. Only "an" counts: an "a" may
    itself be a spin of "the", which says nothing of the word after it.

    >>> agreement_change(["an", "try"], 1, ["attempt"]), agreement_change(["an", "ox"], 1, ["cow"])
    (1.0, -1.0)
    >>> agreement_change(["a", "ask"], 1, ["demand"]), agreement_change(["the", "a"], 1, ["it"])
    (0.0, 0.0)
    """
    if i == 0 or i >= len(raw) or raw[i - 1].lower() != "an" or not original:
        return 0.0
    before, after = _agrees("an", raw[i]), _agrees("an", original[0])
    if before is None or after is None:
        return 0.0
    return float(after) - float(before)
