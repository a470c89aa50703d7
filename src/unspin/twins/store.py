"""The reference index's storage: one small protocol, two backends chosen by a URL.

A path means one SQLite file (stdlib, no server); ``postgresql://...`` a shared
PostgreSQL server (psycopg 3, the ``[postgres]`` extra). The engine above talks only to
:class:`ReferenceStore` and never knows which it has.

What is stored: each reference's exact text (compressed) under the id it was added with,
once per distinct text (a 128-bit BLAKE2b digest of the UTF-8 text decides), and for each
reference the fingerprint keys it was added with, as postings ``key -> reference number``.
Every write is one transaction: an interrupted ``add`` leaves every batch it committed and
nothing of the batch it was in.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "refs.unspin")
>>> from unspin.twins.backends import open_store
>>> with open_store(path, create=True, fingerprint="demo:1") as store:
...     store.add([("a.txt", "The court ruled.", [11, 12]), ("b.txt", "The court ruled.", [11])])
...     store.postings([11, 99], cap=10), store.stats()["documents"]
[1, None]
({11: [1]}, 1)
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..errors import UnspinError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ReferenceIndexError",
    "IndexFormatError",
    "IndexFingerprintError",
    "IndexNotFoundError",
    "IndexDriverError",
    "IndexConnectionError",
    "IndexPermissionError",
    "ReferenceStore",
    "Reference",
    "is_server_url",
    "redact",
]

#: The name every unspin index carries in its meta table.
FORMAT = "unspin-index"
#: The layout this unspin reads and writes; an index of another version is refused.
FORMAT_VERSION = 1

#: One reference to add: its id (a path or a record's id), its exact text, its keys.
Reference = tuple[str, str, Sequence[int]]


class ReferenceIndexError(UnspinError):
    """Base class of the reference index's errors (the message names the index)."""


class IndexFormatError(ReferenceIndexError, ValueError):
    """The file or database is not an unspin index, or one of another format version."""


class IndexFingerprintError(IndexFormatError):
    """The index was built with another fingerprint than the one it is used with."""


class IndexNotFoundError(ReferenceIndexError, FileNotFoundError):
    """No index at that location (and the caller did not ask to create one)."""


class IndexDriverError(ReferenceIndexError, ImportError):
    """The driver for a server URL is not installed (the message says what to install)."""


class IndexConnectionError(ReferenceIndexError, OSError):
    """The server of a ``postgresql://`` index could not be reached or refused us."""


class IndexPermissionError(ReferenceIndexError, PermissionError):
    """The index may not be written (or read) by this user: file mode or SQL grants."""


