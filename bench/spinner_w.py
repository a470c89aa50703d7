"""Real spinner output to measure against: spinner W's dev set and its splits.

``../shared/eval/spinner_w_dev.jsonl.gz`` holds 2,038 Reuters stories run through half of
a real WordPress auto-blog spinner's dictionary; the original of each is the Reuters story
with the same id. It is for measuring and calibrating only: nothing read off it goes into
``data/`` or anything that ships.

Fixed splits, by position in the file, so every benchmark and calibration agrees:

- ``tune``: stories 0-1837, for calibration (decision model, thresholds, detector) and for
  building learning piles (:func:`aligned_pile`, :func:`spun_only_pile` use 0-1349);
- ``test``: stories 1838-2037, held out, for reporting only.

Scoring is the judges' (see ``../shared/DATA.md``): word-level Levenshtein distance over
tokens ``\\w+(?:'\\w+)*`` and single punctuation marks, case-sensitive, curly quotes and
dashes folded to straight ones.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "eval" / "spinner_w_dev.jsonl.gz"
REUTERS = SHARED / "corpus" / "reuters21578.jsonl.gz"

TUNE = range(0, 1838)
TEST = range(1838, 2038)
PILE = range(0, 1350)

_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})
_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


class Story(NamedTuple):
    """One dev story: its position in the dev file, Reuters id, spun copy and original."""

    index: int
    reuters_id: str
    spun: str
    original: str


def available() -> bool:
    """Whether the dev set and the Reuters corpus are here (a user's clone has neither)."""
    return DEV.exists() and REUTERS.exists()


@lru_cache(maxsize=1)
def stories() -> tuple[Story, ...]:
    """Every dev story with its original, in file order."""
    originals = {}
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            originals[d["id"]] = d["text"]
    out = []
    with gzip.open(DEV, "rt", encoding="utf-8") as f:
        for k, line in enumerate(f):
            d = json.loads(line)
            if d["reuters_id"] in originals:
                out.append(Story(k, d["reuters_id"], d["spun"], originals[d["reuters_id"]]))
    return tuple(out)


def split(indexes: range) -> list[Story]:
    """The stories whose position in the dev file is in ``indexes``."""
    return [s for s in stories() if s.index in indexes]


def tokens(text: str) -> list[str]:
    """The judges' tokens: words and single punctuation marks, quotes and dashes folded.

    >>> tokens("Twitter’s lawyers—2017!")
    ["Twitter's", 'lawyers', '-', '2017', '!']
    """
    return _TOKEN.findall(text.translate(_FOLD))


def errors(hyp: str, ref: str) -> int:
    """Word-level Levenshtein distance, as judged.

    >>> errors("a federal choose said", "a federal judge said")
    1
    """
    return Levenshtein.distance(tokens(hyp), tokens(ref))


def undone(triples: Iterable[tuple[str, str, str]]) -> tuple[float, int, int]:
    """Share of errors undone over ``(spun, restored, original)`` triples, summed over
    documents, with the error totals before and after."""
    before = after = 0
    for spun, restored, original in triples:
        before += errors(spun, original)
        after += errors(restored, original)
    return (1 - after / before if before else 0.0), before, after


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


def write_pile(texts: Sequence[str], folder: Path) -> Path:
    """Write ``texts`` as one ``.txt`` file each into ``folder`` (for ``unspin learn``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(texts):
        (folder / f"{k:05d}.txt").write_text(text, encoding="utf-8")
    return folder


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
