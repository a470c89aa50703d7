"""The command line's shared parts, below the modules that define commands (:mod:`unspin.cli`,
:mod:`unspin.cli_inspect`, :mod:`unspin.cli_learn`): the typer app they register on, the
flags several commands take, the one place where flags become a RestoreOptions
(:func:`make_options`), and how failures become one ``unspin: ...`` line and an exit code
(:func:`reported_errors`)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import InputDecodeError, OptionError, UnspinError
from .options import FAST_NOTICE, RestoreOptions

app = typer.Typer(
    help="Restore spun text: undo article spinners' synonym swaps and tortured phrases.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

TableOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--table", "-t", help="Mapping table to use instead of the bundled one (repeatable)."
    ),
]
LmOpt = Annotated[
    Path | None, typer.Option("--lm", help="Language model (ARPA) instead of the bundled one.")
]
NoLmOpt = Annotated[
    bool, typer.Option("--no-lm", help="Decide with word frequencies only (faster, weaker).")
]
NoThesOpt = Annotated[bool, typer.Option("--no-thesaurus", help="Propose no thesaurus synonyms.")]
MarginOpt = Annotated[
    float,
    typer.Option("--margin", help="Extra log10 evidence every change needs (positive: safer)."),
]
MinSpinOpt = Annotated[
    float,
    typer.Option(
        "--min-spin",
        min=0.0,
        max=1.0,
        help="Leave documents whose spin estimate (see `unspin score`) is below this "
        "unchanged, and those whose edits are too few to bear it out; 0 restores every "
        "document.",
    ),
]
TableOnlyOpt = Annotated[
    bool, typer.Option("--table-only", help="Only restore what the table knows (fastest).")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of input and output.")]
DecodeErrorsOpt = Annotated[
    str,
    typer.Option(
        "--errors",
        help="Bytes that are not valid in --encoding: 'strict' stops with an error, 'replace' "
        "reads them as U+FFFD, 'keep' passes them through unchanged (plain text only).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
FastOpt = Annotated[
    bool,
    typer.Option(
        "--fast", help="Does nothing (the fast path is the only one); kept for old scripts."
    ),
]
RefsOpt = Annotated[
    str | None,
    typer.Option(
        "--refs",
        metavar="INDEX",
        help="A reference index (its file, or a postgresql:// URL; see `unspin index`): "
        "restore each input from its original there, the rest with a table learned from "
        "the inputs linked to it (or --table from `unspin learn --refs`) beside the "
        "bundled one; clean inputs come back unchanged.",
    ),
]

DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        metavar="local|tcp://HOST:PORT",
        help="Run on Dask (the `distributed` extra): 'local' starts a cluster of two worker "
        "processes here, an address uses that cluster; every worker shares the one index. "
        "Sources are files and folders (.jsonl(.gz) files read as JSON lines).",
    ),
]
IndexOpt = Annotated[
    str,
    typer.Option(
        "--index",
        help="The reference index: a file path (SQLite) or a postgresql:// URL.",
        metavar="PATH|URL",
    ),
]
MatchRefsOpt = Annotated[
    str | None,
    typer.Option(
        "--refs",
        help="A reference index of clean originals (`unspin index add`): a file path or a "
        "postgresql:// URL. Each input is looked up there instead of in the pile.",
        metavar="PATH|URL",
    ),
]

#: Exit code of ``restore --jsonl`` when malformed lines were passed through unchanged.
EXIT_PASSED_THROUGH = 3


def make_options(
    table: list[Path] | None,
    lm: Path | None,
    no_lm: bool,
    no_thesaurus: bool,
    table_only: bool = False,
    margin: float = 0.0,
    min_spin: float = 0.5,
    fast: bool = False,
) -> RestoreOptions:
    """The one place where flags become restore options (``--fast`` only says it does
    nothing)."""
    if fast:
        typer.echo(f"unspin: --fast {FAST_NOTICE}", err=True)
    return RestoreOptions(
        tables=tuple(table or ()),
        lm=lm,
        use_lm=not no_lm,
        thesaurus=not no_thesaurus,
        thorough=False if table_only else None,
        margin=margin,
        min_spin=min_spin,
    )


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"unspin: {message}", err=True)
    return typer.Exit(code)


_ARGUMENTS = {"paths": "PATHS"}  # parameters that are arguments here, not --flags


def _flag(parameter: str) -> str:
    """What a library parameter is called on the command line."""
    return _ARGUMENTS.get(parameter, "--" + parameter.replace("_", "-"))


def guarded(command: Callable[..., None]) -> Callable[..., None]:
    """Run a command inside :func:`reported_errors`."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        with reported_errors():
            command(*args, **kwargs)

    return run


def _debug() -> bool:
    return bool(os.environ.get("UNSPIN_DEBUG"))


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn every failure into one ``unspin: ...`` line and exit code 1, 2 for a bad option
    value (never a traceback; ``UNSPIN_DEBUG=1`` shows it)."""
    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except OptionError as exc:
        raise fail(exc.naming(_flag), 2) from None
    except InputDecodeError as exc:
        raise fail(
            f"{exc.where}; pass --encoding with the file's real encoding, or --errors replace"
        ) from None
    except UnspinError as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        try:  # the reader went away (``| head``): stop quietly
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            os.dup2(sys.stdout.fileno(), 1)
        except OSError:
            pass
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise fail(f"{where}{exc.strerror or exc}") from None
    except MemoryError:
        raise fail("out of memory") from None
    except Exception as exc:
        if _debug():
            raise
        raise fail(
            f"unexpected {type(exc).__name__}: {exc} (run with UNSPIN_DEBUG=1 for details "
            f"and please report it)"
        ) from None


def check_files(options: RestoreOptions) -> None:
    """Tables and model named on the command line must be files (a folder is an error)."""
    for path in (*options.tables, *([options.lm] if options.lm else [])):
        if Path(path).is_dir():
            raise fail(f"{path} is a folder; give a table or model file")


def file_progress(paths: list[str], quiet: bool = False, desc: str = "restoring"):  # type: ignore[no-untyped-def]
    """``paths`` with a progress bar on stderr (on a terminal, two files or more)."""
    if len(paths) < 2 or quiet:
        return paths
    from tqdm import tqdm

    return tqdm(paths, desc=desc, unit="file", file=sys.stderr, disable=None)
