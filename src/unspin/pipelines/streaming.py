"""Restoring input of any size in bounded memory: long texts in chunks, JSONL record by record.

A text longer than :data:`CHUNK_CHARS` is restored in chunks cut at paragraph breaks
(else line breaks, else sentence ends, else spaces), each chunk a document of its own:
its spin evidence (the gate) is taken per chunk. A text that fits in one chunk is
restored exactly as :func:`unspin.restore` restores it.

JSONL is handled line by line: a malformed line (not UTF-8, not JSON, not an object, a
field missing or not a string) is never dropped; it is passed through unchanged and
reported, or raises, as the caller chooses.

>>> restore_long("The court docket ruled.\\n\\nIn keeping with the law, it said.", max_chars=40)
'The court ruled.\\n\\nAccording to the law, it said.'
>>> next(restore_records([{"id": 1, "text": "in keeping with the law"}]))
{'id': 1, 'text': 'according to the law'}
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Literal, NamedTuple

from ..errors import RecordError, UnspinError
from ..options import RestoreOptions, resolve_options
from ..restore.api import restore_and_explain, spin_and_explain

__all__ = [
    "CHUNK_CHARS",
    "RecordError",
    "LineResult",
    "chunk_bounds",
    "iter_text_chunks",
    "read_text_pieces",
    "restore_long",
    "restore_record",
    "restore_records",
    "restore_jsonl_lines",
    "restore_jsonl_text",
]

#: Texts longer than this many characters are restored in chunks (about 1 MB: an ordinary
#: article, even a long report, is one chunk).
CHUNK_CHARS = 1_000_000
#: Bytes read from a stream at a time.
READ_BYTES = 1 << 20

_PARAGRAPH = re.compile(r"\n[ \t\f\v\r]*\n")
_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def _last_end(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int:
    """End of the last match of ``pattern`` in ``text[lo:hi]``, or -1."""
    end = -1
    for m in pattern.finditer(text, lo, hi):
        end = m.end()
    return end


def _cut(text: str, start: int, max_chars: int) -> int:
    """Where the chunk starting at ``start`` ends: after the last paragraph break in its
    second half, else the last line break, sentence end or space; else at the limit."""
    hi = start + max_chars
    lo = start + max_chars // 2
    para = _last_end(_PARAGRAPH, text, lo, hi)
    if para > 0:
        return para
    line = text.rfind("\n", lo, hi)
    if line >= 0:
        return line + 1
    for pattern in (_SENTENCE, _SPACE):
        end = _last_end(pattern, text, lo, hi)
        if end > 0:
            return end
    return hi


def chunk_bounds(text: str, max_chars: int | None = None) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the chunks ``text`` is restored in (at most ``max_chars``,
    default :data:`CHUNK_CHARS`, each); one chunk when it fits.

    >>> list(chunk_bounds("One.\\n\\nTwo.\\n\\nThree.", max_chars=12))
    [(0, 12), (12, 18)]
    """
    max_chars = max_chars or CHUNK_CHARS
    start, n = 0, len(text)
    while n - start > max_chars:
        end = _cut(text, start, max_chars)
        yield start, end
        start = end
    if start < n or n == 0:
        yield start, n


def iter_text_chunks(pieces: Iterable[str], max_chars: int | None = None) -> Iterator[str]:
    """Regroup a stream of text pieces into the chunks :func:`chunk_bounds` would cut;
    at most about two chunks are held at a time.

    >>> list(iter_text_chunks(["One.\\n\\nTw", "o.\\n\\nThree."], max_chars=12))
    ['One.\\n\\nTwo.\\n\\n', 'Three.']
    """
    max_chars = max_chars or CHUNK_CHARS
    buffer = ""
    for piece in pieces:
        buffer += piece
        while len(buffer) > max_chars:
            end = _cut(buffer, 0, max_chars)
            yield buffer[:end]
            buffer = buffer[end:]
    if buffer:
        yield buffer


