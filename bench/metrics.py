"""Word-level scoring shared by every benchmark.

Words are ``unspin.text.tokens`` word and number tokens, normalized with ``norm``;
punctuation and whitespace never count.

>>> word_errors("The court docket ruled.", "The court ruled.")
1
>>> error_reduction("a supervision said", "the government said", "the government said")
(2, 0)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from unspin.text.tokens import norm, tokenize

__all__ = [
    "words",
    "word_errors",
    "error_reduction",
    "fraction_undone",
    "false_changes",
    "false_change_rate",
    "Outcomes",
    "change_outcomes",
    "errors_per_100",
]


def words(text: str) -> list[str]:
    """Normalized word and number tokens of ``text`` (punctuation dropped).

    >>> words("Twitter’s lawyers, 2017!")
    ['twitter', "'s", 'lawyers', '2017']
    """
    return [norm(t.text) for t in tokenize(text) if t.kind != "punct"]


def word_errors(hyp: str, ref: str) -> int:
    """Word-level Levenshtein distance between ``hyp`` and ``ref``.

    >>> word_errors("a federal choose", "a federal judge")
    1
    """
    return Levenshtein.distance(words(hyp), words(ref))


def error_reduction(spun: str, restored: str, original: str) -> tuple[int, int]:
    """Word errors against ``original`` before and after restoring: ``(before, after)``.

    >>> error_reduction("sooner or later after", "one day after", "one day after")
    (3, 0)
    """
    return word_errors(spun, original), word_errors(restored, original)


def fraction_undone(pairs: Iterable[tuple[int, int]]) -> float:
    """Share of the spinner's word errors undone over many docs: ``1 - sum(after)/sum(before)``.

    Negative when restoring made things worse overall; 0.0 when nothing was spun.

    >>> fraction_undone([(4, 1), (6, 2)])
    0.7
    """
    before = after = 0
    for b, a in pairs:
        before += b
        after += a
    return 1.0 - after / before if before else 0.0


def false_changes(clean: str, restored: str) -> int:
    """Word tokens changed when "restoring" text that was never spun.

    >>> false_changes("the court ruled", "the court ruled")
    0
    """
    return word_errors(restored, clean)


def false_change_rate(pairs: Iterable[tuple[str, str]]) -> float:
    """False changes per 1000 clean words over ``(clean, restored)`` pairs.

    >>> false_change_rate([("one two three four", "one two three for")])
    250.0
    """
    # A wrong change is a word error of the restored text against the clean text.
    return 10 * errors_per_100((restored, clean) for clean, restored in pairs)


def errors_per_100(pairs: Iterable[tuple[str, str]]) -> float:
    """Word errors per 100 reference words over ``(hyp, ref)`` pairs.

    >>> errors_per_100([("a b x d", "a b c d")])
    25.0
    """
    errors = total = 0
    for hyp, ref in pairs:
        errors += word_errors(hyp, ref)
        total += len(words(ref))
    return 100.0 * errors / total if total else 0.0


class Outcomes(NamedTuple):
    """The restorer's changes to spun text, each judged alone against the original."""

    good: int
    bad: int
    neutral: int


def change_outcomes(spun: str, restored: str, original: str) -> Outcomes:
    """Classify each changed block (spun -> restored) by its effect on word errors.

    A block is one non-equal opcode of the word alignment; it is ``good`` if applying
    it alone lowers the errors against ``original``, ``bad`` if it raises them.

    >>> change_outcomes("a court ruled on a case", "the court ruled on the matter",
    ...                 "the court ruled on a case")
    Outcomes(good=1, bad=1, neutral=0)
    """
    s, r, o = words(spun), words(restored), words(original)
    base = Levenshtein.distance(s, o)
    good = bad = neutral = 0
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(s, r):
        if tag == "equal":
            continue
        delta = Levenshtein.distance(s[:i1] + r[j1:j2] + s[i2:], o) - base
        if delta < 0:
            good += 1
        elif delta > 0:
            bad += 1
        else:
            neutral += 1
    return Outcomes(good, bad, neutral)
