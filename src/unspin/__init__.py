"""unspin: restore spun text.

>>> from unspin import restore
>>> restore("Clean text stays as it is.")
'Clean text stays as it is.'

``restore(text, refs=PATH)`` restores a copy of a text kept in a reference index from it
(:mod:`unspin.api`).
"""

from __future__ import annotations

from ._version import __version__
from .api import restore, restore_and_explain
from .errors import MissingDataError, ModelFormatError, TableFormatError, UnspinError
from .options import RestoreOptions
from .restore.api import Restoration, apply_edits, signature
from .restore.engine import Edit

__all__ = [
    "__version__",
    "restore",
    "restore_and_explain",
    "apply_edits",
    "signature",
    "Edit",
    "Restoration",
    "RestoreOptions",
    "UnspinError",
    "TableFormatError",
    "ModelFormatError",
    "MissingDataError",
]
