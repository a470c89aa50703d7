"""The one options object every entry point (API, CLI, pipelines) goes through."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["RestoreOptions", "resolve_options"]


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
    #: Weight of the table's log-odds P(original | spun) in a decision.
    table_weight: float = 1.0
    #: Extra log10 evidence a change needs, on top of the priors (higher: fewer changes).
    margin: float = 0.5
    #: log10 cost of proposing a thesaurus synonym the table has never seen.
    thesaurus_cost: float = 2.0
    #: Force the document spin estimate (0..1) instead of measuring it; None measures.
    spin: float | None = None
    #: Documents whose spin estimate is below this get table restorations only.
    gate: float = 0.08

    def signature_parts(self) -> dict[str, str]:
        """Options that change output, for the reproducibility signature."""
        default = RestoreOptions()
        return {
            f.name: str(getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }


_PATH_FIELDS = {"lm"}


def resolve_options(options: RestoreOptions | None = None, **overrides: Any) -> RestoreOptions:
    """Merge keyword overrides into an options object; unknown names are a TypeError."""
    base = options or RestoreOptions()
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
