"""The commands that learn from a pile: ``learn`` (:mod:`unspin.learn.table_file`),
``match`` (:mod:`unspin.twins.match`) and ``train-lm``
(:mod:`unspin.models.lm_train`). They register on :data:`unspin.cli_options.app`;
:mod:`unspin.cli` imports this module."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated

import typer

from .cli_options import DaskOpt, MatchRefsOpt, RefsOpt, app, fail, guarded
from .errors import UnspinError

LmOutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--lm-output",
        help="Also train a language model of the pile's clean text (ARPA, .gz ok), mixed "
        "with the bundled model when loaded; use it with --lm.",
    ),
]
LmWeightOpt = Annotated[
    float | None,
    typer.Option(
        "--lm-weight",
        help="Mixture weight of the adapted model (0..1, exclusive); default: the best of "
        "0.1-0.5 on held-out clean text of the pile.",
    ),
]


@app.command()
@guarded
def learn(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Articles: .txt files, folders, .jsonl(.gz) files.")
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Table file to write.")] = Path(
        "table.tsv"
    ),
    field: Annotated[str, typer.Option("--field", help="Text field of .jsonl records.")] = "text",
    pairs: Annotated[
        list[Path] | None,
        typer.Option("--pairs", help='JSONL of {"spun": ..., "clean": ...} pairs (repeatable).'),
    ] = None,
    phrases: Annotated[
        list[Path] | None,
        typer.Option("--phrases", help="CSV/TSV phrase list, spun then original (repeatable)."),
    ] = None,
    merge: Annotated[
        bool, typer.Option("--merge", help="PATHS are tables: merge them into --output.")
    ] = False,
    min_count: Annotated[
        int, typer.Option("--min-count", help="Keep pairs seen at least this often.")
    ] = 2,
    pile_min_count: Annotated[
        int | None,
        typer.Option(
            "--pile-min-count",
            help="Keep pairs found in PATHS seen at least this often (default: --min-count); "
            "1 for a few known spun/clean copies, where every swap is real.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Table name stored in its header.")
    ] = None,
    comment: Annotated[
        list[str] | None,
        typer.Option(
            "--comment", help="Header comment line, e.g. licence or attribution (repeatable)."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
    ] = False,
    lm_output: LmOutputOpt = None,
    lm_weight: LmWeightOpt = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="How the table was learned, for its header (aligned, reference-free, "
            "mixed, bundled); default: what was learned from.",
        ),
    ] = None,
    reference_free: Annotated[
        str,
        typer.Option(
            "--reference-free",
            help="Also learn from the pile's own statistics, without clean copies: auto "
            "(when under a quarter of the pile is paired), on or off.",
        ),
    ] = "auto",
    refs: RefsOpt = None,
) -> None:
    """Learn a spun->original mapping table from a pile of scraped articles.

    With --refs INDEX, learn it from the PATHS linked to their originals in the index
    (the index supplies the originals): use the table with `restore --refs INDEX --table
    TABLE`, or alone with `restore --table TABLE`. Exit 3: bad inputs were skipped.
    """
    from .learn.table_file import check_learn_options, learn_table, merge_tables

    if refs:
        if merge or pairs or phrases or lm_output:
            raise fail("--refs learns from PATHS alone (not --merge, --pairs, --phrases)", 2)
        from .cli_refs import learn_refs

        bad = learn_refs(
            paths or [], refs, output, field=field, name=name, comments=comment or [], quiet=quiet
        )
        if bad:
            raise fail(f"{bad} bad input{'s' * (bad > 1)} skipped (see above)", 3)
        return

    if merge and lm_output:
        raise fail("--lm-output needs a pile or pairs, not --merge", 2)
    check_learn_options(
        min_count=min_count,
        pile_min_count=pile_min_count,
        method=method,
        reference_free=reference_free,
        lm_weight=lm_weight,
    )
    report = None if quiet else functools.partial(typer.echo, err=True)
    if merge:
        merge_tables(
            paths or [], output, name=name, comments=comment or [], method=method, report=report
        )
        return
    learn_table(
        paths or [],
        output,
        field=field,
        pairs=pairs or [],
        phrases=phrases or [],
        min_count=min_count,
        pile_min_count=pile_min_count,
        name=name,
        comments=comment or [],
        method=method,
        reference_free=reference_free,
        lm_output=lm_output,
        lm_weight=lm_weight,
        progress=not quiet,
        report=report,
    )


@app.command("match")
@guarded
def match_command(
    pile: Annotated[
        list[Path],
        typer.Argument(
            help="The pile: .txt files, folders, .jsonl(.gz) files; with --refs, the inputs "
            "to link ('-': standard input).",
            metavar="PILE|INPUT",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the links here (JSON lines; default stdout)."),
    ] = None,
    field: Annotated[str, typer.Option("--field", help="Text field of .jsonl records.")] = "text",
    id_field: Annotated[
        str, typer.Option("--id-field", help="Id field of .jsonl records (else file:line).")
    ] = "id",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
    ] = False,
    refs: MatchRefsOpt = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="With --refs: every input given is JSON lines.")
    ] = False,
    no_lm: Annotated[
        bool,
        typer.Option("--no-lm", help="With --refs: verify links without the language model."),
    ] = False,
    dask: DaskOpt = None,
) -> None:
    """Link each spun copy in a pile to its original, one JSON object a line:
    {"spun", "original", "shared", "spun_words", "margin"}, sorted by spun copy.

    "shared" is the share of the copy's words in sentences aligned to the original,
    "spun_words" how many of those differ from the original's. A copy of part of an
    original is linked; two clean versions of one story are not.

    When several originals in the pile hold the same text (identical, cut, or a word
    apart), the copy links to the one sharing most of its words and, among equals, to
    the first in the pile (the earliest collected). A link whose side (which one is the
    copy) is weakly supported or contested is dropped when the original carries more of
    the spinner's forms (the swaps the pile's clear pairs made) than the copy: the
    document is then left unlinked rather than risk restoring an original from its copy.

    With --refs PATH|URL, each INPUT (a file, a folder read recursively, '-', JSON lines
    with --jsonl or by name) is looked up in that reference index (`unspin index add`)
    instead: one line a linked input, {"spun": input path or id, "original": reference id,
    "coverage", "similarity"} ("coverage": the share of the input the reference's aligned
    sentences cover; "similarity": the share of those words that are the reference's).
    Inputs that are references, or clean versions of one, and inputs without a twin are
    only counted in the summary on stderr. The index is only read. --dask links them on
    a Dask cluster, every worker reading the one index.

    Exit codes: 0 done; 1 error; 2 usage error; 3 done, but bad pile entries or inputs
    (named on stderr) were skipped.
    """
    if refs is not None:
        from .cli_index import match_refs

        match_refs(
            refs,
            [str(p) for p in pile],
            str(output) if output else None,
            jsonl=jsonl,
            field=field,
            id_field=id_field,
            quiet=quiet,
            use_lm=not no_lm,
            dask=dask,
        )
        return
    if jsonl or no_lm or dask:
        raise fail(
            "--jsonl, --no-lm and --dask go with --refs (a pile on Dask: "
            "python -m unspin.twins.match_distributed)",
            2,
        )
    from .pipelines.files import AtomicOutput
    from .twins.match import match_pile

    def named(message: str) -> None:
        typer.echo(f"unspin: {message}; skipped", err=True)

    result = match_pile(pile, field=field, id_field=id_field, progress=not quiet, problem=named)
    with AtomicOutput(output) as out:
        text = "".join(json.dumps(k.as_json(), ensure_ascii=False) + "\n" for k in result.links)
        out.write(text.encode("utf-8"))
        out.commit()
    if not quiet:
        typer.echo(result.format(), err=True)
    if result.skipped:
        n = len(result.skipped)
        raise fail(f"{n} bad pile entr{'ies' if n > 1 else 'y'} skipped (see above)", 3)


@app.command("train-lm")
@guarded
def train_lm(
    paths: Annotated[
        list[Path], typer.Argument(help="Clean text: .txt files, folders, .jsonl(.gz).")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="ARPA file to write (.arpa or .arpa.gz).")
    ],
    order: Annotated[int, typer.Option("--order", help="n-gram order.")] = 3,
    field: Annotated[str, typer.Option("--field", help="Text field of .jsonl records.")] = "text",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Train a Kneser-Ney n-gram language model of clean text (use it with --lm)."""
    from .models.lm_train import iter_corpus_texts
    from .models.lm_train import train_lm as train

    try:
        summary = train(
            iter_corpus_texts(paths, field=field), output, order=order, progress=not quiet
        )
    except (UnspinError, ValueError) as exc:
        raise fail(str(exc)) from None
    if not quiet:
        typer.echo(str(summary), err=True)
