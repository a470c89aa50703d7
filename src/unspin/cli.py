"""Command-line interface. Flags become a RestoreOptions in one place; the work is the API's."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import UnspinError
from .options import RestoreOptions

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


def make_options(
    table: list[Path] | None,
    lm: Path | None,
    no_lm: bool,
    no_thesaurus: bool,
    table_only: bool = False,
    margin: float = 0.0,
    min_spin: float = 0.5,
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
    )


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"unspin: {message}", err=True)
    return typer.Exit(code)


def _read(path: str, encoding: str) -> str:
    """Read a file (or stdin for '-') losslessly: bytes in, decoded once, newlines kept."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise _fail(f"{path}: {exc.strerror or exc}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        name = "standard input" if path == "-" else path
        raise _fail(
            f"{name}: not valid {encoding} (byte {exc.start}: {exc.reason}); "
            f"pass --encoding with the file's real encoding"
        ) from None
    except LookupError:
        raise _fail(f"unknown encoding {encoding!r}", 2) from None


def _write(text: str, encoding: str, path: Path | None = None) -> None:
    data = text.encode(encoding, errors="surrogateescape")
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        path.write_bytes(data)


def _version(value: bool) -> None:
    if value:
        from .restore import signature

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
        bool, typer.Option("--jsonl", help="Input is JSON lines; restore one field of each record.")
    ] = False,
    field: Annotated[str, typer.Option("--field", help="Field restored with --jsonl.")] = "text",
    table: TableOpt = None,
    lm: LmOpt = None,
    no_lm: NoLmOpt = False,
    no_thesaurus: NoThesOpt = False,
    table_only: TableOnlyOpt = False,
    margin: MarginOpt = 0.0,
    min_spin: MinSpinOpt = 0.5,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Restore spun text: files (or stdin) to stdout, to --output-dir, or --in-place."""
    from .restore import restore as restore_text

    options = make_options(table, lm, no_lm, no_thesaurus, table_only, margin, min_spin)
    paths = files or ["-"]
    if len(paths) > 1 and not (output_dir or in_place):
        raise _fail("several files need --output-dir DIR or --in-place", 2)
    if in_place and "-" in paths:
        raise _fail("--in-place cannot rewrite standard input", 2)
    if output_dir:
        output_dir.mkdir(parents=True, exist_ok=True)
    try:
        for path in _progress(paths):
            text = _read(path, encoding)
            if jsonl:
                from .pipelines import restore_jsonl_text

                result = restore_jsonl_text(text, field, options, source=path)
            else:
                result = restore_text(text, options)
            if in_place:
                Path(path + backup_suffix).write_bytes(Path(path).read_bytes())
                _write(result, encoding, Path(path))
            elif output_dir and path != "-":
                _write(result, encoding, output_dir / Path(path).name)
            else:
                _write(result, encoding)
    except UnspinError as exc:
        raise _fail(str(exc)) from None


def _progress(paths: list[str]):  # type: ignore[no-untyped-def]
    if len(paths) < 2:
        return paths
    from tqdm import tqdm

    return tqdm(paths, desc="restoring", unit="file", file=sys.stderr, disable=None)


@app.command()
def explain(
    file: Annotated[str, typer.Argument(help="File to explain; '-' reads stdin.")] = "-",
    table: TableOpt = None,
    lm: LmOpt = None,
    no_lm: NoLmOpt = False,
    no_thesaurus: NoThesOpt = False,
    table_only: TableOnlyOpt = False,
    margin: MarginOpt = 0.0,
    min_spin: MinSpinOpt = 0.5,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Print each edit restore would make, as JSON lines (offsets are character offsets)."""
    from .restore import restore_and_explain

    options = make_options(table, lm, no_lm, no_thesaurus, table_only, margin, min_spin)
    try:
        result = restore_and_explain(_read(file, encoding), options)
    except UnspinError as exc:
        raise _fail(str(exc)) from None
    for e in result.edits:
        typer.echo(json.dumps(e._asdict(), ensure_ascii=False))


