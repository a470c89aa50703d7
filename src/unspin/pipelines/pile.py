"""Restoring files and JSONL streams with a pile (``unspin restore --pile``): each text from
its twin in the pile when it has one (:class:`unspin.twins.pile_restore.PileRestorer`).

Plain files are read whole (a pile's documents are articles); JSONL is restored line by
line, every line coming out in order: unchanged records and malformed lines byte for
byte (the latter with the reason), restored records re-serialized."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from ..errors import InputDecodeError
from ..twins.pile_restore import PileRestorer
from .files import Source, TerminalProgress, Writable, input_name, open_input
from .streaming import LineResult

__all__ = ["restore_pile_file", "restore_pile_jsonl_file"]


def restore_pile_file(
    path: Source,
    out: Writable,
    restorer: PileRestorer,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> str:
    """Restore one plain-text input with the pile, write it to ``out``; returns how it was
    restored (``twin``, ``table`` or ``clean``)."""
    from .files import codec_errors

    with open_input(path) as stream:
        data = stream.read()
    try:
        text = data.decode(encoding, codec_errors(encoding, errors))
    except UnicodeDecodeError as exc:
        raise InputDecodeError(input_name(path), encoding, exc.start, exc.reason) from None
    result = restorer.restore(text)
    out.write(result.restoration.text.encode(encoding, "surrogateescape"))
    return result.how


def restore_pile_jsonl_file(
    path: Source,
    fields: Sequence[str],
    restorer: PileRestorer,
    *,
    encoding: str = "utf-8",
    progress: bool = False,
) -> Iterator[LineResult]:
    """Restore the ``fields`` of each JSONL record of ``path`` with the pile."""
    bar = TerminalProgress(None, " records", not progress, desc=input_name(path))
    try:
        with open_input(path) as stream:
            for lineno, line in enumerate(stream, start=1):
                yield _line(lineno, line, fields, restorer, encoding)
                bar.update()
    finally:
        bar.close()


def _line(
    lineno: int, line: bytes, fields: Sequence[str], restorer: PileRestorer, encoding: str
) -> LineResult:
    if not line.strip():
        return LineResult(lineno, line, None)
    body = line.rstrip(b"\r\n")
    ending = line[len(body) :]
    try:
        record = json.loads(body.decode(encoding))
    except UnicodeDecodeError as exc:
        return LineResult(lineno, line, f"not valid {encoding} (byte {exc.start})")
    except (ValueError, RecursionError) as exc:
        return LineResult(lineno, line, f"not valid JSON ({exc})")
    if not isinstance(record, dict):
        return LineResult(lineno, line, "not a JSON object")
    for name in fields:
        if not isinstance(record.get(name), str):
            return LineResult(lineno, line, f"field {name!r} missing or not a string")
    changed = False
    for name in fields:
        restored = restorer.restore(record[name]).restoration.text
        if restored != record[name]:
            record[name] = restored
            changed = True
    if not changed:
        return LineResult(lineno, line, None)
    return LineResult(
        lineno, json.dumps(record, ensure_ascii=False).encode(encoding) + ending, None
    )
