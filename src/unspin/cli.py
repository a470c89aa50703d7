"""Command-line interface: flags become options and library calls; messages and exit codes
live here, the work does not. Flags become a RestoreOptions in
:func:`unspin.cli_options.make_options`; ``restore`` calls :mod:`unspin.pipelines.files`
(with ``--pile``, :mod:`unspin.twins.pile_restore`); ``explain`` and ``score`` are in
:mod:`unspin.cli_inspect`; ``learn``, ``match`` and ``train-lm`` in
:mod:`unspin.cli_learn`; ``index`` (and ``match --refs``) in :mod:`unspin.cli_index`.
All of them register on :data:`unspin.cli_options.app`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .cli_options import (
    EXIT_PASSED_THROUGH,
    DecodeErrorsOpt,
    EncodingOpt,
    FastOpt,
    LmOpt,
    MarginOpt,
    MinSpinOpt,
    NoLmOpt,
    NoThesOpt,
    QuietOpt,
    RefsOpt,
    TableOnlyOpt,
    TableOpt,
    app,
    check_files,
    fail,
    file_progress,
    make_options,
    reported_errors,
)
from .options import RestoreOptions

if TYPE_CHECKING:
    from .pipelines.files import AtomicOutput

__all__ = ["EXIT_PASSED_THROUGH", "app", "main"]


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
    refs: RefsOpt = None,
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

    With --refs INDEX (a file, or a postgresql:// URL), every input is first looked up
    in the index: a spun copy of a reference takes the reference's words wherever it
    covers the copy; what it does not cover, and inputs without one, get a table learned
    from the run's linked inputs (or --table, one table from `unspin learn --refs`)
    beside the bundled one; an input in the index, or a clean version of one, comes back
    unchanged. Inputs are read twice (linked first), but for JSON lines on stdin: those
    are linked and restored one by one. With --annotate, each record names its reference.

    Exit codes: 0 done; 1 error (bad file, table, model, encoding or index; with --strict,
    the first malformed line: every line before it has been written); 2 usage error; 3
    with --jsonl, malformed lines were passed through unchanged (all the others restored),
    or with --pile, bad pile entries were skipped.
    """
    from .pipelines.files import AtomicOutput, codec_errors, restore_file

    options = make_options(table, lm, no_lm, no_thesaurus, table_only, margin, min_spin, fast)
    paths = files or ["-"]
    if len(paths) > 1 and not (output_dir or in_place):
        raise fail("several files need --output-dir DIR or --in-place", 2)
    if in_place and "-" in paths:
        raise fail("--in-place cannot rewrite standard input", 2)
    if (strict or annotate) and not jsonl:
        raise fail("--strict and --annotate go with --jsonl", 2)
    if pile and annotate:
        raise fail("--annotate does not go with --pile", 2)
    if pile and refs:
        raise fail("--pile and --refs exclude each other", 2)
    passed = 0
    restorer = None
    with reported_errors():
        codec_errors(encoding, errors)
        check_files(options)
        if refs:
            from .cli_refs import restore_refs

            passed = restore_refs(
                paths,
                refs,
                options,
                output_dir=output_dir,
                in_place=in_place,
                backup_suffix=backup_suffix,
                jsonl=jsonl,
                fields=field or ["text"],
                strict=strict,
                annotate=annotate,
                encoding=encoding,
                errors=errors,
                quiet=quiet,
            )
            paths = []  # restored, all of them
        if pile:
            restorer = _pile_restorer(pile, options, pile_field, pile_id_field, quiet)
        if output_dir:
            output_dir.mkdir(parents=True, exist_ok=True)
        for path in file_progress(paths, quiet):
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
        raise fail(
            f"{passed} malformed line{'s' if passed > 1 else ''} passed through unchanged "
            f"(see above)",
            EXIT_PASSED_THROUGH,
        )
    if restorer is not None:
        restorer.close()
        if restorer.pile.skipped:
            n = len(restorer.pile.skipped)
            raise fail(f"{n} bad pile entr{'ies' if n > 1 else 'y'} skipped (see above)", 3)


def _pile_restorer(  # type: ignore[no-untyped-def]
    pile: list[Path], options: RestoreOptions, field: str, id_field: str, quiet: bool
):
    """Index ``pile`` and learn its table (:class:`unspin.twins.pile_restore.PileRestorer`),
    naming bad entries on stderr."""
    from .twins.pile_restore import PileRestorer

    def named(message: str) -> None:
        typer.echo(f"unspin: {message}; skipped", err=True)

    return PileRestorer(
        pile, options, field=field, id_field=id_field, progress=not quiet, problem=named
    )


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
                raise fail(f"{where} (--strict: stopped here)")
            typer.echo(f"unspin: {where}; passed through unchanged", err=True)
            passed += 1
        out.write(result.data)
    return passed


# The inspecting and learning commands live in modules of their own; importing them
# registers them (in this order, after restore).
from . import cli_index, cli_inspect, cli_learn  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
