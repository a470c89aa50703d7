"""The mapping table: spun phrase -> original phrase, with learned statistics.

File format (UTF-8, tab-separated)::

    #unspin-table<TAB>1<TAB>name=<label>[<TAB>spin_gate=<share>][<TAB>threshold=<log-odds>]
        [<TAB>hit_gate=<z>][<TAB>method=<how>][<TAB>docs=<pile size>][<TAB>precision=<estimate>]
    # free comment lines (licence, attribution, how it was built)
    spun<TAB>original<TAB>count<TAB>kept<TAB>p_restore<TAB>p_channel<TAB>source
    court docket<TAB>court<TAB>12<TAB>0<TAB>0.9231<TAB>0.3000<TAB>pairs

``count`` is how often the substitution was aligned, ``kept`` how often the
spun phrase was seen unchanged in clean text, ``p_restore`` the probability
that an occurrence of ``spun`` is a spin of ``original``, and ``p_channel``
P(spun | original), the spinner's channel probability. ``spin_gate`` (written by
``unspin learn`` from a pile) is the share of a document's words covered by the
table's usual spins at which the document counts as spun (see :mod:`unspin.restore.detect`):
a big learned table also covers clean text more. ``threshold`` replaces the decision
model's threshold for table candidates (a table learned from real pairs earns more trust
than the bundled one). ``hit_gate`` (a table learned without clean documents) gates
documents instead by how far their weighted hits exceed clean English's
(:func:`unspin.restore.hit_gate.hit_score`). ``method`` says how the table was learned:
``aligned`` (spun copies aligned with their originals), ``reference-free`` (from spun text
alone), ``mixed`` (both, or tables of different methods merged) or ``bundled``; ``docs``
is the size of the pile it was learned from and ``precision`` the share of its rows
estimated right on a held-out part of that pile (see :mod:`unspin.learn.learner`).

>>> t = Table.from_entries([Entry("court docket", "court", 12, 0, 0.92, 0.3, "pairs")])
>>> [e.original for e in t.lookup(("court", "docket"))]
['court']
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import InputNotFoundError, TableFormatError
from ..text.tokens import norm, tokenize

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "COLUMNS",
    "Entry",
    "Table",
    "phrase_key",
    "load_table",
    "load_merged",
    "bundled_table",
    "bundled_table_path",
    "write_table",
]

FORMAT_NAME = "#unspin-table"
FORMAT_VERSION = "1"
COLUMNS = ("spun", "original", "count", "kept", "p_restore", "p_channel", "source")
#: How a table was learned (the header's ``method`` field).
METHODS = ("aligned", "reference-free", "mixed", "bundled")


@dataclass(frozen=True)
class Entry:
    """One row of the table."""

    spun: str
    original: str
    count: int
    kept: int
    p_restore: float
    p_channel: float
    source: str

    def row(self) -> str:
        """The entry as one TSV line (no newline)."""
        return "\t".join(
            (
                self.spun,
                self.original,
                str(self.count),
                str(self.kept),
                f"{self.p_restore:.4f}",
                f"{self.p_channel:.4f}",
                self.source,
            )
        )


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The normalized token sequence a phrase is matched by.

    >>> phrase_key("Just isn’t")
    ('just', 'isn', "'t")
    """
    return tuple(norm(t.text) for t in tokenize(phrase))


