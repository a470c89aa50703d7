"""Exception types, each with a message that says what to do."""

from __future__ import annotations

__all__ = [
    "UnspinError",
    "TableFormatError",
    "ModelFormatError",
    "MissingDataError",
    "CorpusFormatError",
    "InputNotFoundError",
    "RecordError",
]


class UnspinError(Exception):
    """Base class of unspin's own errors."""


class TableFormatError(UnspinError, ValueError):
    """A mapping table file is malformed (the message names file and line)."""


class ModelFormatError(UnspinError, ValueError):
    """A language model or thesaurus file is malformed or of the wrong version."""


class MissingDataError(UnspinError, FileNotFoundError):
    """A data file unspin needs is not installed."""


class CorpusFormatError(UnspinError, ValueError):
    """An input document file (JSONL, pairs, phrase list) is malformed (names file and line)."""


class InputNotFoundError(UnspinError, FileNotFoundError):
    """An input file or folder given on the command line does not exist."""


class RecordError(UnspinError, ValueError):
    """A JSONL line or record is malformed or lacks a text field (names the line)."""
