"""The review page: one self-contained HTML file (inline CSS and SVG, no script, nothing
loaded from anywhere) showing each document with its edits inline. Built as a list of
parts joined once, so its size and build time grow linearly with the input."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from ..options import RestoreOptions, resolve_options
from .review import Review, review

__all__ = ["SPUN", "to_html"]

#: Spin estimate from which a document counts as "judged spun" (``unspin score``'s line).
SPUN = 0.5

#: Edit scores (log10 evidence) from which an edit is drawn in the next stronger colour.
LEVELS = (0.5, 1.5, 4.0)

#: What each kind of edit source is, by the part of its name before ``:``.
SOURCES = {
    "table": "mapping table",
    "thesaurus": "thesaurus synonym",
    "reversal": "small-word reversal",
    "twin": "reference",
}

_BINS = 10  # histogram bars over spin 0..1

_CSS = """
body{font:16px/1.6 Georgia,'Times New Roman',serif;color:#222;background:#fdfdfb;
 max-width:60rem;margin:1.5rem auto;padding:0 1.2rem}
h1{font:600 1.5rem system-ui,sans-serif;margin:0 0 .3rem}
h2{font:600 1.05rem system-ui,sans-serif;margin:0;word-break:break-all}
h2 a{color:inherit;text-decoration:none}
.sig,.meta,.legend,.summary,table{font:13px/1.5 system-ui,sans-serif;color:#555}
.summary{display:flex;gap:2rem;align-items:flex-end;flex-wrap:wrap;margin:1rem 0}
.summary dl{display:grid;grid-template-columns:auto auto;gap:0 1rem;margin:0}
.summary dt{color:#555}.summary dd{margin:0;font-weight:600;color:#222;text-align:right}
table{border-collapse:collapse;margin:.5rem 0 1rem}
td,th{padding:1px .6rem;text-align:right}td:nth-child(2),th:nth-child(2){text-align:left}
section.doc{border-top:1px solid #ddd;padding:1rem 0;content-visibility:auto;
 contain-intrinsic-size:auto 30rem}
.text{white-space:pre-wrap;overflow-wrap:break-word;margin-top:.6rem}
.edit{border-radius:3px;padding:0 2px;cursor:help}
.edit del{color:#a33;text-decoration:line-through;text-decoration-color:#a33}
.edit ins{text-decoration:none;font-weight:600;color:#063}
.edit del+ins{margin-left:.25em}
.s1{background:#eef7ee}.s2{background:#d3ecd5}.s3{background:#a9dbb0}.s4{background:#79c485}
.flag{background:none;border-bottom:2px dotted #d08a00;cursor:help}
.unchanged{color:#555;font-style:italic}.ref{color:#063;font-weight:600}
.bar{display:inline-block;width:5rem;height:.55rem;background:#e4e4e4;border-radius:3px;
 vertical-align:middle;margin-right:.3rem}
.bar i{display:block;height:100%;border-radius:3px;background:#c0504d}
.bar i.low{background:#7a9ec4}
svg text{font:10px system-ui,sans-serif;fill:#555}
"""


def _level(score: float) -> int:
    return 1 + sum(score >= cut for cut in LEVELS)


def _source(source: str) -> str:
    kind = source.split(":", 1)[0]
    label = SOURCES.get(kind, kind)
    return label if label == source else f"{label} ({source})"


def _bar(spin: float) -> str:
    low = "" if spin >= SPUN else ' class="low"'
    width = 100 * min(max(spin, 0.0), 1.0)
    return (
        f'<span class="bar" title="spin estimate, 0 clean to 1 heavily spun; {SPUN} and up '
        f'looks spun (unspin score)"><i{low} style="width:{width:.0f}%"></i></span>'
    )


def _marked(doc: Review, parts: list[str]) -> None:
    """Append the document's text with each edit and flagged word marked up."""
    text = doc.text
    marks: list[tuple[int, int, str]] = []
    for e in doc.restoration.edits:
        tip = (
            f"‘{e.found}’ restored as ‘{e.restored}’ · score {e.score:.2f} · "
            f"source: {_source(e.source)}"
        )
        found = f"<del>{escape(e.found)}</del>" if e.found else ""
        fixed = f"<ins>{escape(e.restored)}</ins>" if e.restored else ""
        marks.append(
            (
                e.start,
                e.end,
                f'<span class="edit s{_level(e.score)}" title="{escape(tip)}" '
                f'data-source="{escape(e.source)}" data-score="{e.score:.3f}">'
                f"{found}{fixed}</span>",
            )
        )
    for s in doc.flagged:
        tip = (
            f"looks spun: the language model would rather read ‘{s.original}’ here "
            f"(strength {s.strength:.2f}); left alone"
        )
        word = escape(text[s.start : s.end])
        marks.append((s.start, s.end, f'<mark class="flag" title="{escape(tip)}">{word}</mark>'))
    marks.sort(key=lambda m: m[0])
    pos = 0
    for start, end, markup in marks:
        parts.append(escape(text[pos:start]))
        parts.append(markup)
        pos = end
    parts.append(escape(text[pos:]))


def _section(n: int, doc: Review, parts: list[str]) -> None:
    edits, flagged = len(doc.restoration.edits), len(doc.flagged)
    if edits:
        what = f"{edits} edit{'s' * (edits != 1)}"
    elif not doc.text:
        what = '<span class="unchanged">empty</span>'
    elif doc.spin < SPUN:
        what = '<span class="unchanged">unchanged: does not look spun</span>'
    else:
        what = '<span class="unchanged">unchanged: no restoration sure enough</span>'
    source = ""
    if doc.reference is not None:
        source = f' · <span class="ref">restored from reference {escape(doc.reference)}</span>'
    parts.append(
        f'<section class="doc" id="doc-{n}"><h2><a href="#doc-{n}">{escape(doc.name)}</a>'
        f'</h2><p class="meta">{_bar(doc.spin)}spin {doc.spin:.3f} · {what}{source} · '
        f"{flagged} word{'s' * (flagged != 1)} flagged, left alone</p>"
        '<div class="text">'
    )
    _marked(doc, parts)
    parts.append("</div></section>\n")


def _histogram(spins: list[float]) -> str:
    """An inline SVG histogram of spin estimates in :data:`_BINS` bars over 0..1."""
    counts = [0] * _BINS
    for s in spins:
        counts[min(int(max(s, 0.0) * _BINS), _BINS - 1)] += 1
    top = max(counts) or 1
    w, h, bw, top_y = 238, 70, 22, 14  # bars h high, below a line of text
    bars = []
    for k, c in enumerate(counts):
        bh = round(h * c / top)
        colour = "#c0504d" if k / _BINS >= SPUN else "#7a9ec4"
        bars.append(
            f'<rect x="{k * (bw + 2)}" y="{top_y + h - bh}" width="{bw}" height="{bh}" '
            f'fill="{colour}"><title>spin {k / _BINS:.1f}-{(k + 1) / _BINS:.1f}: {c} '
            "documents</title></rect>"
        )
    base = top_y + h
    return (
        f'<svg width="{w}" height="{base + 28}" viewBox="0 0 {w} {base + 28}" role="img" '
        f'aria-label="histogram of spin estimates">{"".join(bars)}'
        f'<text x="0" y="9">tallest bar: {max(counts):,} document{"s" * (max(counts) != 1)}</text>'
        f'<text x="0" y="{base + 12}">0</text><text x="{w / 2 - 8}" y="{base + 12}">0.5</text>'
        f'<text x="{w - 8}" y="{base + 12}">1</text>'
        f'<text x="0" y="{base + 25}">documents by spin estimate (red: spun)</text></svg>'
    )


def _summary(docs: list[tuple[str, float, int, int]]) -> list[str]:
    """Counts, the histogram and a table of contents for several documents."""
    spins = [spin for _, spin, _, _ in docs]
    rows = [
        ("documents read", len(docs)),
        ("judged spun", sum(s >= SPUN for s in spins)),
        ("restored", sum(e > 0 for _, _, e, _ in docs)),
        ("edits", sum(e for _, _, e, _ in docs)),
        ("flagged, left alone", sum(f for _, _, _, f in docs)),
    ]
    out = ['<div class="summary"><dl>']
    out += [f'<dt>{label}</dt><dd data-count="{label}">{n:,}</dd>' for label, n in rows]
    out += ["</dl>", _histogram(spins), "</div>"]
    out.append(
        "<table><tr><th>#</th><th>document</th><th>spin</th><th>edits</th><th>flagged</th></tr>"
    )
    for n, (name, spin, edits, flagged) in enumerate(docs, start=1):
        out.append(
            f'<tr><td>{n}</td><td><a href="#doc-{n}">{escape(name)}</a></td>'
            f"<td>{spin:.3f}</td><td>{edits}</td><td>{flagged}</td></tr>"
        )
    out.append("</table>\n")
    return out


def to_html(
    documents: Iterable[Review | str | tuple[str, str]],
    *,
    title: str = "unspin review",
    options: RestoreOptions | None = None,
    **overrides: Any,
) -> str:
    """The review page of ``documents``: :class:`Review` objects, texts, or ``(name,
    text)`` pairs (texts are reviewed here, under ``options``). Several documents get a
    summary at the top (counts, a histogram of spin estimates, links to each).

    >>> page = to_html(["The court docket ruled in keeping with the law."])
    >>> "<del>court docket</del><ins>court</ins>" in page, "<script" in page
    (True, False)
    """
    opts = resolve_options(options, **overrides)
    body: list[str] = []
    seen: list[tuple[str, float, int, int]] = []
    signature = ""
    for n, item in enumerate(documents, start=1):
        if isinstance(item, str):
            item = review(item, f"document {n}", opts)
        elif not isinstance(item, Review):
            item = review(item[1], item[0], opts)
        _section(n, item, body)
        seen.append((item.name, item.spin, len(item.restoration.edits), len(item.flagged)))
        signature = item.restoration.signature
    head = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{escape(title)}</h1>"
        f'<p class="sig">setup: {escape(signature)}</p>'
        '<p class="legend">Restored words in <ins style="text-decoration:none;'
        'font-weight:600;color:#063">green</ins>, darker the stronger the evidence, after '
        'the spun words they replace, <del style="color:#a33">struck through</del>; '
        '<mark class="flag">dotted</mark>: looks spun but left alone. Hover for score '
        "and source.</p>\n"
    ]
    if len(seen) > 1:
        head += _summary(seen)
    return "".join([*head, *body, "</body></html>\n"])
