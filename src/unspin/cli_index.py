"""The reference index on the command line: ``unspin index add|stats|remove`` and
``unspin match --refs`` (:func:`match_refs`, called by the ``match`` command of
:mod:`unspin.cli_learn`). Reading and adding are :mod:`unspin.pipelines.references`; the
index is :class:`unspin.twins.refindex.ReferenceIndex`. They register on
:data:`unspin.cli_options.app`; :mod:`unspin.cli` imports this module."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from .cli_options import DaskOpt, IndexOpt, app, fail, guarded

index_app = typer.Typer(
    help="Keep clean originals in a persistent reference index (SQLite file or PostgreSQL).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(index_app, name="index")

JsonlOpt = Annotated[
    bool,
    typer.Option(
        "--jsonl", help="Every file given, and standard input, is JSON lines (one text a line)."
    ),
]
FieldOpt = Annotated[str, typer.Option("--field", help="Text field of JSON lines.")]
IdFieldOpt = Annotated[
    str,
    typer.Option("--id-field", help="Id field of JSON lines (a line without one: FILE:LINE)."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary line.")]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of the inputs.")]


def _dask_sources(sources: list[str], jsonl: bool) -> None:
    """Refuse what the Dask path cannot read (standard input; --jsonl over other files)."""
    if "-" in sources:
        raise fail("--dask reads files and folders, not standard input", 2)
    if jsonl:
        raise fail("--dask reads .jsonl(.gz) files as JSON lines by their name; drop --jsonl", 2)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _named(message: str) -> None:
    typer.echo(f"unspin: {message}; skipped", err=True)


def default_workers() -> int:
    """Fingerprinting processes beside the writer: one on a machine of two cores or more."""
    return 1 if (os.cpu_count() or 1) >= 2 else 0


@index_app.command("add")
@guarded
def add(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Files (one reference each; .jsonl(.gz): JSON lines), folders (read "
            "recursively: .txt, .jsonl, .jsonl.gz), '-' for standard input.",
            metavar="SOURCE",
        ),
    ],
    index: IndexOpt,
    jsonl: JsonlOpt = False,
    field: FieldOpt = "text",
    id_field: IdFieldOpt = "id",
    encoding: EncodingOpt = "utf-8",
    keep_spun: Annotated[
        bool,
        typer.Option(
            "--keep-spun",
            help="Add references that look spun too (they are named on stderr either way).",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Processes that fingerprint while this one writes (0: none; default: 1 on "
            "two cores or more).",
        ),
    ] = None,
    quiet: QuietOpt = False,
    dask: DaskOpt = None,
) -> None:
    """Add clean references to an index (created if absent).

    A reference is identified by its text: the same text again, under any id, adds
    nothing. Its id is its path as given (files; '-' for standard input) or its --id-field
    (JSON lines; a line without one gets FILE:LINE). References are added 1,000 a
    transaction: an interrupted add keeps what it committed, and running it again adds the
    rest. A reference that looks spun (a figure partly written in words, "6.nine"; most
    sentences starting in lower case) is named on stderr and left out: indexing a spun copy
    as an original would restore copies to spin (--keep-spun adds it). Blank texts are
    left out.

    On a terminal a progress bar counts references; a summary line follows on stderr
    (--quiet: neither).

    Exit codes: 0 done; 1 error (a SOURCE missing, not an index, an index of another
    format or fingerprint: nothing added); 2 usage error; 3 done, but unreadable or
    undecodable references, malformed lines, or references that look spun were named on
    stderr and skipped (all the others added).
    """
    from .pipelines.files import TerminalProgress, codec_errors
    from .pipelines.references import add_references, check_sources, iter_references
    from .twins.refindex import ReferenceIndex

    codec_errors(encoding)
    check_sources(sources)
    problems = 0

    def named(message: str) -> None:
        nonlocal problems
        problems += 1
        _named(message)

    def spun(ref_id: str, why: str) -> None:
        action = "kept (--keep-spun)" if keep_spun else "skipped (--keep-spun adds it)"
        typer.echo(f"unspin: {ref_id}: looks spun, {why}; {action}", err=True)

    if dask is not None:
        _dask_sources(sources, jsonl)
        from .pipelines.dask_index import dask_client, index_bag

        flagged = 0

        def spun_seen(ref_id: str, why: str) -> None:
            nonlocal flagged
            flagged += 1
            spun(ref_id, why)

        with dask_client(dask) as client:
            done = index_bag(
                sources,
                index,
                field=field,
                id_field=id_field,
                scheduler=client,
                keep_spun=keep_spun,
                spun=spun_seen,
            )
        if not quiet:
            typer.echo(
                f"unspin: {done.added:,} added, {done.known:,} already in the index"
                + (f", {flagged:,} looked spun" if flagged else ""),
                err=True,
            )
        if flagged and not keep_spun:
            raise fail(f"{_count(flagged, 'reference')} skipped (see above)", 3)
        return
    references = iter_references(
        sources, jsonl=jsonl, field=field, id_field=id_field, encoding=encoding, problem=named
    )
    bar = TerminalProgress(None, " refs", quiet, desc="indexing")
    with ReferenceIndex(index, create=True) as refs:
        try:
            summary = add_references(
                refs,
                references,
                workers=default_workers() if workers is None else workers,
                keep_spun=keep_spun,
                spun=spun,
                progress=bar.update,
            )
        finally:
            bar.close()
    skipped = problems + summary.empty + (0 if keep_spun else summary.spun)
    if not quiet:
        parts = [f"{summary.added:,} added", f"{summary.known:,} already in the index"]
        if skipped:
            parts.append(f"{skipped:,} skipped")
        if summary.spun and keep_spun:
            parts.append(f"{summary.spun:,} kept though they look spun")
        typer.echo(
            f"unspin: {_count(summary.read + problems, 'reference')} read: " + ", ".join(parts),
            err=True,
        )
    if problems or (summary.spun and not keep_spun):
        raise fail(f"{_count(skipped - summary.empty, 'reference')} skipped (see above)", 3)


@index_app.command("stats")
@guarded
def stats(index: IndexOpt) -> None:
    """Print the index's figures as one JSON object: "documents" (distinct texts stored),
    "text_bytes" (their UTF-8 size), "disk_bytes", postings, format and fingerprint.

    Exit codes: 0 done; 1 error (no index there, not an index, another format)."""
    from .twins.backends import open_store

    with open_store(index, readonly=True) as store:
        typer.echo(json.dumps(store.stats(), sort_keys=True))


@index_app.command("remove")
@guarded
def remove(
    ids: Annotated[list[str], typer.Argument(help="Ids of references to remove.", metavar="ID")],
    index: IndexOpt,
    quiet: QuietOpt = False,
) -> None:
    """Remove references by id (every text added under each id), each id in one transaction.

    Exit codes: 0 done; 1 error; 2 usage error; 3 some ids were not in the index (named on
    stderr; the others were removed)."""
    from .twins.refindex import ReferenceIndex

    removed, missing = 0, []
    with ReferenceIndex(index) as refs:
        for ref_id in ids:
            found = refs.remove(ref_id)
            removed += found
            if not found:
                missing.append(ref_id)
                typer.echo(f"unspin: {ref_id}: no reference with this id", err=True)
    if not quiet:
        typer.echo(f"unspin: {_count(removed, 'reference')} removed", err=True)
    if missing:
        raise fail(f"{_count(len(missing), 'id')} not in the index (see above)", 3)


def match_refs(
    refs: str,
    inputs: list[str],
    output: str | None,
    *,
    jsonl: bool = False,
    field: str = "text",
    id_field: str = "id",
    quiet: bool = False,
    use_lm: bool = True,
    dask: str | None = None,
) -> None:
    """``unspin match --refs``: link each input to the reference it copies, one JSON line
    a linked input; the index is read only (``dask``: on a Dask cluster, see
    :data:`DaskOpt`)."""
    if dask is not None:
        _dask_sources(inputs, jsonl)
        from .pipelines.dask_index import dask_client, match_bag

        with dask_client(dask) as client:
            links = match_bag(
                inputs, refs, field=field, id_field=id_field, scheduler=client, output=output
            )
        if output is None:
            for record in links:
                typer.echo(json.dumps(record, ensure_ascii=False))
        if not quiet:
            typer.echo(f"unspin: {_count(len(links), 'input')} linked", err=True)
        return
    from pathlib import Path

    from .pipelines.files import AtomicOutput, TerminalProgress
    from .pipelines.references import check_sources, iter_references
    from .twins.refindex import ReferenceIndex

    check_sources(inputs)
    problems = 0

    def named(message: str) -> None:
        nonlocal problems
        problems += 1
        _named(message)

    lm = None
    if use_lm:
        from .models.lm import load_lm

        lm = load_lm()
    counts = {"spun": 0, "clean": 0, "none": 0}
    bar = TerminalProgress(None, " inputs", quiet, desc="matching")
    texts = iter_references(inputs, jsonl=jsonl, field=field, id_field=id_field, problem=named)
    with (
        ReferenceIndex(refs, readonly=True, lm=lm) as index,
        AtomicOutput(Path(output) if output else None) as out,
    ):
        try:
            for name, text in texts:
                found = index.lookup(text)
                line = found.link_record(name)
                counts["spun" if line else "clean" if found.link.clean else "none"] += 1
                if line is not None:
                    out.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
                bar.update()
        finally:
            bar.close()
        out.commit()
    if not quiet:
        typer.echo(
            f"unspin: {_count(sum(counts.values()), 'input')}: {counts['spun']:,} linked, "
            f"{counts['clean']:,} clean (a reference or a version of one), "
            f"{counts['none']:,} without a twin",
            err=True,
        )
    if problems:
        raise fail(f"{_count(problems, 'input')} skipped (see above)", 3)
