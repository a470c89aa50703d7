"""Reading input documents: ``.txt`` files, folders, and JSONL (optionally gzipped).

Documents are streamed one at a time, so a pile of any size can be read in
bounded memory.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("One story.", encoding="utf-8")
>>> _ = (d / "b.jsonl").write_text('{"text": "Another."}\\n', encoding="utf-8")
>>> [doc.text for doc in iter_documents([d])]
['One story.', 'Another.']
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

from ..errors import CorpusFormatError, InputNotFoundError

__all__ = ["Document", "iter_documents", "iter_pairs", "iter_jsonl"]

_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")


class Document(NamedTuple):
    """One article: ``id`` names where it came from (file, or file:line for JSONL)."""

    id: str
    text: str


def _is_jsonl(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".jsonl") or name.endswith(".jsonl.gz")


def _open_text(path: Path) -> IO[str]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL file.

    Raises CorpusFormatError naming the file and line when a line is not a JSON object.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"text": "ok"}\\n', encoding="utf-8")
    >>> list(iter_jsonl(p))
    [(1, {'text': 'ok'})]
    """
    try:
        with _open_text(path) as f:
            for lineno, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusFormatError(
                        f"{path}, line {lineno}: not valid JSON ({exc.msg} at column "
                        f"{exc.colno}); each line must be one JSON object such as "
                        '{"text": "..."}'
                    ) from None
                if not isinstance(obj, dict):
                    raise CorpusFormatError(
                        f"{path}, line {lineno}: expected a JSON object, found {type(obj).__name__}"
                    )
                yield lineno, obj
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(f"{path}: not UTF-8 text ({exc.reason}); re-encode it") from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise CorpusFormatError(
            f"{path}: a truncated or corrupt gzip file ({exc}); decompress it to check"
        ) from None


def _field(obj: dict, field: str, path: Path, lineno: int) -> str:
    value = obj.get(field)
    if not isinstance(value, str):
        keys = ", ".join(sorted(obj)[:8]) or "none"
        raise CorpusFormatError(
            f"{path}, line {lineno}: no text field {field!r} (keys: {keys}); "
            f"choose the field with --field"
        )
    return value


def _expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = [
                p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(_SUFFIXES)
            ]
            yield from sorted(found)
        elif path.exists():
            yield path
        else:
            raise InputNotFoundError(f"{path}: no such file or folder; check the path")


def iter_documents(paths: Iterable[Path], field: str = "text") -> Iterator[Document]:
    """Stream the documents in files and folders (recursive: .txt, .jsonl, .jsonl.gz).

    A ``.txt`` file is one article; each JSONL line is one article whose text is
    ``obj[field]`` and whose id is ``obj["id"]`` when present.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"id": 7, "body": "Hi."}\\n', encoding="utf-8")
    >>> next(iter_documents([p], field="body"))
    Document(id='7', text='Hi.')
    """
    for path in _expand(paths):
        if _is_jsonl(path):
            for lineno, obj in iter_jsonl(path):
                doc_id = obj.get("id")
                ident = str(doc_id) if doc_id is not None else f"{path}:{lineno}"
                yield Document(ident, _field(obj, field, path, lineno))
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise CorpusFormatError(
                    f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-encode it"
                ) from None
            yield Document(str(path), text)


def iter_pairs(paths: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """Stream ``(spun, clean)`` texts from JSONL files of ``{"spun": ..., "clean": ...}``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pairs.jsonl"
    >>> _ = p.write_text('{"spun": "a court docket", "clean": "a court"}\\n', encoding="utf-8")
    >>> list(iter_pairs([p]))
    [('a court docket', 'a court')]
    """
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise InputNotFoundError(f"{path}: no such pairs file; check the path")
        for lineno, obj in iter_jsonl(path):
            yield _field(obj, "spun", path, lineno), _field(obj, "clean", path, lineno)
