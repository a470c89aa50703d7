"""Exception types, each with a message that says what to do."""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "UnspinError",
    "TableFormatError",
    "ModelFormatError",
    "MissingDataError",
    "CorpusFormatError",
    "InputNotFoundError",
    "RecordError",
    "OptionError",
    "InputReadError",
    "InputDecodeError",
    "AdaptError",
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


class OptionError(UnspinError, ValueError):
    """An argument has a value it cannot take. The message names the parameters as Python
    does (``min_count``); :meth:`naming` names them otherwise (the CLI: ``--min-count``).

    >>> e = OptionError("{0} must be at least 1, not {value}", "min_count", value=0)
    >>> str(e), e.naming(lambda name: "--" + name.replace("_", "-"))
    ('min_count must be at least 1, not 0', '--min-count must be at least 1, not 0')
    """

    def __init__(self, template: str, *names: str, **values: object) -> None:
        self.template, self.names, self.values = template, names, values
        super().__init__(self.naming(str))

    def naming(self, name: Callable[[str], str]) -> str:
        """The message with each parameter called ``name(parameter)``."""
        return self.template.format(*map(name, self.names), **self.values)


class InputReadError(UnspinError, OSError):
    """An input file (or standard input) could not be opened or read (the message names it)."""


class InputDecodeError(UnspinError, ValueError):
    """An input is not valid in the encoding it is read in (names the input and the byte)."""

    def __init__(self, name: str, encoding: str, start: int, reason: str) -> None:
        self.name, self.encoding, self.start, self.reason = name, encoding, start, reason
        #: What is wrong, without what to do about it.
        self.where = f"{name}: not valid {encoding} (byte {start}: {reason})"
        super().__init__(
            f"{self.where}; pass the file's real encoding, or errors='replace' to read "
            f"such bytes as U+FFFD"
        )


class AdaptError(UnspinError, ValueError):
    """A language model could not be adapted to a pile (e.g. the pile has no clean text)."""
