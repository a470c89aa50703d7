"""The commands that inspect rather than restore: ``explain`` (each edit as a JSON line,
or with ``--html`` the review page, :mod:`unspin.report`) and ``score`` (the spin
estimate, :mod:`unspin.pipelines.files`). They register on
:data:`unspin.cli_options.app`; :mod:`unspin.cli` imports this module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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
    make_options,
    reported_errors,
)
from .options import RestoreOptions


@app.command()
def explain(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="File to explain (several with --html); none or '-' reads stdin."),
    ] = None,
    html: Annotated[
        bool,
        typer.Option(
            "--html",
            help="Write one self-contained review page of all FILES instead: each edit "
            "inline, words that look spun but were left alone, spin estimates.",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="With --html: the page to write (else stdout)."),
    ] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="With --html: input is JSON lines; review --field.")
    ] = False,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="Field reviewed with --jsonl (repeatable; default: text)."),
    ] = None,
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
    refs: RefsOpt = None,
) -> None:
    """Print each edit restore would make, as JSON lines (offsets are character offsets).

    With --refs INDEX, as `restore --refs` restores: each edit line carries the
    "reference" its document was restored from (null: none), and the review page says
    "restored from reference ID" for each such document.

    Input longer than about 1 MB is explained chunk by chunk as `restore` restores it;
    offsets stay those of the whole input.

    With --html, one HTML page of all FILES goes to -o FILE (or stdout): open it in a
    browser to check the edits by eye. It is self-contained (works offline). With --jsonl,
    a malformed line is skipped and named on stderr.

    Exit codes: 0 done; 1 error (a file missing or unreadable: no page is written); 2 usage
    error; 3 with --html --jsonl, malformed lines were skipped (the page has the others).
    """
    from .pipelines.files import explain_file

    options = make_options(table, lm, no_lm, no_thesaurus, table_only, margin, min_spin, fast)
    paths = files or ["-"]
    if not html and (output or jsonl or field or len(paths) > 1):
        raise fail("several files, --output, --jsonl and --field go with --html", 2)
    with reported_errors():
        check_files(options)
        if refs:
            from .cli_refs import explain_refs

            skipped = explain_refs(
                paths,
                refs,
                options,
                html=html,
                output=output,
                jsonl=jsonl,
                fields=field or ["text"],
                encoding=encoding,
                errors=errors,
                quiet=quiet,
            )
            if skipped:
                raise fail(
                    f"{skipped} malformed line{'s' * (skipped > 1)} skipped (see above)",
                    EXIT_PASSED_THROUGH,
                )
            return
        if html:
            skipped = _explain_html(
                paths, output, jsonl, field or ["text"], options, encoding, errors
            )
            if skipped:
                raise fail(
                    f"{skipped} malformed line{'s' * (skipped > 1)} skipped (see above)",
                    EXIT_PASSED_THROUGH,
                )
            return
        for e in explain_file(
            paths[0], options, encoding=encoding, errors=errors, progress=not quiet
        ):
            typer.echo(json.dumps(e._asdict(), ensure_ascii=False))


def _explain_html(
    paths: list[str],
    output: Path | None,
    jsonl: bool,
    fields: list[str],
    options: RestoreOptions,
    encoding: str,
    errors: str,
) -> int:
    """Write the review page of ``paths``; the number of malformed JSONL lines skipped."""
    from .pipelines.files import AtomicOutput, codec_errors
    from .report import review_files, review_jsonl, to_html

    codec_errors(encoding, errors)
    skipped: list[str] = []

    def skip(where: str, why: str) -> None:
        typer.echo(f"unspin: {where}: {why}; skipped", err=True)
        skipped.append(where)

    if jsonl:
        docs = review_jsonl(paths, fields, options, encoding=encoding, on_problem=skip)
    else:
        docs = review_files(paths, options, encoding=encoding, errors=errors)
    page = to_html(docs, options=options)
    with AtomicOutput(output) as out:
        out.write(page.encode("utf-8", "replace"))
        out.commit()
    return len(skipped)


@app.command()
def score(
    files: Annotated[
        list[str] | None, typer.Argument(help="Files to score; none or '-' reads stdin.")
    ] = None,
    table: TableOpt = None,
    lm: LmOpt = None,
    no_lm: NoLmOpt = False,
    spans: Annotated[
        bool,
        typer.Option(
            "--spans",
            help="After each file's line, the words that look spun as JSON lines "
            "(offsets, word, the likely original, strength).",
        ),
    ] = False,
    fast: FastOpt = False,
    encoding: EncodingOpt = "utf-8",
    errors: DecodeErrorsOpt = "strict",
) -> None:
    """Print each file's spin estimate (0 = clean, 1 = heavily spun; 0.5 and up looks
    spun) as TSV; with --spans, the words that look spun after it.

    Input longer than about 1 MB is scored chunk by chunk (see `restore --help`): the
    estimate is the chunks' mean, weighted by their length.
    """
    from .pipelines.files import score_file

    options = make_options(table, lm, no_lm, True, fast=fast)
    with reported_errors():
        check_files(options)
        for path in files or ["-"]:
            estimate, flagged = score_file(
                path, options, spans=spans, encoding=encoding, errors=errors
            )
            typer.echo(f"{path}\t{estimate:.3f}")
            for span in flagged:
                typer.echo(json.dumps({"file": path, **span}, ensure_ascii=False))
