"""Public API: restore spun text, explain the restoration, replay the explanation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from .engine import Edit, get_engine
from .options import RestoreOptions, resolve_options

__all__ = ["Edit", "Restoration", "restore", "restore_and_explain", "apply_edits", "signature"]


class Restoration(NamedTuple):
    """The restored text, the edits that made it, and the signature of the setup."""

    text: str
    edits: tuple[Edit, ...]
    signature: str


def _check_text(text: object) -> str:
    if isinstance(text, (bytes, bytearray)):
        raise TypeError(
            "unspin works on str, not bytes: decode it first, e.g. data.decode('utf-8')"
        )
    if not isinstance(text, str):
        raise TypeError(f"unspin works on str, got {type(text).__name__}")
    return text


def restore_and_explain(
    text: str, options: RestoreOptions | None = None, **overrides: Any
) -> Restoration:
    """Restore ``text`` and say what changed, where, why and from which source.

    >>> r = restore_and_explain("The court docket ruled in keeping with the law.")
    >>> r.text
    'The court ruled according to the law.'
    >>> apply_edits("The court docket ruled in keeping with the law.", r.edits) == r.text
    True
    """
    text = _check_text(text)
    engine = get_engine(resolve_options(options, **overrides))
    if not text:
        return Restoration("", (), engine.signature)
    edits = tuple(engine.edits(text))
    return Restoration(apply_edits(text, edits), edits, engine.signature)


def restore(text: str, options: RestoreOptions | None = None, **overrides: Any) -> str:
    """Return ``text`` with spun words and phrases restored; clean text comes back unchanged.

    >>> restore("Filed in federal court docket in California, the lawsuit was dismissed.")
    'Filed in federal court in California, the lawsuit was dismissed.'
    """
    return restore_and_explain(text, options, **overrides).text


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replay edits (in input coordinates) on ``text``.

    >>> apply_edits("in keeping with", [Edit(0, 15, "in keeping with", "according to", 1.0, "t")])
    'according to'
    """
    text = _check_text(text)
    parts: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: e.start):
        if e.start < pos or text[e.start : e.end] != e.found:
            raise ValueError(
                f"edit {e.start}-{e.end} {e.found!r} does not match the text there "
                f"({text[e.start : e.end]!r}) or overlaps an earlier edit"
            )
        parts.append(text[pos : e.start])
        parts.append(e.restored)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def signature(options: RestoreOptions | None = None, **overrides: Any) -> str:
    """The reproducibility signature of this setup (package, table and model versions)."""
    return get_engine(resolve_options(options, **overrides)).signature