@app.command()
def score(
    files: Annotated[
        list[str] | None, typer.Argument(help="Files to score; none or '-' reads stdin.")
    ] = None,
    table: TableOpt = None,
    lm: LmOpt = None,
    no_lm: NoLmOpt = False,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Print each file's spin estimate (0 = clean, 1 = heavily spun) as TSV."""
    from .pipelines import spin_score

    options = make_options(table, lm, no_lm, True)
    try:
        for path in files or ["-"]:
            typer.echo(f"{path}\t{spin_score(_read(path, encoding), options):.3f}")
    except UnspinError as exc:
        raise _fail(str(exc)) from None


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
    reference_free: Annotated[
        str,
        typer.Option(
            "--reference-free",
            help="Also learn from the pile's own statistics, without clean copies: auto "
            "(when under a quarter of the pile is paired), on or off.",
        ),
    ] = "auto",
) -> None:
    """Learn a spun->original mapping table from a pile of scraped articles."""
    from . import learn as learning
    from .learn_unpaired import table_comments as unpaired_comments
    from .table import load_merged, write_table

    if merge and lm_output:
        raise _fail("--lm-output needs a pile or pairs, not --merge", 2)
    if lm_weight is not None and not 0.0 < lm_weight < 1.0:
        raise _fail(f"--lm-weight must be between 0 and 1 (exclusive), not {lm_weight}", 2)
    if min_count < 1 or (pile_min_count is not None and pile_min_count < 1):
        raise _fail("--min-count and --pile-min-count must be at least 1", 2)
    if reference_free not in ("auto", "on", "off"):
        raise _fail(f"--reference-free must be auto, on or off, not {reference_free!r}", 2)
    result = None
    try:
        if merge:
            merged = load_merged(paths or [])
            comments = [f"merged from {', '.join(str(p) for p in paths or [])}"]
        else:
            if not (paths or pairs or phrases):
                raise _fail("nothing to learn from: give PATHS, --pairs or --phrases", 2)
            result = learning.learn(
                paths or [],
                field=field,
                pairs=pairs or [],
                phrases=phrases or [],
                progress=not quiet,
                min_count=min_count,
                pile_min_count=pile_min_count,
                reference_free=reference_free,
            )
            comments = learning.table_comments(result)
            comments += unpaired_comments(result.entries)
            if not quiet:
                typer.echo(result.summary.format(), err=True)
        all_comments = [*comments, *(comment or [])]
        table_name = name or output.stem
        if result is None:
            gate, threshold = merged.spin_gate, merged.threshold
            rows = write_table(merged.entries, output, table_name, all_comments, gate, threshold)
        else:
            rows, gate, threshold = learning.write_learned_table(
                result,
                paths or [],
                output,
                table_name,
                all_comments,
                field=field,
                progress=not quiet,
            )
    except UnspinError as exc:
        raise _fail(str(exc)) from None
    if not quiet:
        typer.echo(f"wrote {rows} rows to {output}", err=True)
        if gate is not None:
            typer.echo(f"spin gate:             {gate} (share of table hits)", err=True)
        if threshold is not None:
            typer.echo(f"decision threshold:    {threshold} (table candidates)", err=True)
    if lm_output and result is not None:
        try:
            adapted = learning.adapt_lm(
                result,
                lm_output,
                paths=paths or [],
                table=output,
                field=field,
                pairs=pairs or [],
                weight=lm_weight,
                progress=not quiet,
            )
        except (UnspinError, ValueError) as exc:
            raise _fail(str(exc)) from None
        if not quiet:
            typer.echo(adapted.format(), err=True)


@app.command("train-lm")
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
    from .lm_train import iter_corpus_texts
    from .lm_train import train_lm as train

    try:
        summary = train(
            iter_corpus_texts(paths, field=field), output, order=order, progress=not quiet
        )
    except (UnspinError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if not quiet:
        typer.echo(str(summary), err=True)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
