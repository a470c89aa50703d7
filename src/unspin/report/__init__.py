"""Review pages: see what unspin changed, and why, in a browser (``unspin explain --html``).

:func:`to_html` builds one self-contained HTML page from the same
:class:`~unspin.Restoration` :func:`unspin.restore_and_explain` returns, with every edit
inline, the words that look spun but were left alone, and each document's spin estimate.

>>> from unspin.report import to_html
>>> page = to_html([("a", "The court docket ruled."), ("b", "Clean text stays.")])
>>> page.count('<section class="doc"'), "unchanged" in page
(2, True)
"""

from __future__ import annotations

from .page import to_html
from .review import Review, review, review_chunks, review_files, review_jsonl, review_restored

__all__ = [
    "Review",
    "review",
    "review_chunks",
    "review_files",
    "review_jsonl",
    "review_restored",
    "to_html",
]
