"""Command-line interface: flags become options and library calls; messages and exit codes
live here, the work does not. Flags become a RestoreOptions in :func:`make_options`;
``restore`` calls :mod:`unspin.pipelines.files` (with ``--pile``,
:mod:`unspin.learn.twin_restore`); ``explain`` and ``score`` are in
:mod:`unspin.cli_inspect`; ``learn``, ``train-judge``, ``match`` and ``train-lm`` in
:mod:`unspin.cli_learn`."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .errors import InputDecodeError, OptionError, UnspinError
from .options import RestoreOptions

if TYPE_CHECKING:
    from .pipelines.files import AtomicOutput

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
        "--fast",
        help="Skip the contextual judge: the n-gram-only path, about 20x faster, for bulk "
        "triage (much weaker on spinners the table does not know).",
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
    """The one place where flags become restore options."""
    return RestoreOptions(
        tables=tuple(table or ()),
        lm=lm,
        use_lm=not no_lm,
        thesaurus=not no_thesaurus,
        thorough=False if table_only else None,
        margin=margin,
        min_spin=min_spin,
        fast=fast,
    )


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"unspin: {message}", err=True)
    return typer.Exit(code)


_ARGUMENTS = {"paths": "PATHS"}  # parameters that are arguments here, not --flags


def _flag(parameter: str) -> str:
    """What a library parameter is called on the command line."""
    return _ARGUMENTS.get(parameter, "--" + parameter.replace("_", "-"))


def _guarded(command: Callable[..., None]) -> Callable[..., None]:
    """Run a command inside :func:`_errors`."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        with _errors():
            command(*args, **kwargs)

    return run


def _debug() -> bool:
    return bool(os.environ.get("UNSPIN_DEBUG"))


@contextmanager
def _errors() -> Iterator[None]:
    """Turn every failure into one ``unspin: ...`` line and exit code 1, 2 for a bad option
    value (never a traceback; ``UNSPIN_DEBUG=1`` shows it)."""
    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except OptionError as exc:
        raise _fail(exc.naming(_flag), 2) from None
    except InputDecodeError as exc:
        raise _fail(
            f"{exc.where}; pass --encoding with the file's real encoding, or --errors replace"
        ) from None
    except UnspinError as exc:
        raise _fail(str(exc)) from None
    except BrokenPipeError:
        try:  # the reader went away (``| head``): stop quietly
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            os.dup2(sys.stdout.fileno(), 1)
        except OSError:
            pass
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise _fail("interrupted", 130) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise _fail(f"{where}{exc.strerror or exc}") from None
    except MemoryError:
        raise _fail("out of memory") from None
    except Exception as exc:
        if _debug():
            raise
        raise _fail(
            f"unexpected {type(exc).__name__}: {exc} (run with UNSPIN_DEBUG=1 for details "
            f"and please report it)"
        ) from None


def _version(value: bool) -> None:
    if value:
        from .restore.api import signature

        typer.echo(signature())
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print package, table and model versions.",
        ),
    ] = None,
) -> None:
    """unspin restores spun articles; see each command's --help."""


