"""Files and JSONL restored against a reference index (``unspin restore --refs``), with a
:class:`unspin.pipelines.refs.RefsRun`.

A run of files goes in two passes: :func:`link_file` / :func:`link_jsonl_file` look every
input up first (so that the table is learned from all the run's linked copies), then
:func:`restore_refs_file` / :func:`restore_refs_jsonl` restore each. A JSONL stream on
standard input is restored in one pass, item by item. Plain files are read whole (a
reference is an article); JSONL comes out line by line, in order: unchanged records and
malformed lines byte for byte (the latter with the reason), restored records
re-serialized; with ``annotate``, every record gets ``{"unspin": {"edits": {field: n},
"how": {field: how}, "reference": {field: id or null}, "signature": ...}}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import InputDecodeError
from ..twins.linked import LinkedRestored
from .files import Source, TerminalProgress, Writable, codec_errors, input_name, open_input
from .refs import RefsRun
from .streaming import LineResult

__all__ = [
    "link_file",
    "link_jsonl_file",
    "read_record",
    "read_text",
    "restore_refs_file",
    "restore_refs_jsonl",
]


def read_text(path: Source, encoding: str = "utf-8", errors: str = "strict") -> str:
    """A plain-text input, whole (``errors`` as ``restore --errors`` takes it)."""
    with open_input(path) as stream:
        data = stream.read()
    try:
        return data.decode(encoding, codec_errors(encoding, errors))
    except UnicodeDecodeError as exc:
        raise InputDecodeError(input_name(path), encoding, exc.start, exc.reason) from None


def link_file(path: Source, run: RefsRun, *, encoding: str = "utf-8", errors: str = "strict"):  # type: ignore[no-untyped-def]
    """Pass one: look a plain-text input up in the run's index."""
    return run.link(read_text(path, encoding, errors))


def restore_refs_file(
    path: Source,
    out: Writable,
    run: RefsRun,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> LinkedRestored:
    """Pass two: restore one plain-text input, write it to ``out``; how it was restored."""
    done = run.restore(read_text(path, encoding, errors))
    out.write(done.restoration.text.encode(encoding, "surrogateescape"))
    return done


def read_record(line: bytes, fields: Sequence[str], encoding: str) -> tuple[Any, str | None]:
    """A JSONL line's record with string ``fields``, or None and why it is passed through.

    >>> read_record(b'{"text": 1}', ["text"], "utf-8")
    (None, "field 'text' missing or not a string")
    """
    try:
        record = json.loads(line.decode(encoding))
    except UnicodeDecodeError as exc:
        return None, f"not valid {encoding} (byte {exc.start})"
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON ({exc})"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    for name in fields:
        if not isinstance(record.get(name), str):
            return None, f"field {name!r} missing or not a string"
    return record, None


def link_jsonl_file(
    path: Source, fields: Sequence[str], run: RefsRun, *, encoding: str = "utf-8"
) -> int:
    """Pass one: look up the ``fields`` of each record of a JSONL input (malformed lines
    are skipped here and named in pass two); how many texts."""
    n = 0
    with open_input(path) as stream:
        for line in stream:
            if not line.strip():
                continue
            record, _ = read_record(line.rstrip(b"\r\n"), fields, encoding)
            if record is None:
                continue
            for name in fields:
                run.link(record[name])
                n += 1
    return n


def restore_refs_jsonl(
    path: Source,
    fields: Sequence[str],
    run: RefsRun,
    *,
    annotate: bool = False,
    encoding: str = "utf-8",
    progress: bool = False,
) -> Iterator[LineResult]:
    """Restore the ``fields`` of each JSONL record of ``path`` with the run (pass two,
    or the only pass of a stream)."""
    bar = TerminalProgress(None, " records", not progress, desc=input_name(path))
    try:
        with open_input(path) as stream:
            for lineno, line in enumerate(stream, start=1):
                yield _line(lineno, line, fields, run, annotate, encoding)
                bar.update()
    finally:
        bar.close()


def _line(
    lineno: int,
    line: bytes,
    fields: Sequence[str],
    run: RefsRun,
    annotate: bool,
    encoding: str,
) -> LineResult:
    if not line.strip():
        return LineResult(lineno, line, None)
    body = line.rstrip(b"\r\n")
    ending = line[len(body) :]
    record, problem = read_record(body, fields, encoding)
    if record is None:
        return LineResult(lineno, line, problem)
    changed = False
    note: dict[str, dict[str, Any]] = {"edits": {}, "how": {}, "reference": {}}
    signature = ""
    for name in fields:
        done = run.restore(record[name])
        restored = done.restoration.text
        note["edits"][name] = len(done.restoration.edits)
        note["how"][name] = done.how
        note["reference"][name] = done.reference
        signature = done.restoration.signature
        if restored != record[name]:
            record[name] = restored
            changed = True
    if not changed and not annotate:
        return LineResult(lineno, line, None)
    if annotate:
        record["unspin"] = {**note, "signature": signature}
    return LineResult(
        lineno, json.dumps(record, ensure_ascii=False).encode(encoding) + ending, None
    )
