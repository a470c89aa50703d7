"""Reading references (and inputs to look up) from files, folders, JSON lines and standard
input, and adding them to a reference index in batches: what ``unspin index add`` and
``unspin match --refs`` do, without the flags.

A plain file is one text whose id is its path as given; a folder is read recursively
(``.txt`` files, and ``.jsonl``/``.jsonl.gz`` files as JSON lines, in name order, as
``unspin learn`` reads a pile); ``"-"`` is standard input, one text with id ``-`` (or JSON
lines with ``jsonl``). A JSON line's id is its ``id_field`` (else ``PATH:LINE``). Whatever
cannot be read (a missing file's place excepted: that is checked first, see
:func:`check_sources`) is named to ``problem`` and skipped; the rest is read.

>>> import pathlib, tempfile
>>> from unspin.twins.refindex import ReferenceIndex
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Harrowgate Mills said its carpets sold well.", "utf-8")
>>> _ = (folder / "b.txt").write_bytes(b"Not UTF-8: \\xff")
>>> _ = (folder / "c.txt").write_text("Harrowgate Mills said its carpets sold well.", "utf-8")
>>> with ReferenceIndex(folder / "refs.unspin", create=True) as index:
...     add_references(index, iter_references([str(folder)], problem=print), workers=0)
... # doctest: +ELLIPSIS
/...b.txt: not valid utf-8 (byte 11: invalid start byte)
AddSummary(read=2, added=1, known=1, spun=0, empty=0)
"""

from __future__ import annotations

import codecs
import gzip
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import InputNotFoundError
from ..twins.add_stream import BATCH, prepared_batches
from ..twins.pile_reading import record_text
from ..twins.refindex import ReferenceIndex

__all__ = [
    "BATCH",
    "AddSummary",
    "add_references",
    "check_sources",
    "iter_references",
]

_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")

Problem = Callable[[str], None]


def _is_jsonl(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".jsonl") or name.endswith(".jsonl.gz")


def check_sources(sources: Sequence[str]) -> None:
    """Every source is ``-`` or an existing file or folder; else
    :class:`~unspin.errors.InputNotFoundError` (before anything is read)."""
    for source in sources:
        if source != "-" and not os.path.exists(source):
            raise InputNotFoundError(f"{source}: no such file or folder; check the path")


def _files(source: str) -> Iterator[Path]:
    path = Path(source)
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(_SUFFIXES)]
        yield from sorted(found)
    else:
        yield path


def iter_references(
    sources: Sequence[str],
    *,
    jsonl: bool = False,
    field: str = "text",
    id_field: str = "id",
    encoding: str = "utf-8",
    problem: Problem | None = None,
) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of every text in ``sources`` (see the module's docstring); with
    ``jsonl`` every file given (and standard input) is JSON lines, whatever its name."""
    say = problem or (lambda message: None)
    codecs.lookup(encoding)
    for source in sources:
        if source == "-":
            if jsonl:
                yield from _jsonl_texts(sys.stdin.buffer, "-", field, id_field, encoding, say)
            else:
                text = _decoded(sys.stdin.buffer.read(), "standard input", encoding, say)
                if text is not None:
                    yield "-", text
            continue
        for path in _files(source):
            name = str(path)
            if jsonl or _is_jsonl(path):
                yield from _jsonl_file(path, field, id_field, encoding, say)
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                say(f"{name}: {exc.strerror or exc}")
                continue
            text = _decoded(data, name, encoding, say)
            if text is not None:
                yield name, text


def _decoded(data: bytes, name: str, encoding: str, say: Problem) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        say(f"{name}: not valid {encoding} (byte {exc.start}: {exc.reason})")
        return None


def _jsonl_file(
    path: Path, field: str, id_field: str, encoding: str, say: Problem
) -> Iterator[tuple[str, str]]:
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as stream:  # type: ignore[operator]
            yield from _jsonl_texts(stream, str(path), field, id_field, encoding, say)
    except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        say(f"{path}: unreadable from here on ({exc}); the lines before it are read")


def _jsonl_texts(
    stream: IO[bytes], name: str, field: str, id_field: str, encoding: str, say: Problem
) -> Iterator[tuple[str, str]]:
    for lineno, raw in enumerate(stream, start=1):
        where = f"{'standard input' if name == '-' else name}, line {lineno}"
        line = _decoded(raw, where, encoding, say)
        if line is None or not line.strip():
            continue
        try:
            ident, text = record_text(line, field, id_field)
        except ValueError as exc:
            say(f"{where}: {exc}")
            continue
        yield (f"{name}:{lineno}" if ident is None else str(ident)), text


# ------------------------------------------------------------------------ adding


@dataclass
class AddSummary:
    """What :func:`add_references` did: texts ``read``, ``added`` (new), ``known`` (the
    index held them already, under any id, or they came earlier), ``spun`` (looked spun:
    left out, or kept with ``keep_spun``), ``empty`` (blank: left out)."""

    read: int = 0
    added: int = 0
    known: int = 0
    spun: int = 0
    empty: int = 0


def add_references(
    index: ReferenceIndex,
    references: Iterable[tuple[str, str]],
    *,
    batch: int = BATCH,
    workers: int = 0,
    keep_spun: bool = False,
    spun: Callable[[str, str], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> AddSummary:
    """Add ``(id, text)`` references to ``index``, ``batch`` a transaction (an interrupted
    run keeps every batch committed; running it again adds the rest: a text already stored,
    under any id, is not added again). A reference that looks spun
    (:func:`~unspin.twins.spin_marks.looks_spun`) is told to ``spun(id, why)`` and left
    out, unless ``keep_spun``. ``workers`` processes fingerprint while this one writes
    (0: all in this process). ``progress(n)`` counts references done."""
    summary = AddSummary()
    for part in prepared_batches(references, batch, workers, check=True):
        items = []
        for ref_id, text, keys, why in part:
            summary.read += 1
            if not keys:
                summary.empty += 1
                continue
            if why is not None:
                summary.spun += 1
                if spun is not None:
                    spun(ref_id, why)
                if not keep_spun:
                    continue
            items.append((ref_id, text, keys))
        numbers = index.store.add(items) if items else []
        added = sum(n is not None for n in numbers)
        summary.added += added
        summary.known += len(numbers) - added
        if progress is not None:
            progress(len(part))
    return summary