@runtime_checkable
class ReferenceStore(Protocol):
    """What the engine needs from a reference index, whichever backend holds it.

    Reference numbers are small positive integers the store assigns (never reused);
    postings lists are ascending in reference number.
    """

    #: Where the index is (a path, or a server URL without its password).
    location: str
    #: The fingerprint signature the keys of this index were made with (None: none yet).
    fingerprint: str | None

    def add(self, batch: Iterable[Reference]) -> list[int | None]:
        """Add a batch in one transaction; per item its new number, None if its text was
        already stored (by any id, or earlier in the batch)."""
        ...

    def remove(self, ref_id: str) -> int:
        """Remove every stored text added under ``ref_id`` (one transaction); how many."""
        ...

    def postings(self, keys: Iterable[int], cap: int) -> dict[int, list[int]]:
        """For each of ``keys`` held by any reference, its lowest ``cap + 1`` reference
        numbers, ascending: a list that long says the key is hot (skip it). Keys held by
        none are left out. ``cap`` must be below ``store_postings.HOT_LIMIT`` (1,024)."""
        ...

    def texts(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        """``{number: (ref_id, text)}`` for the numbers still stored."""
        ...

    def find_text(self, text: str) -> int | None:
        """The number of the reference with exactly this text, or None."""
        ...

    def contains_text(self, text: str) -> bool:
        """Whether exactly this text is stored."""
        ...

    def get_meta(self, name: str) -> str | None:
        """A string stored with the index (None if unset)."""
        ...

    def set_meta(self, name: str, value: str) -> None:
        """Store a string with the index (one transaction); format names are refused."""
        ...

    def stats(self) -> dict[str, object]:
        """One JSON-able dict: ``documents`` (distinct texts), ``last_number`` (the highest
        reference number), ``text_bytes`` (their UTF-8 size), ``postings_merged``,
        ``postings_pending``, ``pending_runs``, ``removed_unpurged``, ``disk_bytes``,
        ``format_version``, ``fingerprint``, ``hot_limit``, ``backend``."""
        ...

    def merge(self) -> bool:
        """Fold recently added postings into the compact layout now (``add`` does it by
        itself when enough are waiting); whether anything was merged."""
        ...

    def close(self) -> None:
        """Release the connection (the index stays as committed)."""
        ...

    def __enter__(self) -> ReferenceStore: ...

    def __exit__(self, *exc: object) -> None: ...


_SERVER = re.compile(r"^(postgres|postgresql)(\+\w+)?://", re.IGNORECASE)


def is_server_url(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` names a PostgreSQL server rather than a file.

    >>> is_server_url("postgresql://localhost/unspin"), is_server_url("refs.unspin")
    (True, False)
    """
    return isinstance(location, str) and bool(_SERVER.match(location))


def redact(url: str) -> str:
    """A server URL without its password, fit for a message.

    >>> redact("postgresql://ann:secret@db.example/refs")
    'postgresql://ann:***@db.example/refs'
    """
    url = re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)
    return re.sub(r"(password=)[^&\s]*", r"\1***", url)


def check_meta(location: str, meta: Mapping[str, str], fingerprint: str | None) -> str | None:
    """Check an index's meta table against this unspin; the index's fingerprint.

    >>> check_meta("x", {"format": FORMAT, "format_version": "0"}, None)
    Traceback (most recent call last):
    ...
    unspin.twins.store.IndexFormatError: x: index format 0, this unspin reads format 1: \
rebuild it with `unspin index add` into a new index
    """
    if meta.get("format") != FORMAT:
        raise not_an_index(location)
    found = meta.get("format_version")
    if found != str(FORMAT_VERSION):
        raise IndexFormatError(
            f"{location}: index format {found}, this unspin reads format {FORMAT_VERSION}: "
            f"rebuild it with `unspin index add` into a new index"
        )
    stored = meta.get("fingerprint")
    if fingerprint is not None and stored is not None and stored != fingerprint:
        raise fingerprint_mismatch(location, stored, fingerprint)
    return stored


def not_an_index(location: str, why: str = "") -> IndexFormatError:
    """The error for a file or database that is not an unspin index."""
    why = f" ({why})" if why else ""
    return IndexFormatError(
        f"{location}: not an unspin index{why}; give the index made by `unspin index add`, "
        f"or a new path to create one"
    )


def fingerprint_mismatch(location: str, stored: str, wanted: str) -> IndexFingerprintError:
    """The error for an index built with another fingerprint."""
    return IndexFingerprintError(
        f"{location}: built with fingerprint {stored}, this unspin computes {wanted}: "
        f"rebuild it with `unspin index add` into a new index (or use the unspin that built it)"
    )


def not_found(location: str) -> IndexNotFoundError:
    """The error for a location without an index."""
    return IndexNotFoundError(
        f"{location}: no index there; `unspin index add SOURCE --index {location}` creates one"
    )


#: Meta names the store writes itself; ``set_meta`` refuses them.
RESERVED_META = frozenset({"format", "format_version", "fingerprint", "created_by", "merge_claim"})


@dataclass(frozen=True)
class Prepared:
    """One reference of a batch, ready to store: what both backends write."""

    ref_id: str
    digest: bytes
    size: int
    body: bytes
    keys: Sequence[int]


def prepare(batch: Iterable[Reference]) -> list[Prepared]:
    """Digest and compress a batch (outside any transaction); checks the item shapes.

    A later copy of a text in the same batch gets an empty body: it is never stored.

    >>> [p.size for p in prepare([("a", "héllo", [1]), ("b", "héllo", [2])])]
    [6, 6]
    """
    out, seen = [], set()
    for item in batch:
        try:
            ref_id, text, keys = item
        except (TypeError, ValueError):
            raise ValueError(f"a batch item is (ref_id, text, keys), not {item!r:.80}") from None
        if not isinstance(ref_id, str) or not isinstance(text, str):
            raise TypeError(
                f"ref_id and text must be str, not {type(ref_id).__name__} and "
                f"{type(text).__name__} (decode bytes first)"
            )
        data = text.encode("utf-8", "surrogatepass")
        digest = hashlib.blake2b(data, digest_size=16).digest()
        body = b"" if digest in seen else zlib.compress(data, 6)
        seen.add(digest)
        out.append(Prepared(ref_id, digest, len(data), body, keys))
    return out


def text_digest(text: str) -> bytes:
    """The 128-bit digest that identifies a text in the index."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def unpack_text(body: bytes) -> str:
    """A stored body back to its exact text."""
    return zlib.decompress(body).decode("utf-8", "surrogatepass")
