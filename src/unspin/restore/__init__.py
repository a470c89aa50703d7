"""Restoring: propose candidates, estimate how spun a document is, decide with the
language model and the decision model, and return edits.

``unspin.restore`` is also the module path of the public restore API (the function
itself is :func:`unspin.restore`); the names below keep ``from unspin.restore import
...`` working.
"""

from __future__ import annotations

from .api import (
    Restoration,
    apply_edits,
    code_spans,
    compose_edits,
    mask_surrogates,
    outside_code,
    restore,
    restore_and_explain,
    settled_edits,
    signature,
    spin_and_explain,
)
from .engine import Edit
from .estimate import document_spin, spin_score, spun_spans

__all__ = [
    "Edit",
    "Restoration",
    "restore",
    "restore_and_explain",
    "spin_and_explain",
    "apply_edits",
    "signature",
    "settled_edits",
    "compose_edits",
    "code_spans",
    "outside_code",
    "mask_surrogates",
    "spin_score",
    "document_spin",
    "spun_spans",
]
