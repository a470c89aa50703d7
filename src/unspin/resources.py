"""Locate the data files that ship with unspin."""

from __future__ import annotations

from pathlib import Path

from .errors import MissingDataError

__all__ = ["data_path"]

_PACKAGE_DATA = Path(__file__).parent / "data"
_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"


def data_path(name: str) -> Path:
    """Path of a bundled data file: in the installed wheel, else in the source checkout.

    >>> data_path("synonym_pairs.tsv").name
    'synonym_pairs.tsv'
    """
    for folder in (_PACKAGE_DATA, _CHECKOUT_DATA):
        candidate = folder / name
        if candidate.exists():
            return candidate
    raise MissingDataError(
        f"unspin's data file {name!r} is missing (looked in {_PACKAGE_DATA} and "
        f"{_CHECKOUT_DATA}); reinstall unspin, or rebuild it as the README says"
    )
