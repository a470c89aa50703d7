"""Link each spun copy in a pile to its original (``unspin match``).

A :class:`PileIndex` reads the pile once: bad entries are named and skipped, texts go to a
compressed file on disk (the pile is indexed, not held in memory), MinHash signatures to
an LSH index. The pairs are then found as ``unspin learn`` finds them
(:mod:`unspin.learn.pairing`: near duplicates verified by sentence alignment, the spun side
told by rarer, less fluent words and the pile's votes), one original per spun copy is
chosen (:mod:`unspin.learn.link_choice`: the pile's first of originals holding the same
text; weak or contested sides settled by the contextual judge, else left unlinked), and
each becomes a :class:`Link`. Two clean versions of one story (too few swaps between
them) are not linked; a copy of part of an original is.

The index also answers for a text from outside the pile (:meth:`PileIndex.twin`): the
original it copies, if any, or that it is itself clean.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("The lawyers told a federal judge on Friday that the "
...     "company would appeal. The judge said she would rule next week.", encoding="utf-8")
>>> _ = (d / "b.txt").write_text("The attorneys advised a federal choose on Friday that the "
...     "corporate would attraction. The choose stated she would rule subsequent week.",
...     encoding="utf-8")
>>> [(pathlib.Path(k.spun).name, pathlib.Path(k.original).name) for k in match_pile([d]).links]
[('b.txt', 'a.txt')]
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from ..text.corpus import Document, _expand
from ..text.tokens import Token
from .align import Alignment, Prepared, _initial, align, prepare, word_blocks
from .link_choice import Settle, choose_links, judge_settle, same_text
from .neardup import NearDupIndex
from .pairing import (
    MIN_MARGIN,
    BigramSketch,
    Edge,
    _load_lm,
    consistency,
    direction_votes,
    index_documents,
    orient_pairs,
    same_story,
    spin_margin,
)

__all__ = [
    "Link",
    "MatchResult",
    "PileIndex",
    "Twin",
    "check_pair",
    "iter_pile",
    "match_pile",
    "write_links",
]

Problem = Callable[[str], None]


class Link(NamedTuple):
    """A spun copy and its original (paths or ids): ``shared``, the share of the copy's
    words in sentences aligned to the original; ``spun_words``, how many of those words
    differ from the original's; ``margin``, the evidence for the side decision."""

    spun: str
    original: str
    shared: float
    spun_words: int
    margin: float

    def as_json(self) -> dict[str, Any]:
        """The link as ``unspin match`` writes it (one JSON object a line)."""
        return self._asdict()


@dataclass
class MatchResult:
    """The links of a pile, sorted, with how many documents were read and which entries
    were skipped (named with the reason)."""

    links: list[Link]
    documents: int
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def format(self) -> str:
        """A summary for people.

        >>> print(MatchResult([], 3, ["x.txt: not UTF-8"]).format())
        documents read:        3
        spun copies linked:    0
        entries skipped:       1
        time:                  0.0 s
        """
        return "\n".join(
            [
                f"documents read:        {self.documents}",
                f"spun copies linked:    {len(self.links)}",
                f"entries skipped:       {len(self.skipped)}",
                f"time:                  {self.seconds:.1f} s",
            ]
        )


# ---------------------------------------------------------------- reading a pile


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        yield from enumerate(f, start=1)


