"""The one options object every entry point (API, CLI, pipelines) goes through."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["FAST_NOTICE", "RestoreOptions", "resolve_options"]


@dataclass(frozen=True)
class RestoreOptions:
    """How :func:`unspin.restore` works. Every field has a tuned default.

    >>> resolve_options(None, thesaurus=False).thesaurus
    False
    """

    #: Mapping tables to use; empty means the bundled ``synonym_pairs.tsv``.
    tables: tuple[Path, ...] = ()
    #: Language model file (ARPA, KenLM); None means the bundled model.
    lm: Path | None = None
    #: Score decisions with the language model (off: table and word frequencies only).
    use_lm: bool = True
    #: Propose thesaurus synonyms for words the table does not know.
    thesaurus: bool = True
    #: Propose small-word reversals (a->the, that->which, ...).
    reversals: bool = True
    #: Search beyond the table (reversals, thesaurus): None lets the document's spin
    #: evidence decide (never with a table learned from aligned copies, which is the
    #: spinner's own dictionary), True always, False never (fastest).
    thorough: bool | None = None
    #: Extra log10 evidence every change needs beyond the calibrated threshold
    #: (positive: fewer, safer changes; negative: bolder).
    margin: float = 0.0
    #: Documents whose spin estimate (0..1, see ``unspin score``) is below this come back
    #: unchanged: clean text is left alone. So do those above it whose decided edits are
    #: too few to bear the estimate out (``detect.confirmed``). 0 restores every document.
    min_spin: float = 0.5
    #: Ignored: the fast n-gram path is the only path. Accepted, with a warning, for
    #: one more release so that code passing ``fast=True`` keeps working.
    fast: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.fast:
            warnings.warn(f"fast=True {FAST_NOTICE}", FutureWarning, stacklevel=3)
            object.__setattr__(self, "fast", False)

    def signature_parts(self) -> dict[str, str]:
        """Options that change output, for the reproducibility signature."""
        default = RestoreOptions()
        return {
            f.name: str(getattr(self, f.name))
            for f in fields(self)
            if f.compare and getattr(self, f.name) != getattr(default, f.name)
        }


#: What ``fast=True`` (and ``--fast``, ``UNSPIN_FAST``) now says, after its name.
FAST_NOTICE = (
    "is no longer needed and does nothing: the fast n-gram path is now the only one "
    "(the option goes in the next release)"
)


_PATH_FIELDS = {"lm"}


def resolve_options(options: RestoreOptions | None = None, **overrides: Any) -> RestoreOptions:
    """Merge keyword overrides into an options object; unknown names are a TypeError."""
    base = options or RestoreOptions()
    if overrides.pop("fast", False):
        warnings.warn(f"fast=True {FAST_NOTICE}", FutureWarning, stacklevel=2)
    if not overrides:
        return base
    known = {f.name for f in fields(RestoreOptions)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise TypeError(
            f"unknown restore option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    if "tables" in overrides:
        value = overrides["tables"]
        if isinstance(value, (str, Path)):
            value = (value,)
        overrides["tables"] = tuple(Path(p) for p in value or ())
    for name in _PATH_FIELDS & set(overrides):
        if overrides[name] is not None:
            overrides[name] = Path(overrides[name])
    return replace(base, **overrides)
