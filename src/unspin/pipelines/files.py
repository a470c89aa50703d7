"""Restoring, explaining and scoring files (or standard input, ``"-"``) of any size in
bounded memory: plain text in chunks (:mod:`unspin.pipelines.streaming`), JSONL line by line;
output written to a temporary file that replaces the destination only once complete.
``unspin restore``, ``explain`` and ``score`` are these functions with flags.

>>> import pathlib, tempfile
>>> src = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = src.write_text("The court docket ruled.", encoding="utf-8")
>>> with AtomicOutput(src.with_suffix(".out")) as out:
...     restore_file(src, out, RestoreOptions(min_spin=0))
...     out.commit()
>>> src.with_suffix(".out").read_text(encoding="utf-8")
'The court ruled.'
"""

from __future__ import annotations

import codecs
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

from ..errors import InputDecodeError, InputReadError, OptionError
from ..options import RestoreOptions, resolve_options
from ..restore import Edit, api, estimate
from . import streaming
from .streaming import LineResult

__all__ = [
    "DECODE_ERRORS",
    "AtomicOutput",
    "FileSpin",
    "TerminalProgress",
    "codec_errors",
    "explain_file",
    "input_name",
    "open_input",
    "read_chunks",
    "restore_file",
    "restore_jsonl_file",
    "score_file",
]

#: What to do with bytes not valid in the encoding: the codec error handler of each choice
#: ('keep' passes them through unchanged, plain text only).
DECODE_ERRORS = {"strict": "strict", "replace": "replace", "keep": "surrogateescape"}

Source = str | Path


class Writable(Protocol):
    def write(self, data: bytes, /) -> Any: ...


def input_name(path: Source) -> str:
    """How messages call an input: ``"standard input"`` for ``"-"``, else the path."""
    return "standard input" if str(path) == "-" else str(path)


def codec_errors(encoding: str, errors: str = "strict") -> str:
    """The codec error handler for ``errors`` (one of :data:`DECODE_ERRORS`), once
    ``encoding`` is known to exist; :class:`~unspin.errors.OptionError` otherwise.

    >>> codec_errors("latin-1", "keep")
    'surrogateescape'
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise OptionError("unknown encoding {value!r}", value=encoding) from None
    if errors not in DECODE_ERRORS:
        raise OptionError(
            "{0} must be one of {choices}, not {value!r}",
            "errors",
            choices=", ".join(DECODE_ERRORS),
            value=errors,
        )
    return DECODE_ERRORS[errors]


@contextmanager
def open_input(path: Source) -> Iterator[IO[bytes]]:
    """A file (or standard input for ``"-"``) opened for binary reading;
    :class:`~unspin.errors.InputReadError` when it cannot be opened."""
    if str(path) == "-":
        yield sys.stdin.buffer
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InputReadError(f"{path}: {exc.strerror or exc}") from None
    with stream:
        yield stream


def input_size(path: Source) -> int | None:
    """The size in bytes of a file; None for standard input or when unknown."""
    try:
        return None if str(path) == "-" else os.stat(path).st_size
    except OSError:
        return None


class TerminalProgress:
    """A tqdm bar on stderr, only on a terminal, only once ``after`` units are done."""

    def __init__(
        self, total: int | None, unit: str, quiet: bool, after: int = 0, desc: str = ""
    ) -> None:
        self.total, self.unit, self.after, self.desc = total, unit, after, desc
        self.enabled = not quiet and sys.stderr.isatty()
        if total is not None and total <= after:
            self.enabled = False
        self.done = 0
        self.bar: Any = None

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done."""
        if not self.enabled:
            return
        self.done += n
        if self.bar is None and self.done > self.after:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total,
                unit=self.unit,
                unit_scale=self.unit == "B",
                desc=self.desc,
                file=sys.stderr,
                leave=False,
            )
            self.bar.update(self.done)
        elif self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        """Remove the bar (if one was shown)."""
        if self.bar is not None:
            self.bar.close()


def read_chunks(
    path: Source, encoding: str = "utf-8", errors: str = "strict", progress: bool = False
) -> Iterator[str]:
    """An input as the chunks it is restored in (see :mod:`unspin.pipelines.streaming`),
    read in bounded memory; with ``progress``, a bar in MB on a terminal for inputs of more
    than one chunk. ``errors``: strict, replace or keep (:data:`DECODE_ERRORS`).

    Raises :class:`~unspin.errors.InputDecodeError` (strict) at the first byte not valid
    in ``encoding`` and :class:`~unspin.errors.InputReadError` when the input cannot be read.
    """
    handler = codec_errors(encoding, errors)
    name = input_name(path)
    after = streaming.CHUNK_CHARS
    bar = TerminalProgress(input_size(path), "B", not progress, after=after, desc=name)
    with open_input(path) as stream:
        pieces = streaming.read_text_pieces(stream, encoding, handler, on_bytes=bar.update)
        try:
            yield from streaming.iter_text_chunks(pieces)
        except UnicodeDecodeError as exc:
            raise InputDecodeError(name, encoding, exc.start, exc.reason) from None
        except OSError as exc:
            raise InputReadError(f"{name}: {exc.strerror or exc}") from None
        finally:
            bar.close()


