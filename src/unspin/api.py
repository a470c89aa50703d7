"""The public ``restore`` and ``restore_and_explain``: the engine's
(:mod:`unspin.restore.api`), or, given ``refs=``, against a reference index
(:mod:`unspin.pipelines.refs`).

``refs`` is not a restore option: it names where originals are kept, a path (one SQLite
file), a ``postgresql://`` URL, or an open :class:`~unspin.twins.refindex.ReferenceIndex`.
A location is opened read-only on first use and kept open, once per process, thread and
location (:func:`unspin.pipelines.refs.open_refs`), so calling per text is cheap; an open
index is used as it is. Each text is linked and restored item by item: from its twin
where the reference covers it, the rest with ``refs_table`` (a table from ``unspin learn
--refs``) beside what plain ``restore`` does. To learn from a run of texts first, use
:class:`unspin.pipelines.refs.RefsRun` (what ``unspin restore --refs`` does).

>>> import os, tempfile
>>> from unspin.twins.refindex import ReferenceIndex
>>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
>>> original = ("The lawyers told a federal judge on Friday that the company would appeal. "
...     "The judge said she would rule next week. A spokesman declined to comment.")
>>> with ReferenceIndex(path, create=True) as index:
...     index.add([("story-1", original)]).added
1
>>> copy = ("The attorneys advised a federal choose on Friday that the corporate would "
...     "appeal. The choose stated she would rule next week. A spokesman refused to remark.")
>>> restore(copy, refs=path) == original
True
>>> restore_and_explain(copy, refs=path).edits[0].source
'twin:story-1'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .options import RestoreOptions, resolve_options
from .restore import api as engine_api
from .restore.api import Restoration

if TYPE_CHECKING:
    from .pipelines.refs import Refs

__all__ = ["restore", "restore_and_explain"]


def restore_and_explain(
    text: str,
    options: RestoreOptions | None = None,
    *,
    refs: Refs | None = None,
    refs_table: str | os.PathLike[str] | None = None,
    **overrides: Any,
) -> Restoration:
    """Restore ``text`` and say what changed, where, why and from which source (edits
    restored from a reference have the source ``twin:<reference id>``); with ``refs``,
    against that reference index (see the module's docstring).

    >>> restore_and_explain("The court docket ruled in keeping with the law.").text
    'The court ruled according to the law.'
    """
    if refs is None:
        if refs_table is not None:
            raise TypeError("refs_table= goes with refs=")
        return engine_api.restore_and_explain(text, options, **overrides)
    from .pipelines.refs import restore_with_refs  # the index and its search: on use

    engine_api._check_text(text)
    opts = resolve_options(options, **overrides)
    table = Path(refs_table) if refs_table is not None else None
    return restore_with_refs(text, refs, opts, table=table).restoration


def restore(
    text: str,
    options: RestoreOptions | None = None,
    *,
    refs: Refs | None = None,
    refs_table: str | os.PathLike[str] | None = None,
    **overrides: Any,
) -> str:
    """Return ``text`` with spun words and phrases restored; clean text comes back
    unchanged. With ``refs`` (a path, ``postgresql://`` URL or open index), a copy of a
    reference is restored from it (see the module's docstring).

    >>> restore("Filed in federal court docket in California, the lawsuit was dismissed.")
    'Filed in federal court in California, the lawsuit was dismissed.'
    """
    return restore_and_explain(text, options, refs=refs, refs_table=refs_table, **overrides).text