def read_text_pieces(
    stream: IO[bytes],
    encoding: str = "utf-8",
    errors: str = "strict",
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Decode a binary stream piece by piece (``errors`` as for :meth:`bytes.decode`).

    Raises :class:`UnicodeDecodeError` whose ``start`` is the offset in the whole stream.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    done = 0
    while True:
        data = stream.read(READ_BYTES)
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            at = done - pending + exc.start
            raise UnicodeDecodeError(exc.encoding, exc.object, at, at + 1, exc.reason) from None
        done += len(data)
        if on_bytes is not None and data:
            on_bytes(len(data))
        if text:
            yield text
        if not data:
            return


def restore_long(
    text: str,
    options: RestoreOptions | None = None,
    max_chars: int | None = None,
    **overrides: Any,
) -> str:
    """:func:`unspin.restore`, in chunks when ``text`` is longer than ``max_chars``.

    >>> restore_long("Clean text.") == "Clean text."
    True
    """
    opts = resolve_options(options, **overrides)
    return "".join(
        restore_and_explain(text[a:b], opts).text for a, b in chunk_bounds(text, max_chars)
    )


def _fields(field: str | Sequence[str]) -> tuple[str, ...]:
    names = (field,) if isinstance(field, str) else tuple(field)
    if not names:
        raise ValueError("give at least one field to restore")
    return names


def _problem(record: object, fields: Sequence[str]) -> str | None:
    """Why ``record`` cannot be restored, or None."""
    if not isinstance(record, Mapping):
        return f"expected a JSON object, found {_json_type(record)}"
    for name in fields:
        if name not in record:
            keys = ", ".join(sorted(map(str, record))[:8]) or "none"
            return f"no field {name!r} (keys: {keys}); choose the field with --field"
        if not isinstance(record[name], str):
            return f"field {name!r} is {_json_type(record[name])}, not a string"
    return None


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _restore_parts(
    record: Mapping[str, Any], fields: Sequence[str], opts: RestoreOptions, annotate: bool
) -> tuple[dict[str, list[str]], dict[str, Any] | None, bool]:
    """Each field restored, as the list of its restored chunks; the ``unspin`` note (when
    ``annotate``); and whether any field changed."""
    parts: dict[str, list[str]] = {}
    spins: dict[str, float] = {}
    counts: dict[str, int] = {}
    signature = ""
    for name in fields:
        text = record[name]
        pieces, weighted, edits = [], 0.0, 0
        for a, b in chunk_bounds(text):
            spin, result = spin_and_explain(text[a:b], opts)
            pieces.append(result.text)
            weighted += spin * (b - a)
            edits += len(result.edits)
            signature = result.signature
        parts[name] = pieces
        spins[name] = round(weighted / max(len(text), 1), 3)
        counts[name] = edits
    note = {"spin": spins, "edits": counts, "signature": signature} if annotate else None
    return parts, note, any(counts.values())


def restore_record(
    record: Mapping[str, Any],
    fields: Sequence[str],
    opts: RestoreOptions,
    annotate: bool = False,
) -> dict[str, Any]:
    """A copy of ``record`` with ``fields`` restored (and an ``unspin`` object if asked)."""
    parts, note, _ = _restore_parts(record, fields, opts, annotate)
    out = {**record, **{name: "".join(pieces) for name, pieces in parts.items()}}
    if note is not None:
        out["unspin"] = note
    return out


def restore_records(
    records: Iterable[Any],
    field: str | Sequence[str] = "text",
    options: RestoreOptions | None = None,
    errors: Literal["raise", "keep"] = "raise",
    annotate: bool = False,
    on_error: Callable[[int, str], None] | None = None,
    **overrides: Any,
) -> Iterator[Any]:
    """Restore ``field`` (a name or several) of each record; other fields pass through.

    A record that is not a mapping, or lacks a field or has a non-string one, raises
    :class:`RecordError` (``errors="raise"``) or comes out unchanged (``errors="keep"``;
    ``on_error(record_number, reason)`` is called for it, e.g. to log it).
    ``annotate=True`` adds ``{"unspin": {"spin": {...}, "edits": {...}, "signature": ...}}``.

    >>> list(restore_records([{"text": "court docket"}, {"body": 1}], errors="keep"))
    [{'text': 'court'}, {'body': 1}]
    """
    if errors not in ("raise", "keep"):
        raise ValueError(f"errors must be 'raise' or 'keep', not {errors!r}")
    fields = _fields(field)
    opts = resolve_options(options, **overrides)
    for n, record in enumerate(records, start=1):
        problem = _problem(record, fields)
        if problem is None:
            yield restore_record(record, fields, opts, annotate)
        elif errors == "keep":
            if on_error is not None:
                on_error(n, problem)
            yield record
        else:
            raise RecordError(f"record {n}: {problem}")


class LineResult(NamedTuple):
    """One JSONL line done: the bytes to write (ending kept) and why it was passed
    through unchanged (None when it was restored or blank)."""

    lineno: int
    data: bytes
    problem: str | None


_STYLES: tuple[dict[str, Any], ...] = (
    {"ensure_ascii": False},
    {"ensure_ascii": True},
    {"ensure_ascii": False, "separators": (",", ":")},
    {"ensure_ascii": True, "separators": (",", ":")},
)


_STYLE_CHARS = 1_000_000  # longer lines are written in the first style (saves copies)


def _style(line: str, record: Any) -> dict[str, Any]:
    """The ``json.dumps`` arguments that write ``record`` as ``line`` was written (compact
    or spaced, escaped or not), so a restored record keeps its line's style."""
    for style in _STYLES:
        if json.dumps(record, **style) == line:
            return style
    return _STYLES[0]


def _dump(
    record: Mapping[str, Any],
    parts: dict[str, list[str]],
    note: dict[str, Any] | None,
    style: dict[str, Any],
    encoding: str,
) -> bytes:
    """``record`` with its restored fields as one JSON line (no line ending), written
    piece by piece: a field of 50 MB is never copied whole into one more string. Escaped
    to ASCII when the encoding cannot take a character (or a lone surrogate)."""
    out = dict(record)
    marks = {}
    for k, name in enumerate(parts):
        out[name] = marks[name] = f"\x00unspin-field-{k}\x00"
    if note is not None:
        out["unspin"] = note
    try:
        return _dump_pieces(out, parts, marks, style, encoding)
    except UnicodeEncodeError:
        return _dump_pieces(out, parts, marks, {**style, "ensure_ascii": True}, encoding)


def _dump_pieces(
    out: dict[str, Any],
    parts: dict[str, list[str]],
    marks: dict[str, str],
    style: dict[str, Any],
    encoding: str,
) -> bytes:
    skeleton = json.dumps(out, **style)
    quoted = {name: json.dumps(mark, **style) for name, mark in marks.items()}
    if any(skeleton.count(q) != 1 for q in quoted.values()):  # a mark in the data itself
        whole = {**out, **{name: "".join(p) for name, p in parts.items()}}
        return json.dumps(whole, **style).encode(encoding)
    places = sorted((skeleton.find(q), name) for name, q in quoted.items())
    pieces: list[bytes] = []
    at = 0
    for i, name in places:
        pieces.append(skeleton[at:i].encode(encoding) + b'"')
        pieces.extend(json.dumps(p, **style)[1:-1].encode(encoding) for p in parts[name])
        pieces.append(b'"')
        at = i + len(quoted[name])
    pieces.append(skeleton[at:].encode(encoding))
    return b"".join(pieces)


def restore_jsonl_lines(
    lines: Iterable[bytes],
    field: str | Sequence[str] = "text",
    options: RestoreOptions | None = None,
    annotate: bool = False,
    encoding: str = "utf-8",
) -> Iterator[LineResult]:
    """Restore JSONL line by line, in constant memory; every line comes out, in order.

    Blank lines and malformed ones come out byte for byte (the latter with the reason);
    a record none of whose fields changed comes out byte for byte too, and a restored one
    in its line's style (compact or spaced, non-ASCII escaped or not) when it is one of
    ``json.dumps``'s.

    >>> [r.data for r in restore_jsonl_lines([b'{"text":"court docket"}\\n', b'{oops\\n'])]
    [b'{"text":"court"}\\n', b'{oops\\n']
    """
    fields = _fields(field)
    opts = resolve_options(options)
    for lineno, line in enumerate(lines, start=1):
        if not line or line.isspace():
            yield LineResult(lineno, line, None)
            continue
        end = len(line)
        while line[end - 1] in b"\r\n":
            end -= 1
        try:  # (a view, not a copy: a record may be a 50 MB line)
            decoded = str(memoryview(line)[:end], encoding)
            record = json.loads(decoded)
        except UnicodeDecodeError as exc:
            problem = f"not valid {encoding} (byte {exc.start}: {exc.reason})"
            yield LineResult(lineno, line, problem)
            continue
        except json.JSONDecodeError as exc:
            yield LineResult(lineno, line, f"not valid JSON (column {exc.colno}: {exc.msg})")
            continue
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number, deep nesting
            yield LineResult(lineno, line, f"not valid JSON here ({exc or 'nested too deep'})")
            continue
        problem = _problem(record, fields)
        if problem is not None:
            yield LineResult(lineno, line, problem)
            continue
        style = _style(decoded.strip(), record) if len(decoded) < _STYLE_CHARS else _STYLES[0]
        del decoded
        try:
            parts, note, changed = _restore_parts(record, fields, opts, annotate)
        except (UnspinError, MemoryError, KeyboardInterrupt):
            raise  # a bad table or model, or the machine: not this record's fault
        except Exception as exc:  # a bug met on this record: keep it, and go on
            yield LineResult(lineno, line, f"not restored ({type(exc).__name__}: {exc})")
            continue
        if not changed and note is None:
            yield LineResult(lineno, line, None)
            continue
        ending = line[end:]
        del line  # the restored copy is written instead
        data = _dump(record, parts, note, style, encoding) + ending
        del record, parts
        yield LineResult(lineno, data, None)


def restore_jsonl_text(
    text: str,
    field: str | Sequence[str] = "text",
    options: RestoreOptions | None = None,
    source: str = "input",
) -> str:
    """Restore the field(s) of every line of a JSONL document; blank lines are kept.

    Raises :class:`RecordError` naming ``source`` and the line of the first malformed one.

    >>> restore_jsonl_text('{"text": "court docket"}\\n')
    '{"text": "court"}\\n'
    """
    lines = (m.group().encode("utf-8", "surrogatepass") for m in _LINE.finditer(text))
    out: list[str] = []
    for result in restore_jsonl_lines(lines, field, options):
        if result.problem is not None:
            raise RecordError(f"{source}, line {result.lineno}: {result.problem}")
        out.append(result.data.decode("utf-8", "surrogatepass"))
    return "".join(out)
