"""What a review page shows of one document: its restoration (the same
:class:`~unspin.restore.api.Restoration` :func:`unspin.restore_and_explain` returns), its
spin estimate, and the words that look spun but were left alone; read from texts, files
(in the chunks ``unspin restore`` restores them in) or JSONL records."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from ..options import RestoreOptions, resolve_options
from ..pipelines.files import Source, input_name, open_input, read_chunks
from ..pipelines.streaming import chunk_bounds
from ..restore import Edit, api, estimate
from ..restore.spin_features import SpunWord

__all__ = [
    "Review",
    "review",
    "review_chunks",
    "review_files",
    "review_jsonl",
    "review_restored",
]


class Review(NamedTuple):
    """One document as the page shows it. ``text`` is the input (lone surrogates read as
    U+FFFD, offsets unchanged); ``restoration.edits`` are in its offsets; ``flagged`` are
    the words :func:`~unspin.restore.estimate.spun_spans` finds that no edit touches;
    ``reference`` the id of the reference it was restored from (``--refs``), if any."""

    name: str
    text: str
    spin: float
    restoration: api.Restoration
    flagged: tuple[SpunWord, ...]
    reference: str | None = None


def _left_alone(spans: Iterable[SpunWord], edits: Sequence[Edit]) -> list[SpunWord]:
    """The spans that overlap no edit and no earlier span (both sorted by start)."""
    out: list[SpunWord] = []
    k, end = 0, 0
    for s in sorted(spans, key=lambda s: s.start):
        while k < len(edits) and edits[k].end <= s.start:
            k += 1
        if s.start < end or (k < len(edits) and edits[k].start < s.end):
            continue
        out.append(s)
        end = s.end
    return out


def review_chunks(
    name: str, chunks: Iterable[str], options: RestoreOptions | None = None
) -> Review:
    """Review a document given as the chunks it is restored in: each chunk is restored
    and scored on its own, as ``unspin restore`` does; the spin estimate is the chunks'
    mean, weighted by length (as ``unspin score`` gives it)."""
    opts = resolve_options(options)
    texts: list[str] = []
    restored: list[str] = []
    edits: list[Edit] = []
    flagged: list[SpunWord] = []
    offset, weighted, signature = 0, 0.0, api.signature(opts)
    for chunk in chunks:
        text = api.mask_surrogates(chunk)
        spin, result = api.spin_and_explain(chunk, opts)
        shifted = [e._replace(start=e.start + offset, end=e.end + offset) for e in result.edits]
        spans = [
            s._replace(start=s.start + offset, end=s.end + offset)
            for s in estimate.spun_spans(text, opts)
        ]
        flagged += _left_alone(spans, shifted)
        edits += shifted
        texts.append(text)
        restored.append(api.mask_surrogates(result.text))
        weighted += spin * len(chunk)
        offset += len(chunk)
        signature = result.signature
    restoration = api.Restoration("".join(restored), tuple(edits), signature)
    spin = weighted / offset if offset else 0.0
    return Review(name, "".join(texts), spin, restoration, tuple(flagged))


def review_restored(
    name: str,
    text: str,
    restoration: api.Restoration,
    reference: str | None = None,
    options: RestoreOptions | None = None,
) -> Review:
    """Review a text restored elsewhere (against a reference index, ``explain --refs``):
    its spin estimate and the words that look spun that no edit touches, with the
    reference it was restored from.

    >>> r = api.restore_and_explain("The court docket ruled.")
    >>> review_restored("a", "The court docket ruled.", r, "story-1").reference
    'story-1'
    """
    opts = resolve_options(options)
    masked = api.mask_surrogates(text)
    spin = estimate.spin_score(text, opts) if text else 0.0
    flagged = _left_alone(estimate.spun_spans(masked, opts), restoration.edits)
    shown = restoration._replace(text=api.mask_surrogates(restoration.text))
    return Review(name, masked, spin, shown, tuple(flagged), reference)


def review(
    text: str, name: str = "", options: RestoreOptions | None = None, **overrides: Any
) -> Review:
    """Review ``text`` (in chunks when it is longer than about 1 MB, as ``restore`` does).

    >>> r = review("The court docket ruled in keeping with the law.", "example")
    >>> [(e.found, e.restored) for e in r.restoration.edits], r.spin > 0.5
    ([('court docket', 'court'), ('in keeping with', 'according to')], True)
    """
    opts = resolve_options(options, **overrides)
    return review_chunks(name, (text[a:b] for a, b in chunk_bounds(text)), opts)


def review_files(
    paths: Iterable[Source],
    options: RestoreOptions | None = None,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> Iterator[Review]:
    """Review plain-text files (``"-"``: standard input), one after another; raises
    :class:`~unspin.errors.InputReadError` or ``InputDecodeError`` as ``restore`` does."""
    opts = resolve_options(options)
    for path in paths:
        yield review_chunks(input_name(path), read_chunks(path, encoding, errors), opts)


def review_jsonl(
    paths: Iterable[Source],
    fields: Sequence[str] = ("text",),
    options: RestoreOptions | None = None,
    *,
    encoding: str = "utf-8",
    on_problem: Callable[[str, str], None] | None = None,
) -> Iterator[Review]:
    """Review each field of each record of JSONL files, named ``file:line field``. A
    line that is not a JSON object with string ``fields`` is skipped, and
    ``on_problem(where, why)`` called for it (blank lines are skipped silently)."""
    opts = resolve_options(options)
    for path in paths:
        with open_input(path) as stream:
            for lineno, line in enumerate(stream, start=1):
                if line.isspace():
                    continue
                where = f"{input_name(path)}:{lineno}"
                record, problem = _record(line, fields, encoding)
                if record is None:
                    if on_problem is not None:
                        on_problem(where, problem)
                    continue
                for field in fields:
                    yield review(record[field], f"{where} {field}", opts)


def _record(line: bytes, fields: Sequence[str], encoding: str) -> tuple[Any, str]:
    """A JSONL line's record, or None and why it cannot be reviewed."""
    try:
        record = json.loads(line.decode(encoding))
    except UnicodeDecodeError as exc:
        return None, f"not valid {encoding} (byte {exc.start}: {exc.reason})"
    except ValueError as exc:
        return None, f"not valid JSON ({exc})"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    for field in fields:
        if not isinstance(record.get(field), str):
            return None, f"no string field {field!r}; choose the field with --field"
    return record, ""