class AtomicOutput:
    """Where restored bytes go: standard output (``path`` None), or a temporary file next to
    ``path`` moved onto it by :meth:`commit` only when everything was written (a failed run
    leaves the destination as it was; leaving the ``with`` block uncommitted discards it)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.tmp: Path | None = None
        if path is None:
            self.stream: IO[bytes] = sys.stdout.buffer
        else:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
            self.tmp = Path(name)
            self.stream = os.fdopen(fd, "wb")

    def __enter__(self) -> AtomicOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def write(self, data: bytes) -> None:
        """Write and flush ``data``."""
        self.stream.write(data)
        self.stream.flush()

    def commit(self, backup: Path | None = None) -> None:
        """Move the written file onto ``path`` (keeping its permissions), first copying
        the old file to ``backup`` if given."""
        if self.tmp is None or self.path is None:
            return
        self.stream.close()
        if backup is not None:
            shutil.copyfile(self.path, backup)
        mode = self.path.stat().st_mode & 0o7777 if self.path.exists() else 0o644
        os.chmod(self.tmp, mode)
        os.replace(self.tmp, self.path)
        self.tmp = None

    def discard(self) -> None:
        """Remove the temporary file if it was not committed."""
        if self.tmp is not None:
            self.stream.close()
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


def restore_file(
    path: Source,
    out: Writable,
    options: RestoreOptions | None = None,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
    progress: bool = False,
) -> None:
    """Restore a plain-text input chunk by chunk (see :func:`read_chunks`), writing each
    restored chunk to ``out`` (e.g. an :class:`AtomicOutput`) as soon as it is done."""
    opts = resolve_options(options)
    for chunk in read_chunks(path, encoding, errors, progress):
        out.write(api.restore_and_explain(chunk, opts).text.encode(encoding, "surrogateescape"))


def explain_file(
    path: Source,
    options: RestoreOptions | None = None,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
    progress: bool = False,
) -> Iterator[Edit]:
    """The edits :func:`restore_file` makes, chunk by chunk, with character offsets in the
    whole input."""
    opts = resolve_options(options)
    offset = 0
    for chunk in read_chunks(path, encoding, errors, progress):
        for e in api.restore_and_explain(chunk, opts).edits:
            yield e._replace(start=e.start + offset, end=e.end + offset)
        offset += len(chunk)


class FileSpin(NamedTuple):
    """An input's spin estimate and (when asked for) the words that look spun."""

    spin: float
    spans: list[dict[str, Any]]


def score_file(
    path: Source,
    options: RestoreOptions | None = None,
    *,
    spans: bool = False,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> FileSpin:
    """The spin estimate of an input, read in chunks (their mean, weighted by length), and
    with ``spans`` the words that look spun (as dicts, offsets in the whole input)."""
    opts = resolve_options(options)
    total = weighted = 0.0
    flagged: list[dict[str, Any]] = []
    for chunk in read_chunks(path, encoding, errors):
        text = api.mask_surrogates(chunk)
        weighted += estimate.spin_score(text, opts) * len(chunk)
        for s in estimate.spun_spans(text, opts) if spans else ():
            flagged.append(s._replace(start=s.start + int(total), end=s.end + int(total))._asdict())
        total += len(chunk)
    return FileSpin((weighted / total if total else 0.0), flagged)


def restore_jsonl_file(
    path: Source,
    fields: str | Sequence[str] = "text",
    options: RestoreOptions | None = None,
    *,
    annotate: bool = False,
    encoding: str = "utf-8",
    progress: bool = False,
) -> Iterator[LineResult]:
    """Restore a JSONL input line by line (:func:`.streaming.restore_jsonl_lines`): every
    line comes out, in order, with why it was passed through unchanged (if it was).
    With ``progress``, a bar counting records on a terminal."""
    bar = TerminalProgress(None, " records", not progress, desc=input_name(path))
    with open_input(path) as stream:
        try:
            lines = streaming.restore_jsonl_lines(stream, fields, options, annotate, encoding)
            for result in lines:
                yield result
                bar.update()
        finally:
            bar.close()
