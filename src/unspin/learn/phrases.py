"""Phrase lists (such as the Problematic Paper Screener's tortured phrases) as table entries.

The first column is the spun/tortured phrase, the second the expected one, an
optional third a count (``num_papers``). Screener query syntax is stripped:
``"a" AND "b"`` keeps ``a`` (the rest is context), ``"a" NOT "b"`` keeps ``a``,
proximity queries (``"a b"~5``) are not phrases and are dropped; trailing notes
such as ``(?)`` or ``(BP)`` are removed from the expected phrase. Single common
words (``"brilliant" -> smart``) are dropped: in ordinary prose they are not spins.

>>> clean_pair('"image acknowledgment"', "image recognition")
('image acknowledgment', 'image recognition')
>>> clean_pair('"gatherings clustering"~10', "clustering") is None
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import CorpusFormatError
from ..models.table import Entry, merge_entries

__all__ = ["clean_pair", "read_phrases", "phrase_entries"]

MAX_WORDS = 6
MAX_COUNT = 100
P_RESTORE = 0.95
P_CHANNEL = 0.5
# A single tortured word must be this rare (wordfreq zipf) to be worth restoring in prose.
MAX_SINGLE_WORD_ZIPF = 3.0

_PHRASE_RE = re.compile(r"^[^\W\d_]+(?:[-' ][^\W\d_]+)*$")
_ACRONYM_PAREN_RE = re.compile(r"\s*\((?:[A-Za-z]*[A-Z][A-Za-z]*s?|\?|e\.g\.[^)]*|in [^)]*)\)")
_TRAILING_NOTE_RE = re.compile(r"\s*(?:\([^()]*\)|\?)\s*$")


def _unquote(text: str) -> str:
    return text.replace("\\", "").replace('"', "").strip()


def _spun_side(query: str) -> str | None:
    q = query.strip()
    if re.search(r"~\s*\d+", q):
        return None  # proximity search: words near each other, not a phrase
    q = re.split(r"\s+NOT\s+", q, maxsplit=1)[0]
    q = re.split(r"\s+(?:AND|OR)\s+", q, maxsplit=1)[0]
    return _ACRONYM_PAREN_RE.sub("", _unquote(q)).strip()


def _expected_side(text: str) -> str | None:
    t = _unquote(text)
    while True:
        stripped = _TRAILING_NOTE_RE.sub("", t)
        if stripped == t:
            break
        t = stripped
    t = _ACRONYM_PAREN_RE.sub("", t).strip()
    if "(" in t or ")" in t or " or " in t:
        return None
    return t


def _case(phrase: str) -> str:
    """Lower case except acronyms (two or more capitals in a word)."""
    words = phrase.split(" ")
    return " ".join(w if sum(c.isupper() for c in w) >= 2 else w.lower() for w in words)


def clean_pair(tortured: str, expected: str) -> tuple[str, str] | None:
    """One cleaned ``(spun, original)`` pair, or None when it is not a clean phrase pair.

    >>> clean_pair('"feedback processing"', "back propagation (BP)")
    ('feedback processing', 'back propagation')
    >>> clean_pair('"bosom" AND "breast"', "breast") is None  # a common word
    True
    """
    spun = _spun_side(tortured)
    original = _expected_side(expected)
    if not spun or not original:
        return None
    spun, original = " ".join(spun.lower().split()), " ".join(_case(original).split())
    if not (_PHRASE_RE.match(spun) and _PHRASE_RE.match(original)):
        return None
    if spun == original.lower() or len(spun.split()) > MAX_WORDS:
        return None
    if " " not in spun and "-" not in spun:
        from wordfreq import zipf_frequency

        if zipf_frequency(spun, "en") > MAX_SINGLE_WORD_ZIPF:
            return None
    return spun, original


def _count(value: str) -> int:
    digits = value.replace(",", "").replace("_", "").strip()
    return int(digits) if digits.isdigit() else 1


def read_phrases(path: Path) -> Iterator[tuple[str, str, int]]:
    """Yield ``(spun, original, count)`` from a CSV or TSV phrase list (header optional).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text('tortured_phrase,expected_phrase,num_papers\\n'
    ...                  '"huge information",big data,"8,451"\\n', encoding="utf-8")
    >>> list(read_phrases(p))
    [('huge information', 'big data', 8451)]
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(f"{path}: not UTF-8 text ({exc.reason}); re-encode it") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") or "\t" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for lineno, row in enumerate(reader, start=1):
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        if len(row) < 2:
            raise CorpusFormatError(
                f"{path}, line {lineno}: expected at least two columns "
                f"(spun phrase, original phrase), found {len(row)}"
            )
        if lineno == 1 and "phrase" in row[0].lower() and "phrase" in row[1].lower():
            continue  # header
        pair = clean_pair(row[0], row[1])
        if pair is not None:
            yield pair[0], pair[1], _count(row[2]) if len(row) > 2 else 1


def phrase_entries(paths: list[Path] | tuple[Path, ...]) -> list[Entry]:
    """Table entries (source ``phrases``) from phrase list files, duplicates merged.

    Counts are capped at ``MAX_COUNT``; ``p_restore`` is high because such phrases
    are never normal English.
    """
    entries = [
        Entry(spun, original, max(1, min(count, MAX_COUNT)), 0, P_RESTORE, P_CHANNEL, "phrases")
        for path in paths
        for spun, original, count in read_phrases(Path(path))
    ]
    merged = merge_entries(entries)
    return [
        Entry(
            e.spun, e.original, min(e.count, MAX_COUNT), e.kept, e.p_restore, e.p_channel, e.source
        )
        for e in merged
    ]