@app.command()
def restore(
    files: Annotated[
        list[str] | None, typer.Argument(help="Files to restore; none or '-' reads stdin.")
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-o", help="Write each restored file here, same name."),
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", "-i", help="Rewrite files in place, keeping a backup.")
    ] = False,
    backup_suffix: Annotated[
        str, typer.Option("--backup-suffix", help="Suffix of the backup --in-place keeps.")
    ] = ".orig",
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl", help="Input is JSON lines: restore --field of each record, line by line."
        ),
    ] = False,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="Field restored with --jsonl (repeatable; default: text)."),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="With --jsonl: stop at the first malformed line (exit 1) instead of passing "
            "it through.",
        ),
    ] = False,
    annotate: Annotated[
        bool,
        typer.Option(
            "--annotate",
            help='With --jsonl: add {"unspin": {"spin": {field: score}, "edits": {field: n}, '
            '"signature": ...}} to each restored record.',
        ),
    ] = False,
    table: TableOpt = None,
    lm: LmOpt = None,
    no_lm: NoLmOpt = False,
    no_thesaurus: NoThesOpt = False,
    table_only: TableOnlyOpt = False,
    margin: MarginOpt = 0.0,
    min_spin: MinSpinOpt = 0.5,
    fast: FastOpt = False,
    encoding: EncodingOpt = "utf-8",
    errors: DecodeErrorsOpt = "strict",
    quiet: QuietOpt = False,
    pile: Annotated[
        list[Path] | None,
        typer.Option(
            "--pile",
            help="A pile of scraped articles (folder of .txt, .jsonl(.gz); repeatable): "
            "restore each input from its original there (see `unspin match`), the rest "
            "with a table learned from the pile's pairs; clean inputs come back unchanged.",
        ),
    ] = None,
    pile_field: Annotated[
        str, typer.Option("--pile-field", help="Text field of the pile's .jsonl records.")
    ] = "text",
    pile_id_field: Annotated[
        str, typer.Option("--pile-id-field", help="Id field of the pile's .jsonl records.")
    ] = "id",
) -> None:
    """Restore spun text: files (or stdin) to stdout, to --output-dir, or --in-place.

    Input of any size is read and written in bounded memory. Plain text longer than
    about 1 MB (1,000,000 characters) is restored in chunks cut at paragraph breaks (else
    line breaks, sentence ends, spaces); each chunk's spin is judged on its own. Text
    shorter than that is one chunk, restored exactly as in one piece.

    With --jsonl every input line comes out, in order, as soon as it is done: a record
    is restored as `unspin restore` restores its field's text alone; a malformed line
    (not valid JSON, not an object, a field missing or not a string) is passed through
    unchanged and named on stderr.

    On a terminal a progress bar on stderr counts MB (input over 1 MB) or records
    (--jsonl); --quiet turns it off.

    With --pile, each input (a plain file is read whole) is first looked up in the
    pile: a spun copy whose original is there takes the original's words in every
    aligned sentence (its own header and footer lines are kept); what the original does
    not cover, and inputs without one, are restored with a table learned from the pile.
    Bad pile entries are named on stderr and skipped.

    Exit codes: 0 done; 1 error (bad file, table, model or encoding; with --strict, the
    first malformed line: every line before it has been written); 2 usage error; 3 with
    --jsonl, malformed lines were passed through unchanged (all the others restored), or
    with --pile, bad pile entries were skipped.
    """
    from .pipelines.files import AtomicOutput, codec_errors, restore_file

    options = make_options(table, lm, no_lm, no_thesaurus, table_only, margin, min_spin, fast)
    paths = files or ["-"]
    if len(paths) > 1 and not (output_dir or in_place):
        raise _fail("several files need --output-dir DIR or --in-place", 2)
    if in_place and "-" in paths:
        raise _fail("--in-place cannot rewrite standard input", 2)
    if (strict or annotate) and not jsonl:
        raise _fail("--strict and --annotate go with --jsonl", 2)
    if pile and annotate:
        raise _fail("--annotate does not go with --pile", 2)
    passed = 0
    restorer = None
    with _errors():
        codec_errors(encoding, errors)
        _check_files(options)
        if pile:
            restorer = _pile_restorer(pile, options, pile_field, pile_id_field, quiet)
        if output_dir:
            output_dir.mkdir(parents=True, exist_ok=True)
        for path in _progress(paths, quiet):
            if in_place:
                target: Path | None = Path(path)
            elif output_dir and path != "-":
                target = output_dir / Path(path).name
            else:
                target = None
            with AtomicOutput(target) as out:
                if jsonl:
                    passed += _restore_jsonl(
                        path,
                        out,
                        field or ["text"],
                        options,
                        strict,
                        annotate,
                        encoding,
                        quiet,
                        restorer,
                    )
                elif restorer is not None:
                    from .pipelines.pile import restore_pile_file

                    restore_pile_file(path, out, restorer, encoding=encoding, errors=errors)
                else:
                    restore_file(
                        path, out, options, encoding=encoding, errors=errors, progress=not quiet
                    )
                out.commit(Path(path + backup_suffix) if in_place else None)
    if passed:
        raise _fail(
            f"{passed} malformed line{'s' if passed > 1 else ''} passed through unchanged "
            f"(see above)",
            EXIT_PASSED_THROUGH,
        )
    if restorer is not None:
        restorer.close()
        if restorer.pile.skipped:
            n = len(restorer.pile.skipped)
            raise _fail(f"{n} bad pile entr{'ies' if n > 1 else 'y'} skipped (see above)", 3)


def _pile_restorer(  # type: ignore[no-untyped-def]
    pile: list[Path], options: RestoreOptions, field: str, id_field: str, quiet: bool
):
    """Index ``pile`` and learn its table (:class:`unspin.learn.twin_restore.PileRestorer`),
    naming bad entries on stderr."""
    from .learn.twin_restore import PileRestorer

    def named(message: str) -> None:
        typer.echo(f"unspin: {message}; skipped", err=True)

    return PileRestorer(
        pile, options, field=field, id_field=id_field, progress=not quiet, problem=named
    )


def _check_files(options: RestoreOptions) -> None:
    """Tables and model named on the command line must be files (a folder is an error)."""
    for path in (*options.tables, *([options.lm] if options.lm else [])):
        if Path(path).is_dir():
            raise _fail(f"{path} is a folder; give a table or model file")


def _restore_jsonl(
    path: str,
    out: AtomicOutput,
    fields: list[str],
    options: RestoreOptions,
    strict: bool,
    annotate: bool,
    encoding: str,
    quiet: bool,
    restorer: Any = None,
) -> int:
    """Restore one JSONL input, naming malformed lines on stderr; the number passed through.
    With a pile's ``restorer``, each record is restored with the pile."""
    from .pipelines.files import input_name, restore_jsonl_file

    passed = 0
    if restorer is not None:
        from .pipelines.pile import restore_pile_jsonl_file

        lines = restore_pile_jsonl_file(
            path, fields, restorer, encoding=encoding, progress=not quiet
        )
    else:
        lines = restore_jsonl_file(
            path, fields, options, annotate=annotate, encoding=encoding, progress=not quiet
        )
    for result in lines:
        if result.problem is not None:
            where = f"{input_name(path)}, line {result.lineno}: {result.problem}"
            if strict:
                raise _fail(f"{where} (--strict: stopped here)")
            typer.echo(f"unspin: {where}; passed through unchanged", err=True)
            passed += 1
        out.write(result.data)
    return passed


def _progress(paths: list[str], quiet: bool = False):  # type: ignore[no-untyped-def]
    if len(paths) < 2 or quiet:
        return paths
    from tqdm import tqdm

    return tqdm(paths, desc="restoring", unit="file", file=sys.stderr, disable=None)


# The inspecting and learning commands live in modules of their own; importing them
# registers them (in this order, after restore).
from . import cli_inspect, cli_learn  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    # run as ``python -m unspin.cli``: the learning commands registered on the imported
    # module's app (unspin.cli_learn imports it), not on this copy's
    from unspin.cli import main as imported_main

    imported_main()