def iter_pile(
    paths: Iterable[Path],
    field: str = "text",
    id_field: str = "id",
    problem: Problem | None = None,
) -> Iterator[Document]:
    """The pile's documents as ``unspin learn`` reads them (folders of ``.txt``, ``.jsonl``
    and ``.jsonl.gz``; a record's id is ``obj[id_field]``, else ``file:line``), except that
    a bad entry (not UTF-8, not JSON, no text field, a corrupt gzip) is named to
    ``problem`` and skipped instead of stopping the reading. A missing path still raises.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"id": 1, "text": "Hi."}\\nnot json\\n{"id": 2}\\n', encoding="utf-8")
    >>> [d.id for d in iter_pile([p], problem=lambda m: print(m.split(", ", 1)[1]))]
    line 2: not valid JSON
    line 3: no text field 'text'
    ['1']
    """
    problem = problem or (lambda message: None)
    for path in _expand(paths):
        name = path.name.lower()
        if not (name.endswith(".jsonl") or name.endswith(".jsonl.gz")):
            try:
                yield Document(str(path), path.read_text(encoding="utf-8"))
            except UnicodeDecodeError as exc:
                problem(f"{path}: not UTF-8 text ({exc.reason})")
            except OSError as exc:
                problem(f"{path}: {exc.strerror or exc}")
            continue
        try:
            for lineno, line in _jsonl_lines(path):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    problem(f"{path}, line {lineno}: not valid JSON")
                    continue
                text = obj.get(field) if isinstance(obj, dict) else None
                if not isinstance(text, str):
                    problem(f"{path}, line {lineno}: no text field {field!r}")
                    continue
                ident = obj.get(id_field)
                yield Document(str(ident) if ident is not None else f"{path}:{lineno}", text)
        except (UnicodeDecodeError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
            problem(f"{path}: unreadable from here on ({exc}); the lines before it are used")


class _TextStore:
    """Texts appended to a temporary file, zlib-compressed, read back by number."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="unspin-pile-")  # noqa: SIM115
        self._spans: list[tuple[int, int]] = []
        self._end = 0

    def add(self, text: str) -> None:
        blob = zlib.compress(text.encode("utf-8", "surrogatepass"), 1)
        self._file.seek(self._end)
        self._file.write(blob)
        self._spans.append((self._end, len(blob)))
        self._end += len(blob)

    def get(self, n: int) -> str:
        start, size = self._spans[n]
        self._file.seek(start)
        return zlib.decompress(self._file.read(size)).decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self._spans)


# ---------------------------------------------------------------- the index


class Twin(NamedTuple):
    """What the pile says about one text: ``original`` (the pile's number of the text it
    copies, with their alignment) or ``clean`` (it is an original, or has a clean twin)."""

    original: int | None
    alignment: Alignment | None
    clean: bool


def aligned_words(alignment: Alignment) -> tuple[int, int]:
    """Words of the spun side in aligned sentences, and how many of them differ.

    >>> from unspin.learn.align import align_texts
    >>> aligned_words(align_texts("The attorneys met a choose.", "The lawyers met a judge."))
    (5, 2)
    """
    shared = differ = 0
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        shared += s.words
        for a1, a2, _, _ in word_blocks(s.code, c.code):
            differ += sum(t.kind != "punct" for t in s.tokens[a1:a2])
    return shared, differ


# A spun copy's aligned sentences differ from its original's by swaps (spinner W: at least
# 1 per 100 words on issue 21's pile); two versions of one story with fewer are clean twins.
# Different stories told with one template ("X is raising 100 mln dlrs via ...") align too,
# but differ in figures and names, which no spinner touches: true copies have at most 1 such
# change per 40 words (99% of them under 1 per 38), other aligned pairs mostly far more.
MIN_SWAP_SHARE = 0.008
MIN_SWAPS = 2
MAX_FOREIGN_SHARE = 0.04
# Share of a pair's swaps that other pairs of the pile show too (issue 21's pile: at least
# 0.5 for 99% of true copies; 0-0.5 between clean versions of one story); a pile with
# fewer spun-looking pairs asks less (see PileIndex._recurring).
MIN_RECURRING = 0.5
MIN_PAIRS_FOR_RECURRENCE = 20
FULL_RECURRENCE_PAIRS = 500  # spun-looking pairs from which the full share is asked
class PairFeatures(NamedTuple):
    """How two aligned documents differ, counted on the first: ``swaps`` (changes a spinner
    makes: :meth:`~unspin.learn.align.Alignment.substitutions`), ``foreign`` (changed
    blocks with a figure or a name in them), ``words`` and ``equal`` tokens in aligned
    sentences."""

    swaps: int
    foreign: int
    words: int
    equal: int
    keys: tuple[frozenset[str], ...] = ()  # each swap's two sides, either way round

    def kind(self) -> str | None:
        """``spun`` (one side is a spun copy of the other), ``clean`` (two clean versions)
        or None (different stories).

        >>> PairFeatures(9, 0, 300, 280).kind(), PairFeatures(0, 0, 300, 300).kind()
        ('spun', 'clean')
        >>> PairFeatures(9, 30, 300, 240).kind() is None
        True
        """
        words = max(self.words, 1)
        if self.foreign / words > MAX_FOREIGN_SHARE:
            return None
        if self.swaps >= MIN_SWAPS and self.swaps / words >= MIN_SWAP_SHARE:
            return "spun"
        return "clean"


def _figure_or_name(tokens: Sequence[Token], a: int, b: int) -> bool:
    """Whether tokens ``[a, b)`` hold a number or a capitalised word that does not start
    its sentence (a spinner's swap of a sentence's first word is capitalised too)."""
    return any(
        t.kind == "num" or (t.kind == "word" and t.text[:1].isupper() and not _initial(tokens, i))
        for i, t in enumerate(tokens[a:b], start=a)
    )


def pair_features(alignment: Alignment) -> PairFeatures:
    """The :class:`PairFeatures` of an alignment.

    >>> from unspin.learn.align import align_texts
    >>> f = pair_features(align_texts("The attorneys met 12 judges.", "The lawyers met 15 judges."))
    >>> f[:4], sorted(f.keys[0])
    ((1, 1, 5, 4), ['attorneys', 'lawyers'])
    """
    words = foreign = equal = 0
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        words += s.words
        equal += len(s.keys)
        for a1, a2, b1, b2 in word_blocks(s.code, c.code):
            equal -= a2 - a1
            if _figure_or_name(s.tokens, a1, a2) or _figure_or_name(c.tokens, b1, b2):
                foreign += 1
    subs = alignment.substitutions()
    keys = tuple(frozenset((sub.spun, sub.original.lower())) for sub in subs)
    return PairFeatures(len(subs), foreign, words, equal, keys)


def local_fluency(alignment: Alignment, lm, context: int = 2) -> float:  # noqa: ANN001
    """Mean log10 gain of the clean side's words over the spun side's at each short changed
    block, in its own context (``context`` tokens each side), clipped to [-2, 2]; 0 without
    a language model."""
    if lm is None:
        return 0.0
    from ..text.tokens import lm_token

    gains = []
    for i, j, _ in alignment.pairs:
        s, c = alignment.spun.sentences[i], alignment.clean.sentences[j]
        sw, cw = [lm_token(t) for t in s.tokens], [lm_token(t) for t in c.tokens]
        for a1, a2, b1, b2 in word_blocks(s.code, c.code):
            if a2 - a1 > 4 or b2 - b1 > 4:
                continue
            spun = lm.score_span(sw[max(0, a1 - context) : a1], sw[a1:a2], sw[a2 : a2 + context])
            clean = lm.score_span(cw[max(0, b1 - context) : b1], cw[b1:b2], cw[b2 : b2 + context])
            gains.append(clean - spun)
    if not gains:
        return 0.0
    return max(-2.0, min(2.0, sum(gains) / len(gains)))


Checked = tuple[int, int, "str | None", "Alignment | None", PairFeatures, float]
Checker = Callable[
    [Sequence[tuple[int, int]], Callable[[int], str], BigramSketch], Iterable[Checked]
]


def check_pair(
    a: Prepared,
    b: Prepared,
    lm,
    bigrams: BigramSketch | None,  # noqa: ANN001
) -> tuple[str | None, Alignment | None, PairFeatures, float]:
    """Align two candidate near duplicates: ``spun`` (versions of one story, one of them
    spun), ``clean`` (versions of one story, neither spun) or None, with the alignment,
    its :class:`PairFeatures` and, for ``spun``, the evidence that ``a`` is the spun side:
    :func:`spin_margin` without its whole-sentence LM term, plus :func:`local_fluency` (a
    copy's sentences can be cut or split differently from the original's, which
    whole-sentence scores punish)."""
    alignment = align(a, b)
    if not same_story(alignment):
        return None, None, PairFeatures(0, 0, 0, 0), 0.0
    features = pair_features(alignment)
    kind = features.kind()
    if kind != "spun":
        return kind, alignment, features, 0.0
    margin = spin_margin(alignment, None, bigrams) + local_fluency(alignment, lm)
    return kind, alignment, features, margin


class PileIndex:
    """A pile read once and paired (see the module's docstring).

    ``ids``: each document's path or id, by number; ``edges``: the chosen spun -> original
    pairs; ``clean``: documents that are an original or have a clean twin. ``check``
    replaces the checking of the candidate pairs (:func:`check_pair` on each, here): it
    gets the sorted pairs, a function giving a document's text and the pile's bigram
    sketch, and returns ``(a, b, kind, alignment, features, margin)`` for each pair
    (:mod:`unspin.learn.match_distributed` does it on Dask). ``settle`` tells weak or
    contested side decisions (:mod:`unspin.learn.link_choice`; the contextual judge here).
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        field: str = "text",
        id_field: str = "id",
        progress: bool = False,
        problem: Problem | None = None,
        threshold: float = 0.2,
        check: Checker | None = None,
        settle: Settle | None = None,
    ) -> None:
        from tqdm import tqdm

        self.skipped: list[str] = []

        def note(message: str) -> None:
            self.skipped.append(message)
            if problem is not None:
                problem(message)

        self.ids: list[str] = []
        self._store = _TextStore()
        self._hashes: dict[int, list[int]] = {}
        self.index = NearDupIndex(threshold=threshold)
        self.bigrams = BigramSketch()
        candidates: set[tuple[int, int]] = set()

        def texts() -> Iterator[str]:
            for doc in iter_pile(paths, field, id_field, note):
                self._hashes.setdefault(hash(doc.text), []).append(len(self.ids))
                self.ids.append(doc.id)
                self._store.add(doc.text)
                yield doc.text

        self.documents = index_documents(texts(), self.index, self.bigrams, candidates, progress)
        self.lm = _load_lm()
        self._prepared = lru_cache(maxsize=4096)(lambda n: prepare(self._store.get(n)))
        pairs = sorted(candidates)
        if check is None:
            bar = tqdm(pairs, "aligning", unit=" pairs", disable=not progress, file=sys.stderr)
            checked: Iterable[Checked] = (
                (a, b, *check_pair(self._prepared(a), self._prepared(b), self.lm, self.bigrams))
                for a, b in bar
            )
        else:
            checked = check(pairs, self.text, self.bigrams)
        found: list[tuple[int, int, Alignment, PairFeatures, float]] = []
        clean_twins: set[int] = set()
        for a, b, kind, alignment, features, margin in checked:
            if kind == "spun":
                found.append((a, b, alignment, features, margin))  # type: ignore[arg-type]
            elif kind == "clean":
                clean_twins.update((a, b))
        # the spinner's swaps recur across the pile; an editor's changes between two clean
        # versions of a story do not
        self._seen = Counter(k for *_, f, _ in found for k in set(f.keys))
        self._found = len(found)
        verified: list[tuple[int, int, Alignment, float]] = []
        equal: dict[tuple[int, int], int] = {}
        for a, b, alignment, features, margin in found:
            if not self._recurring(features, own=True):
                clean_twins.update((a, b))
                continue
            verified.append((a, b, alignment, margin))
            equal[a, b] = equal[b, a] = features.equal
        self.votes = direction_votes(verified)
        self.edges: list[Edge] = choose_links(
            orient_pairs(verified, self.votes), equal, self._same, settle or judge_settle()
        )
        self._original_of = {e.spun: e for e in self.edges}
        spun = {e.spun for e in self.edges}
        self.clean = frozenset(({e.clean for e in self.edges} | clean_twins) - spun)

    def _recurring(self, features: PairFeatures, own: bool) -> bool:
        """Whether enough of a pair's swaps are seen in other pairs of the pile: a share of
        them that grows with the pile to :data:`MIN_RECURRING` (a small pile repeats few
        swaps), and none asked of a pile with few pairs (:data:`MIN_PAIRS_FOR_RECURRENCE`)."""
        if self._found < MIN_PAIRS_FOR_RECURRENCE:
            return True
        need = MIN_RECURRING * min(1.0, self._found / FULL_RECURRENCE_PAIRS)
        least = 2 if own else 1  # a pile pair's own sighting is among the counts
        known = sum(self._seen[k] >= least for k in features.keys)
        # one recurring swap of two is not enough: two clean versions share that by chance
        swaps = len(features.keys)
        return known >= max(1.0, need * swaps) and (known >= 2 or swaps >= 3)

    def _same(self, a: int, b: int) -> bool:
        return same_text(self.text(a), self.text(b))

    def text(self, n: int) -> str:
        """Document ``n``'s text (read back from disk)."""
        return self._store.get(n)

    def dump(self, path: Path) -> None:
        """Write the pile's documents as JSONL (``id``, ``text``), numbered as here."""
        with path.open("w", encoding="utf-8") as f:
            for n, ident in enumerate(self.ids):
                f.write(json.dumps({"id": ident, "text": self.text(n)}) + "\n")

    def links(self) -> list[Link]:
        """Every spun copy with its original, sorted by copy then original."""
        out = []
        for e in self.edges:
            alignment = align(self._prepared(e.spun), self._prepared(e.clean))
            shared, differ = aligned_words(alignment)
            words = max(alignment.spun.words, 1)
            share = round(shared / words, 4)
            out.append(Link(self.ids[e.spun], self.ids[e.clean], share, differ, round(e.margin, 4)))
        return sorted(out, key=lambda link: (link.spun, link.original))

    def twin(self, text: str) -> Twin:
        """The pile's answer for ``text``: a pile document answers from its own pairs;
        another text is compared with its near duplicates in the pile."""
        for n in self._hashes.get(hash(text), ()):
            if self.text(n) != text:
                continue
            edge = self._original_of.get(n)
            if edge is not None:
                return Twin(edge.clean, edge.alignment, False)
            return Twin(None, None, n in self.clean)
        prepared = prepare(text)
        best: tuple[tuple, int, Alignment] | None = None
        clean = False
        for n in self.index.query(text):
            kind, alignment, features, margin = check_pair(
                prepared, self._prepared(n), self.lm, self.bigrams
            )
            if kind == "spun" and not self._recurring(features, own=False):
                kind = "clean"
            if kind == "clean":
                clean = True
            if kind != "spun" or n in self._original_of:
                continue
            margin += consistency(alignment, self.votes)
            if margin <= -MIN_MARGIN:
                clean = True  # the pile's document is the copy
            elif margin >= MIN_MARGIN:
                rank = (alignment.coverage, margin, -n)  # same text: the pile's first
                if best is None or rank > best[0]:
                    best = (rank, n, alignment)
        if best is not None:
            return Twin(best[1], best[2], False)
        return Twin(None, None, clean)


def match_pile(
    paths: Sequence[Path],
    *,
    field: str = "text",
    id_field: str = "id",
    progress: bool = False,
    problem: Problem | None = None,
) -> MatchResult:
    """Link each spun copy in the pile at ``paths`` (``.txt`` files, folders, ``.jsonl(.gz)``
    with the text in ``field`` and the id in ``id_field``) to its original. Bad entries
    are passed to ``problem`` and skipped (listed in the result)."""
    started = time.perf_counter()
    pile = PileIndex(paths, field=field, id_field=id_field, progress=progress, problem=problem)
    return MatchResult(
        pile.links(), pile.documents, pile.skipped, round(time.perf_counter() - started, 2)
    )


def write_links(links: Iterable[Link], out: IO[str]) -> int:
    """Write links as JSON lines; returns how many."""
    n = 0
    for link in links:
        out.write(json.dumps(link.as_json(), ensure_ascii=False) + "\n")
        n += 1
    return n
