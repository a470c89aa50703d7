"""Reverse synonyms: the words a spinner may have replaced by an observed word.

File format (gzipped UTF-8 TSV, built by ``unspin.models.thesaurus_build``)::

    #unspin-thesaurus<TAB>1<TAB>name=moby2+wn30+ppdb1
    # comment lines (attribution, licences)
    annals<TAB>records|history|chronicle<TAB>731

Keys and candidates are lower-case lemmas (up to 3 words; a plural-only key such as
"annals" keeps plural candidates), best first. ``flags`` has one hex digit per candidate,
the sum of: 1 = Moby Thesaurus II's entry for the candidate lists the key (the direction a
spinner goes), 2 = Moby's entry for the key lists the candidate, 4 = WordNet 3.0 synonyms,
8 = PPDB lexical paraphrases.

>>> lines = ["#unspin-thesaurus\\t1\\tname=demo", "disregard\\tviolate|ignore\\t53"]
>>> th = Thesaurus.from_lines(lines)
>>> th.sources_of("disregarded")
['violated', 'ignored']
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from ..errors import ModelFormatError

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "BUNDLED_NAME",
    "MOBY_LISTS_TERM",
    "TERM_LISTS_MOBY",
    "WORDNET",
    "PPDB",
    "Thesaurus",
    "load_thesaurus",
]

FORMAT_NAME = "#unspin-thesaurus"
FORMAT_VERSION = "1"
BUNDLED_NAME = "thesaurus.tsv.gz"
MOBY_LISTS_TERM, TERM_LISTS_MOBY, WORDNET, PPDB = 1, 2, 4, 8
_FLAGS = frozenset("123456789abcdef")


class Thesaurus:
    """Term -> candidate originals; rows are parsed on first use and answers are cached."""

    def __init__(self, rows: dict[str, str], name: str, origin: str = "<memory>") -> None:
        self._rows = rows
        self.name = name
        self.origin = origin
        self.sources_with_flags = lru_cache(maxsize=65536)(self._sources_with_flags)
        self.sources_of = lru_cache(maxsize=65536)(self._sources_of)  # type: ignore[method-assign]

    @classmethod
    def from_lines(cls, lines: Iterable[str], origin: str = "<memory>") -> Thesaurus:
        """Parse the file's lines (header first); malformed -> ModelFormatError naming the line.

        >>> len(Thesaurus.from_lines(["#unspin-thesaurus\\t1\\tname=x", "a\\tb|c\\t14"]))
        1
        """
        it = iter(lines)
        name = _check_header(next(it, ""), origin)
        rows: dict[str, str] = {}
        for number, line in enumerate(it, start=2):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            term, sep, rest = line.partition("\t")
            if not sep or not term or not _valid_rest(rest):
                raise ModelFormatError(
                    f"{origin}, line {number}: expected 'term<TAB>cand|cand...<TAB>flags' with "
                    f"one flag digit (1-7) per candidate, got {line[:80]!r}; rebuild the file with "
                    "python -m unspin.models.thesaurus_build"
                )
            rows[term] = rest
        return cls(rows, name, origin)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, term: object) -> bool:
        return term in self._rows

    def entry(self, term: str) -> list[tuple[str, int]]:
        """(candidate, flags) pairs stored for a lemma, best first; [] if unknown.

        >>> th = Thesaurus.from_lines(["#unspin-thesaurus\\t1\\tname=x", "annals\\trecords\\t5"])
        >>> th.entry("annals")
        [('records', 5)]
        """
        rest = self._rows.get(term)
        if rest is None:
            return []
        cands, _, flags = rest.partition("\t")
        return [(c, int(f, 16)) for c, f in zip(cands.split("|"), flags, strict=True)]

    def _sources_of(self, word: str, limit: int | None = None) -> list[str]:
        """Candidate originals of an observed word, inflected like it, best first
        (at most ``limit``).

        The entry of the word as it stands comes first (its candidates as stored), then the
        entries of its lemmas with candidates inflected by each reading (VBD and VBN, ...).
        """
        return [form for form, _ in self._sources_with_flags(word, limit)]

    def _sources_with_flags(self, word: str, limit: int | None = None) -> list[tuple[str, int]]:
        """:meth:`sources_of` with each candidate's source flags (Moby directions, WordNet).

        >>> th = Thesaurus.from_lines(["#unspin-thesaurus\\t1\\tname=x", "annals\\trecords\\t5"])
        >>> th.sources_with_flags("annals")
        [('records', 5)]
        """
        from ..text.inflect import lemmas, tags_of

        low = word.lower()
        plan: list[tuple[str, tuple[str, ...]]] = [(low, ())]
        for lemma, upos in lemmas(low):
            tags = tags_of(low, lemma, upos)
            if tags:
                plan.append((lemma, tags))
        # The entries take turns (best of each, then second best...): the word's own entry
        # ("pronounced": marked, distinct...) must not crowd out its lemma's ("say").
        streams = [_inflected_entry(self.entry(key), tags) for key, tags in plan]
        out: list[tuple[str, int]] = []
        seen = {low}
        for form, flags in _take_turns(streams):
            if form and form not in seen:
                seen.add(form)
                out.append((form, flags))
                if limit is not None and len(out) >= limit:
                    break
        return out


def _inflected_entry(
    entry: list[tuple[str, int]], tags: tuple[str, ...]
) -> Iterator[tuple[str, int]]:
    """An entry's candidates inflected by each tag (as stored when there are no tags)."""
    from ..text.inflect import inflect

    for cand, flags in entry:
        for form in [inflect(cand, t, strict=True) for t in tags] if tags else [cand]:
            yield form, flags


