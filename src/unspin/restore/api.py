"""Public API: restore spun text, explain the restoration, replay the explanation."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from ..options import RestoreOptions, resolve_options
from .engine import Edit, Engine, get_engine

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
    return spin_and_explain(text, options, **overrides)[1]


def spin_and_explain(
    text: str, options: RestoreOptions | None = None, **overrides: Any
) -> tuple[float, Restoration]:
    """The document's spin estimate (see ``unspin score``) and its restoration, from one
    analysis.

    >>> spin, r = spin_and_explain("The court docket ruled in keeping with the law.")
    >>> spin > 0.5, r.text
    (True, 'The court ruled according to the law.')
    """
    text = _check_text(text)
    engine = get_engine(resolve_options(options, **overrides))
    if not text:
        return 0.0, Restoration("", (), engine.signature)
    masked = mask_surrogates(text)
    analysis = engine.analyse(masked)
    first = outside_code(masked, engine.edits_from(masked, analysis))
    edits = tuple(_unmasked(text, settled_edits(engine, masked, first)))
    return analysis.evidence.spin, Restoration(apply_edits(text, edits), edits, engine.signature)


# Code is left alone: Markdown fences and `inline code`, HTML code, pre, script and style
# elements, HTML comments (tags, URLs and entities are protected by the tokenizer).
_CODE = re.compile(
    r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}\1[^\n]*$|\Z)"
    r"|``[^\n]+?``|`[^`\n]+`"
    r"|<(code|pre|script|style|kbd|samp|tt)\b[^>]*>.*?(?:</\2\s*>|\Z)"
    r"|<!--.*?(?:-->|\Z)",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Spans of code in ``text`` (Markdown fences and backticks, HTML ``code``, ``pre``,
    ``script``, ``style``, comments): restoring leaves them alone.

    >>> code_spans("Run `court docket` now.")
    [(4, 18)]
    """
    if "`" not in text and "~~~" not in text and "<" not in text:
        return []
    return [m.span() for m in _CODE.finditer(text)]


def outside_code(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """The edits that touch no code span of ``text``."""
    edits = list(edits)
    spans = code_spans(text) if edits else []
    if not spans:
        return edits
    starts = [a for a, _ in spans]
    out = []
    for e in edits:
        k = bisect_left(starts, e.end) - 1  # the last span starting before the edit ends
        if k < 0 or spans[k][1] <= e.start:
            out.append(e)
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def mask_surrogates(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes read with ``surrogateescape``, or
    JSON ``\\ud800`` escapes) read as U+FFFD, offsets unchanged: the language model
    cannot take them, and they are left alone anyway.

    >>> mask_surrogates("caf\\udce9 court")
    'caf\ufffd court'
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _unmasked(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """Edits of a masked ``text`` as edits of ``text`` (none that touch a surrogate)."""
    return [e for e in edits if text[e.start : e.end] == e.found]


#: Passes over a restored text in search of a fixed point (then nothing changes).
_SETTLE_ROUNDS = 3


def settled_edits(engine: Engine, text: str, edits: Sequence[Edit]) -> list[Edit]:
    """The edits of ``text`` extended to a fixed point, so that restoring is idempotent:
    restoring the result again changes nothing.

    The engine looks at the restored text once more (only when it got edits); what it
    would change there is folded into the edits, in ``text``'s coordinates (an edit that
    a later pass undoes disappears). Up to :data:`_SETTLE_ROUNDS` passes; a text that
    finds no fixed point by then comes back unchanged.
    """
    edits = sorted(edits, key=lambda e: e.start)
    for _ in range(_SETTLE_ROUNDS):
        if not edits:
            return []
        restored = apply_edits(text, edits)
        again = outside_code(restored, engine.edits(restored))
        if not again:
            return edits
        edits = compose_edits(text, edits, restored, again)
    return []


def compose_edits(
    text: str, edits: Sequence[Edit], restored: str, again: Sequence[Edit]
) -> list[Edit]:
    """Edits of ``text`` that give what ``again`` (edits of ``restored``, the result of
    ``edits``) gives: overlapping edits merge into one.

    >>> first = [Edit(0, 7, "keeping", "living", 1.0, "t")]
    >>> second = [Edit(0, 13, "living within", "in", 2.0, "u")]
    >>> compose_edits("keeping within", first, "living within", second)
    [Edit(start=0, end=14, found='keeping within', restored='in', score=2.0, source='u')]
    """
    # Spans of both kinds in ``restored``'s coordinates, merged where they overlap.
    items = []
    shift = 0
    for e in sorted(edits, key=lambda e: e.start):
        start = e.start + shift
        items.append((start, start + len(e.restored), 0, e))
        shift += len(e.restored) - len(e.found)
    items += [(e.start, e.end, 1, e) for e in again]
    items.sort(key=lambda item: (item[0], item[1]))
    groups: list[list[tuple[int, int, int, Edit]]] = []
    for item in items:
        if groups and item[0] < max(i[1] for i in groups[-1]):
            groups[-1].append(item)
        else:
            groups.append([item])
    out: list[Edit] = []
    moved = 0  # restored offset minus text offset, before the current group
    for group in groups:
        firsts = [e for _, _, kind, e in group if kind == 0]
        seconds = sorted((e for _, _, kind, e in group if kind == 1), key=lambda e: e.start)
        lo, hi = min(i[0] for i in group), max(i[1] for i in group)
        x_lo = lo - moved
        grown = sum(len(e.restored) - len(e.found) for e in firsts)
        x_hi = hi - moved - grown
        moved += grown
        if not seconds:
            out.extend(firsts)
            continue
        result = apply_edits(
            restored[lo:hi], [e._replace(start=e.start - lo, end=e.end - lo) for e in seconds]
        )
        found = text[x_lo:x_hi]
        if result != found:
            best = max(seconds, key=lambda e: e.score)
            out.append(Edit(x_lo, x_hi, found, result, best.score, best.source))
    return out


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
