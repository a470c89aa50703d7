"""Real spinner output to measure against: spinner W's dev sets and their splits.

``../shared/eval/spinner_w_dev.jsonl.gz`` holds 2,038 Reuters stories run through half of
a real WordPress auto-blog spinner's dictionary (``spinner_w_dev_heavy.jsonl.gz``: the same
stories, spun the way heavy spinners work); the original of each is the Reuters story with
the same id. They are for measuring and calibrating only: nothing read off them goes into
``data/`` or anything that ships.

Fixed splits, by position in the file, so every benchmark and calibration agrees:

- ``tune``: stories 0-1837, for calibration (decision model, thresholds, detector) and for
  building learning piles (:func:`aligned_pile`, :func:`spun_only_pile` use 0-1349);
- ``test``: stories 1838-2037, held out, for reporting only.

Scoring is :mod:`bench.common`'s (the judges').
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from bench.common import REUTERS, SHARED, read_jsonl, reuters_texts

DEV = SHARED / "eval" / "spinner_w_dev.jsonl.gz"
HEAVY = SHARED / "eval" / "spinner_w_dev_heavy.jsonl.gz"

TUNE = range(0, 1838)
TEST = range(1838, 2038)
PILE = range(0, 1350)


class Story(NamedTuple):
    """One dev story: its position in the dev file, Reuters id, spun copy and original."""

    index: int
    reuters_id: str
    spun: str
    original: str


def available() -> bool:
    """Whether the dev set and the Reuters corpus are here (a user's clone has neither)."""
    return DEV.exists() and REUTERS.exists()


@lru_cache(maxsize=2)
def stories(heavy: bool = False) -> tuple[Story, ...]:
    """Every dev story with its original, in file order (``heavy``: the heavy spins)."""
    originals = {d["id"]: d["text"] for d in read_jsonl(REUTERS)}
    return tuple(
        Story(k, d["reuters_id"], d["spun"], originals[d["reuters_id"]])
        for k, d in enumerate(read_jsonl(HEAVY if heavy else DEV))
        if d["reuters_id"] in originals
    )


def split(indexes: range, heavy: bool = False) -> list[Story]:
    """The stories whose position in the dev file is in ``indexes``."""
    return [s for s in stories(heavy) if s.index in indexes]


def other_reuters(min_words: int = 0) -> list[str]:
    """Clean Reuters stories that are not in the dev set (none is used to fit anything)."""
    return reuters_texts(min_words, exclude={s.reuters_id for s in stories()})


def aligned_pile(
    spun_with_partner: int = 600, clean: int = 600, spun_alone: int = 150
) -> list[str]:
    """A pile like issue 13's first row, from :data:`PILE`: spun copies with their
    originals somewhere in the pile, unrelated clean stories, spun copies without partner."""
    pile = split(PILE)
    partnered = pile[:spun_with_partner]
    unrelated = pile[spun_with_partner : spun_with_partner + clean]
    alone = pile[spun_with_partner + clean : spun_with_partner + clean + spun_alone]
    texts = [s.spun for s in partnered] + [s.original for s in partnered]
    texts += [s.original for s in unrelated] + [s.spun for s in alone]
    return texts


def spun_only_pile(count: int = 1350) -> list[str]:
    """A content farm's site: spun copies only, no originals anywhere (from :data:`PILE`)."""
    return [s.spun for s in split(PILE)[:count]]


class Gold:
    """What the spinner did, from aligning a spun text with its original word by word.

    ``words(i, j)`` is what tokens ``[i, j)`` of the spun text (``unspin.text.tokens.tokenize``)
    stand for in the original, as LM words: a candidate restoring exactly that is right,
    whether it covers one swapped word or a phrase around it (``()``: words the spinner
    added). None when the span cuts through a changed stretch.

    >>> g = Gold("the court docket ruled", "the court ruled")
    >>> g.words(1, 3), g.words(2, 3), g.words(0, 1)
    (('court',), (), ('the',))
    """

    def __init__(self, spun: str, original: str) -> None:
        from unspin.text.tokens import lm_token, norm, tokenize

        s_keys = [norm(t.text) for t in tokenize(spun)]
        o_toks = tokenize(original)
        self._o_words = [lm_token(t) for t in o_toks]
        o_keys = [norm(t.text) for t in o_toks]
        n = len(s_keys)
        # Where each boundary between spun tokens falls in the original, seen from a
        # span starting there (left) and ending there (right); None inside a change.
        self._left: list[int | None] = [None] * (n + 1)
        self._right: list[int | None] = [None] * (n + 1)
        self._changed = [False] * n
        for op in Levenshtein.opcodes(s_keys, o_keys):
            a, b, c, d = op.src_start, op.src_end, op.dest_start, op.dest_end
            step = op.tag == "equal" or (op.tag == "replace" and b - a == d - c)
            for k in range(a, b + 1):
                q = c + (k - a) if step else (c if k == a else d if k == b else None)
                if q is None:
                    continue
                if self._left[k] is None or k == a:
                    self._left[k] = q if k < b or op.tag != "insert" else d
                if k == b or self._right[k] is None:
                    self._right[k] = q if k > a or op.tag != "insert" else c
            for k in range(a, b):
                self._changed[k] = op.tag != "equal"

    def words(self, i: int, j: int) -> tuple[str, ...] | None:
        """The original's LM words for spun tokens ``[i, j)``, or None."""
        left, right = self._left[i], self._right[j]
        if left is None or right is None or right < left:
            return None
        return tuple(self._o_words[left:right])

    def changed(self, i: int) -> bool:
        """Whether spun token ``i`` is part of a change."""
        return self._changed[i]
