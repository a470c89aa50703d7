"""Reading a pile for ``unspin match``: its documents as ``unspin learn`` reads them,
tolerant of bad entries, and a compressed on-disk store of their texts."""

from __future__ import annotations

import gzip
import json
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..text.corpus import Document, _expand

__all__ = ["Problem", "TextStore", "iter_pile", "record_text"]

Problem = Callable[[str], None]


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        yield from enumerate(f, start=1)


def record_text(line: str | bytes, field: str, id_field: str) -> tuple[Any, str]:
    """A JSON line's ``(id field or None, text field)``; ValueError saying what is wrong
    (not JSON, or no string in ``field``).

    >>> record_text('{"id": 7, "text": "The court ruled."}', "text", "id")
    (7, 'The court ruled.')
    >>> record_text('{"body": 1}', "text", "id")
    Traceback (most recent call last):
    ...
    ValueError: no text field 'text'
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError("not valid JSON") from None
    text = obj.get(field) if isinstance(obj, dict) else None
    if not isinstance(text, str):
        raise ValueError(f"no text field {field!r}")
    return obj.get(id_field), text


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
                    ident, text = record_text(line, field, id_field)
                except ValueError as exc:
                    problem(f"{path}, line {lineno}: {exc}")
                    continue
                yield Document(str(ident) if ident is not None else f"{path}:{lineno}", text)
        except (UnicodeDecodeError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
            problem(f"{path}: unreadable from here on ({exc}); the lines before it are used")


class TextStore:
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