@dataclass
class Table:
    """Entries indexed by the token key of their spun phrase."""

    name: str = "custom"
    entries: list[Entry] = field(default_factory=list)
    index: dict[tuple[str, ...], list[Entry]] = field(default_factory=dict)
    max_len: int = 0
    #: Longest phrase starting with each first word.
    first_words: dict[str, int] = field(default_factory=dict)
    #: Table-hit share at which a document counts as spun (None: the engine's default).
    spin_gate: float | None = None
    #: Decision threshold for this table's candidates (None: the decision model's).
    threshold: float | None = None
    #: Weighted-hit z-score at which a document counts as spun (None: not used).
    hit_gate: float | None = None
    #: How the table was learned (one of :data:`METHODS`; None: not recorded).
    method: str | None = None
    #: Documents in the pile it was learned from (None: not recorded).
    docs: int | None = None
    #: Estimated share of right rows, measured on a held-out part of the pile.
    precision: float | None = None
    #: Other inflections of the spun phrases (built on first use, see :meth:`variants`).
    _variants: dict[tuple[str, ...], list[Entry]] | None = field(default=None, repr=False)
    _variant_first: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], name: str = "custom") -> Table:
        """Build and index a table; the best restoration of each spun phrase comes first."""
        table = cls(name=name)
        for entry in entries:
            table.add(entry)
        for options in table.index.values():
            options.sort(key=lambda e: (-e.p_restore, -e.count, e.original))
        return table

    def add(self, entry: Entry) -> None:
        """Add one entry (call :meth:`from_entries` to get sorted options)."""
        key = phrase_key(entry.spun)
        if not key:
            return
        self.entries.append(entry)
        self.index.setdefault(key, []).append(entry)
        self.max_len = max(self.max_len, len(key))
        self.first_words[key[0]] = max(self.first_words.get(key[0], 0), len(key))

    def lookup(self, key: tuple[str, ...]) -> list[Entry]:
        """Entries whose spun phrase has this normalized token key."""
        return self.index.get(key, [])

    def variants(self) -> dict[tuple[str, ...], list[Entry]]:
        """Entries by the keys of their spun phrase's other inflections: its first or last
        word in another form of its lemma ("utilized" for a row learned as "utilizing").
        Keys the table holds as written are left out. Built once, on first use."""
        if self._variants is None:
            from ..text.inflect import forms_of

            variants: dict[tuple[str, ...], list[Entry]] = {}
            for key, entries in self.index.items():
                for at in {0, len(key) - 1}:
                    if not key[at].isalpha():
                        continue
                    for form in forms_of(key[at]):
                        other = (*key[:at], form, *key[at + 1 :])
                        if other not in self.index:
                            variants.setdefault(other, []).extend(entries)
            first: dict[str, int] = {}
            for key in variants:
                first[key[0]] = max(first.get(key[0], 0), len(key))
            self._variants, self._variant_first = variants, first
        return self._variants

    def longest_at(self, word: str, inflected: bool = False) -> int:
        """Length of the longest spun phrase starting with ``word`` (0: none); with
        ``inflected``, other inflections of the spun phrases count too."""
        longest = self.first_words.get(word, 0)
        if inflected:
            self.variants()
            longest = max(longest, self._variant_first.get(word, 0))
        return longest

    def lookup_inflected(self, key: tuple[str, ...]) -> list[tuple[Entry, str]]:
        """Entries for another inflection of ``key``, each with its original re-inflected to
        match (:func:`unspin.text.inflect.reinflect`), best first; [] when the key is in the table
        as written or no original can be put in its form.

        >>> t = Table.from_entries([Entry("utilizing", "using", 3, 0, 0.9, 0.3, "pile")])
        >>> [(e.spun, text) for e, text in t.lookup_inflected(("utilized",))]
        [('utilizing', 'used')]
        """
        from ..text.inflect import reinflect

        out = []
        observed = " ".join(key)
        for e in self.variants().get(key, ()):
            text = reinflect(e.original, " ".join(phrase_key(e.spun)), observed)
            if text is not None and all(text != t for _, t in out):
                out.append((e, text))
        return out

    def merged(self, other: Table) -> Table:
        """A new table with the entries of both (the same pair is summed), the higher
        spin gate and threshold (a hit gate only without a spin gate), and their
        provenance: one method or ``mixed``, the piles' sizes summed, the lower precision
        estimate."""
        table = Table.from_entries(merge_entries([*self.entries, *other.entries]), self.name)
        gates = [g for g in (self.spin_gate, other.spin_gate) if g is not None]
        table.spin_gate = max(gates) if gates else None
        if self.threshold is not None and other.threshold is not None:
            table.threshold = max(self.threshold, other.threshold)
        # a gate set on clean documents outranks one set from clean English
        hit_gates = [g for g in (self.hit_gate, other.hit_gate) if g is not None]
        table.hit_gate = max(hit_gates) if hit_gates and table.spin_gate is None else None
        methods = {m for m in (self.method, other.method) if m is not None}
        table.method = methods.pop() if len(methods) == 1 else ("mixed" if methods else None)
        docs = [d for d in (self.docs, other.docs) if d is not None]
        table.docs = sum(docs) if docs else None
        precisions = [p for p in (self.precision, other.precision) if p is not None]
        table.precision = min(precisions) if precisions else None
        return table

    def provenance(self) -> dict[str, str | int | float | None]:
        """The header fields saying how the table was learned, as :func:`write_table`
        keywords (to write a loaded or merged table back with them)."""
        return {
            "method": self.method,
            "docs": self.docs,
            "precision": self.precision,
            "hit_gate": self.hit_gate,
        }

    def __len__(self) -> int:
        return len(self.entries)