def _take_turns(streams: list[Iterator[tuple[str, int]]]) -> Iterator[tuple[str, int]]:
    """Items of several ranked streams, interleaved: every stream's first, then every
    second... (lazily: inflecting a whole entry is costly and most of it is never used).

    >>> list(_take_turns([iter([("a", 1), ("b", 1)]), iter([("x", 2)])]))
    [('a', 1), ('x', 2), ('b', 1)]
    """
    live = list(streams)
    while live:
        for stream in list(live):
            item = next(stream, None)
            if item is None:
                live.remove(stream)
            else:
                yield item


def _check_header(line: str, origin: str) -> str:
    """The ``name=`` of a valid header line."""
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 3 or parts[0] != FORMAT_NAME or not parts[2].startswith("name="):
        raise ModelFormatError(
            f"{origin}, line 1: not an unspin thesaurus (expected header "
            f"'{FORMAT_NAME}<TAB>{FORMAT_VERSION}<TAB>name=...', got {line[:60]!r})"
        )
    if parts[1] != FORMAT_VERSION:
        raise ModelFormatError(
            f"{origin}, line 1: thesaurus format version {parts[1]!r}, this unspin reads "
            f"version {FORMAT_VERSION}; rebuild it with python -m unspin.models.thesaurus_build"
        )
    return parts[2][len("name=") :]


def _valid_rest(rest: str) -> bool:
    """``cand|cand<TAB>flags`` with as many flags as candidates."""
    cands, sep, flags = rest.partition("\t")
    return (
        bool(sep and cands and flags)
        and cands.count("|") + 1 == len(flags)
        and "\t" not in flags
        and set(flags) <= _FLAGS
    )


@lru_cache(maxsize=8)
def load_thesaurus(path: str | Path | None = None) -> Thesaurus:
    """Load a thesaurus file (None: the bundled one); cached.

    >>> load_thesaurus().name
    'moby2+wn30+ppdb1'
    """
    if path is None:
        from ..resources import data_path

        path = data_path(BUNDLED_NAME)
    path = Path(path)
    if not path.exists():
        from ..errors import MissingDataError

        raise MissingDataError(f"thesaurus file {str(path)!r} does not exist")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            return Thesaurus.from_lines(f, origin=str(path))
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise ModelFormatError(f"{path}: cannot read the thesaurus ({exc})") from exc
