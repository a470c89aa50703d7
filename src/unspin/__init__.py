"""unspin: restore spun text.

>>> from unspin import restore
>>> restore("Clean text stays as it is.")
'Clean text stays as it is.'
"""

from __future__ import annotations

from ._version import __version__
from .errors import MissingDataError, ModelFormatError, TableFormatError, UnspinError
from .options import RestoreOptions
from .restore.api import Restoration, apply_edits, restore, restore_and_explain, signature
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