def merge_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Sum counts of identical (spun, original) pairs; keep the larger probabilities."""
    merged: dict[tuple[str, str], Entry] = {}
    for e in entries:
        key = (" ".join(phrase_key(e.spun)), e.original)
        old = merged.get(key)
        if old is None:
            merged[key] = e
            continue
        sources = sorted(set(old.source.split("+")) | set(e.source.split("+")))
        merged[key] = Entry(
            old.spun,
            old.original,
            old.count + e.count,
            old.kept + e.kept,
            max(old.p_restore, e.p_restore),
            max(old.p_channel, e.p_channel),
            "+".join(sources),
        )
    return list(merged.values())


def _parse_header(line: str, path: str) -> dict[str, str]:
    """The header's ``key=value`` fields (``name`` defaults to the file's stem)."""
    parts = line.rstrip("\r\n").split("\t")
    if parts[0] != FORMAT_NAME:
        raise TableFormatError(
            f"{path}, line 1: expected the header '{FORMAT_NAME}<TAB>{FORMAT_VERSION}', "
            f"found {line[:60]!r}. Is this an unspin table? Build one with 'unspin learn'."
        )
    if len(parts) < 2 or parts[1] != FORMAT_VERSION:
        found = parts[1] if len(parts) > 1 else "none"
        raise TableFormatError(
            f"{path}, line 1: table format version {found}, this unspin reads version "
            f"{FORMAT_VERSION}. Rebuild the table with this version's 'unspin learn'."
        )
    fields = {"name": Path(path).stem}
    fields.update(part.split("=", 1) for part in parts[2:] if "=" in part)
    for key, low, high, what in (
        ("spin_gate", 0.0, 1.0, "a share between 0 and 1"),
        ("threshold", -10.0, 10.0, "a log-odds between -10 and 10"),
        ("hit_gate", 0.0, 1000.0, "a z-score between 0 and 1000"),
    ):
        value = fields.get(key)
        if value is None:
            continue
        try:
            ok = low < float(value) < high
        except ValueError:
            ok = False
        if not ok:
            raise TableFormatError(f"{path}, line 1: {key} must be {what}, found {value!r}")
    if "method" in fields and fields["method"] not in METHODS:
        raise TableFormatError(
            f"{path}, line 1: method must be one of {', '.join(METHODS)}, "
            f"found {fields['method']!r}"
        )
    if "docs" in fields and not fields["docs"].isdigit():
        raise TableFormatError(
            f"{path}, line 1: docs must be a whole number, found {fields['docs']!r}"
        )
    if "precision" in fields:
        try:
            ok = 0.0 <= float(fields["precision"]) <= 1.0
        except ValueError:
            ok = False
        if not ok:
            raise TableFormatError(
                f"{path}, line 1: precision must be a share between 0 and 1, "
                f"found {fields['precision']!r}"
            )
    return fields


def _parse_row(line: str, path: str, lineno: int) -> Entry:
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) != len(COLUMNS):
        raise TableFormatError(
            f"{path}, line {lineno}: expected {len(COLUMNS)} tab-separated columns "
            f"({', '.join(COLUMNS)}), found {len(parts)}"
        )
    spun, original, count, kept, p_restore, p_channel, source = parts
    if not spun.strip() or not original.strip():
        raise TableFormatError(f"{path}, line {lineno}: empty spun or original phrase")
    try:
        entry = Entry(
            spun, original, int(count), int(kept), float(p_restore), float(p_channel), source
        )
    except ValueError:
        raise TableFormatError(
            f"{path}, line {lineno}: expected whole numbers in count/kept and "
            f"probabilities in p_restore/p_channel, found {parts[2:6]}"
        ) from None
    if not (0.0 <= entry.p_restore <= 1.0 and 0.0 <= entry.p_channel <= 1.0):
        raise TableFormatError(f"{path}, line {lineno}: probabilities must lie in [0, 1]")
    return entry


def read_entries(
    stream: io.TextIOBase | Iterator[str], path: str
) -> tuple[dict[str, str], list[Entry]]:
    """Parse a table from lines; returns (header fields, entries) or raises
    TableFormatError."""
    lines = iter(stream)
    first = next(lines, None)
    if first is None:
        raise TableFormatError(f"{path}: the file is empty; expected a '{FORMAT_NAME}' header")
    fields = _parse_header(first, path)
    entries: list[Entry] = []
    for lineno, line in enumerate(lines, start=2):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("spun\t"):
            continue
        entries.append(_parse_row(line, path, lineno))
    return fields, entries


def load_table(path: str | Path) -> Table:
    """Load and validate a table file.

    Raises InputNotFoundError (a FileNotFoundError) for a missing file and
    TableFormatError (with file, line and what was expected) for a malformed one.
    """
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(
            f"table {path} does not exist; build one with 'unspin learn ... --output {path}'"
        )
    try:
        with path.open(encoding="utf-8", newline="") as f:
            fields, entries = read_entries(f, str(path))
    except UnicodeDecodeError as exc:
        raise TableFormatError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    table = Table.from_entries(entries, fields["name"])
    for key in ("spin_gate", "threshold", "hit_gate", "precision"):
        if key in fields:
            setattr(table, key, float(fields[key]))
    table.method = fields.get("method")
    if "docs" in fields:
        table.docs = int(fields["docs"])
    return table


def load_merged(paths: Sequence[str | Path]) -> Table:
    """The tables at ``paths`` loaded and merged into one (:meth:`Table.merged`: the same
    pair summed, the most cautious spin gate and threshold); an empty table for none.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> e = Entry("court docket", "court", 3, 0, 0.9, 0.2, "pile")
    >>> _ = write_table([e], d / "a.tsv", "a", spin_gate=0.02)
    >>> _ = write_table([e], d / "b.tsv", "b", spin_gate=0.04)
    >>> t = load_merged([d / "a.tsv", d / "b.tsv"])
    >>> t.entries[0].count, t.spin_gate
    (6, 0.04)
    """
    if not paths:
        return Table.from_entries([], "empty")
    table = load_table(paths[0])
    for path in paths[1:]:
        table = table.merged(load_table(path))
    return table


def bundled_table_path() -> Path:
    """Where the bundled table lives: inside the wheel, or data/ in a source checkout."""
    from ..resources import data_path

    return data_path("synonym_pairs.tsv")


@lru_cache(maxsize=1)
def bundled_table() -> Table:
    """The table shipped with unspin, loaded once on first use."""
    return load_table(bundled_table_path())


def write_table(
    entries: Iterable[Entry],
    path: str | Path,
    name: str,
    comments: Iterable[str] = (),
    spin_gate: float | None = None,
    threshold: float | None = None,
    *,
    method: str | None = None,
    docs: int | None = None,
    precision: float | None = None,
    hit_gate: float | None = None,
) -> int:
    """Write entries in the table format; returns the number of rows written.

    ``method`` (one of :data:`METHODS`), ``docs``, ``precision`` and ``hit_gate`` go into the header
    (see the module docstring); None leaves a field out.
    """
    if method is not None and method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    rows = sorted(entries, key=lambda e: (e.spun.lower(), -e.p_restore, e.original))
    extra = "" if spin_gate is None else f"\tspin_gate={spin_gate:.4f}"
    extra += "" if threshold is None else f"\tthreshold={threshold:g}"
    extra += "" if hit_gate is None else f"\thit_gate={hit_gate:g}"
    extra += "" if method is None else f"\tmethod={method}"
    extra += "" if docs is None else f"\tdocs={docs}"
    extra += "" if precision is None else f"\tprecision={precision:.3f}"
    with Path(path).open("w", encoding="utf-8", newline="\n") as f:
        f.write(f"{FORMAT_NAME}\t{FORMAT_VERSION}\tname={name}{extra}\n")
        for comment in comments:
            for line in comment.splitlines():
                f.write(f"# {line}\n")
        f.write("\t".join(COLUMNS) + "\n")
        for e in rows:
            f.write(e.row() + "\n")
    return len(rows)
