"""Command-line interface. Flags become a RestoreOptions in one place; the work is the API's."""

from __future__ import annotations

import codecs
import functools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any

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
DecodeErrorsOpt = Annotated[
    str,
    typer.Option(
        "--errors",
        help="Bytes that are not valid in --encoding: 'strict' stops with an error, 'replace' "
        "reads them as U+FFFD, 'keep' passes them through unchanged (plain text only).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]

#: Exit code of ``restore --jsonl`` when malformed lines were passed through unchanged.
EXIT_PASSED_THROUGH = 3
_DECODE_ERRORS = {"strict": "strict", "replace": "replace", "keep": "surrogateescape"}


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


def _name(path: str) -> str:
    return "standard input" if path == "-" else path


def _check_encoding(encoding: str, errors: str = "strict") -> str:
    """The codec error handler for ``--errors`` (a usage error for unknown values)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise _fail(f"unknown encoding {encoding!r}", 2) from None
    if errors not in _DECODE_ERRORS:
        raise _fail(f"--errors must be one of {', '.join(_DECODE_ERRORS)}, not {errors!r}", 2)
    return _DECODE_ERRORS[errors]


def _decode_failure(path: str, encoding: str, exc: UnicodeDecodeError) -> typer.Exit:
    return _fail(
        f"{_name(path)}: not valid {encoding} (byte {exc.start}: {exc.reason}); pass --encoding "
        f"with the file's real encoding, or --errors replace"
    )


@contextmanager
def _open_input(path: str) -> Iterator[IO[bytes]]:
    """A file (or stdin for '-') opened for binary reading; a one-line error otherwise."""
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise _fail(f"{path}: {exc.strerror or exc}") from None
    with stream:
        yield stream


def _input_size(path: str) -> int | None:
    try:
        return None if path == "-" else os.stat(path).st_size
    except OSError:
        return None


def _iter_chunks(path: str, encoding: str, errors: str, quiet: bool) -> Iterator[str]:
    """The input as the chunks it is restored in (see :mod:`unspin.pipelines.streaming`), read in
    bounded memory, with a progress bar in MB for inputs of more than one chunk."""
    from .pipelines.streaming import CHUNK_CHARS, iter_text_chunks, read_text_pieces

    handler = _check_encoding(encoding, errors)
    bar = _Progress(_input_size(path), "B", quiet, after=CHUNK_CHARS, desc=_name(path))
    with _open_input(path) as stream:
        pieces = read_text_pieces(stream, encoding, handler, on_bytes=bar.update)
        try:
            yield from iter_text_chunks(pieces)
        except UnicodeDecodeError as exc:
            raise _decode_failure(path, encoding, exc) from None
        except OSError as exc:
            raise _fail(f"{_name(path)}: {exc.strerror or exc}") from None
        finally:
            bar.close()


class _Progress:
    """A tqdm bar on stderr, only on a terminal, only once ``after`` units are done."""

    def __init__(
        self, total: int | None, unit: str, quiet: bool, after: int = 0, desc: str = ""
    ) -> None:
        self.total, self.unit, self.after, self.desc = total, unit, after, desc
        self.enabled = not quiet and sys.stderr.isatty()
        if total is not None and total <= after:
            self.enabled = False
        self.done = 0
        self.bar: Any = None

    def update(self, n: int = 1) -> None:
        if not self.enabled:
            return
        self.done += n
        if self.bar is None and self.done > self.after:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total,
                unit=self.unit,
                unit_scale=self.unit == "B",
                desc=self.desc,
                file=sys.stderr,
                leave=False,
            )
            self.bar.update(self.done)
        elif self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _Output:
    """Where restored bytes go: stdout, or a temporary file moved onto ``path`` only when
    everything was written (a failed run leaves the destination as it was)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.tmp: Path | None = None
        if path is None:
            self.stream: IO[bytes] = sys.stdout.buffer
        else:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
            self.tmp = Path(name)
            self.stream = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.stream.flush()

    def commit(self, backup: Path | None = None) -> None:
        if self.tmp is None or self.path is None:
            return
        self.stream.close()
        if backup is not None:
            shutil.copyfile(self.path, backup)
        mode = self.path.stat().st_mode & 0o7777 if self.path.exists() else 0o644
        os.chmod(self.tmp, mode)
        os.replace(self.tmp, self.path)
        self.tmp = None

    def discard(self) -> None:
        if self.tmp is not None:
            self.stream.close()
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


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
    """Turn every failure into one ``unspin: ...`` line and exit code 1 (never a traceback;
    ``UNSPIN_DEBUG=1`` shows it)."""
    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit):
        raise
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
    encoding: EncodingOpt = "utf-8",
    errors: DecodeErrorsOpt = "strict",
    quiet: QuietOpt = False,
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

    Exit codes: 0 done; 1 error (bad file, table, model or encoding; with --strict, the
    first malformed line: every line before it has been written); 2 usage error; 3 with
    --jsonl, malformed lines were passed through unchanged (all the others restored).
    """
    options = make_options(table, lm, no_lm, no_thesaurus, table_only, margin, min_spin)
    paths = files or ["-"]
    if len(paths) > 1 and not (output_dir or in_place):
        raise _fail("several files need --output-dir DIR or --in-place", 2)
    if in_place and "-" in paths:
        raise _fail("--in-place cannot rewrite standard input", 2)
    if (strict or annotate) and not jsonl:
        raise _fail("--strict and --annotate go with --jsonl", 2)
    _check_encoding(encoding, errors)
    passed = 0
    with _errors():
        _check_files(options)
        if output_dir:
            output_dir.mkdir(parents=True, exist_ok=True)
        for path in _progress(paths, quiet):
            if in_place:
                target: Path | None = Path(path)
            elif output_dir and path != "-":
                target = output_dir / Path(path).name
            else:
                target = None
            out = _Output(target)
            try:
                if jsonl:
                    passed += _restore_jsonl(
                        path, out, field or ["text"], options, strict, annotate, encoding, quiet
                    )
                else:
                    _restore_plain(path, out, options, encoding, errors, quiet)
                backup = Path(path + backup_suffix) if in_place else None
                out.commit(backup)
            finally:
                out.discard()
    if passed:
        raise _fail(
            f"{passed} malformed line{'s' if passed > 1 else ''} passed through unchanged "
            f"(see above)",
            EXIT_PASSED_THROUGH,
        )


def _check_files(options: RestoreOptions) -> None:
    """Tables and model named on the command line must be files (a folder is an error)."""
    for path in (*options.tables, *([options.lm] if options.lm else [])):
        if Path(path).is_dir():
            raise _fail(f"{path} is a folder; give a table or model file")


def _restore_plain(
    path: str, out: _Output, options: RestoreOptions, encoding: str, errors: str, quiet: bool
) -> None:
    from .restore.api import restore_and_explain

    for chunk in _iter_chunks(path, encoding, errors, quiet):
        out.write(restore_and_explain(chunk, options).text.encode(encoding, "surrogateescape"))


def _restore_jsonl(
    path: str,
    out: _Output,
    fields: list[str],
    options: RestoreOptions,
    strict: bool,
    annotate: bool,
    encoding: str,
    quiet: bool,
) -> int:
    """Restore one JSONL input line by line; the number of lines passed through."""
    from .pipelines.streaming import restore_jsonl_lines

    passed = 0
    bar = _Progress(None, " records", quiet, desc=_name(path))
    with _open_input(path) as stream:
        try:
            for result in restore_jsonl_lines(stream, fields, options, annotate, encoding):
                if result.problem is not None:
                    where = f"{_name(path)}, line {result.lineno}: {result.problem}"
                    if strict:
                        raise _fail(f"{where} (--strict: stopped here)")
                    typer.echo(f"unspin: {where}; passed through unchanged", err=True)
                    passed += 1
                out.write(result.data)
                bar.update()
        finally:
            bar.close()
    return passed


def _progress(paths: list[str], quiet: bool = False):  # type: ignore[no-untyped-def]
    if len(paths) < 2 or quiet:
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
    errors: DecodeErrorsOpt = "strict",
    quiet: QuietOpt = False,
) -> None:
    """Print each edit restore would make, as JSON lines (offsets are character offsets).

    Input longer than about 1 MB is explained chunk by chunk as `restore` restores it;
    offsets stay those of the whole input.
    """
    from .restore.api import restore_and_explain

    options = make_options(table, lm, no_lm, no_thesaurus, table_only, margin, min_spin)
    with _errors():
        _check_files(options)
        offset = 0
        for chunk in _iter_chunks(file, encoding, errors, quiet):
            for e in restore_and_explain(chunk, options).edits:
                moved = e._replace(start=e.start + offset, end=e.end + offset)
                typer.echo(json.dumps(moved._asdict(), ensure_ascii=False))
            offset += len(chunk)


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
    encoding: EncodingOpt = "utf-8",
    errors: DecodeErrorsOpt = "strict",
) -> None:
    """Print each file's spin estimate (0 = clean, 1 = heavily spun; 0.5 and up looks
    spun) as TSV; with --spans, the words that look spun after it.

    Input longer than about 1 MB is scored chunk by chunk (see `restore --help`): the
    estimate is the chunks' mean, weighted by their length.
    """
    options = make_options(table, lm, no_lm, True)
    with _errors():
        _check_files(options)
        for path in files or ["-"]:
            estimate, flagged = _spin(path, encoding, errors, options, spans)
            typer.echo(f"{path}\t{estimate:.3f}")
            for span in flagged:
                typer.echo(json.dumps({"file": path, **span}, ensure_ascii=False))


def _spin(
    path: str, encoding: str, errors: str, options: RestoreOptions, spans: bool
) -> tuple[float, list[dict]]:
    """The spin estimate of one input, read in chunks (mean weighted by chunk length), and
    with ``spans`` the words that look spun (offsets in the whole input)."""
    from .restore.api import mask_surrogates
    from .restore.estimate import spin_score, spun_spans

    total = weighted = 0.0
    flagged: list[dict] = []
    for chunk in _iter_chunks(path, encoding, errors, quiet=True):
        text = mask_surrogates(chunk)
        weighted += spin_score(text, options) * len(chunk)
        for s in spun_spans(text, options) if spans else ():
            flagged.append(s._replace(start=s.start + int(total), end=s.end + int(total))._asdict())
        total += len(chunk)
    return (weighted / total if total else 0.0), flagged


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
@_guarded
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
) -> None:
    """Learn a spun->original mapping table from a pile of scraped articles."""
    from .learn import learner as learning
    from .learn.unpaired import table_comments as unpaired_comments
    from .models.table import load_merged, write_table

    if merge and lm_output:
        raise _fail("--lm-output needs a pile or pairs, not --merge", 2)
    if lm_weight is not None and not 0.0 < lm_weight < 1.0:
        raise _fail(f"--lm-weight must be between 0 and 1 (exclusive), not {lm_weight}", 2)
    if min_count < 1 or (pile_min_count is not None and pile_min_count < 1):
        raise _fail("--min-count and --pile-min-count must be at least 1", 2)
    from .models.table import METHODS

    if method is not None and method not in METHODS:
        raise _fail(f"--method must be one of {', '.join(METHODS)}, not {method!r}", 2)
    if reference_free not in ("auto", "on", "off"):
        raise _fail(f"--reference-free must be auto, on or off, not {reference_free!r}", 2)
    result = None
    try:
        if merge:
            merged = load_merged(paths or [])
            merged.method = method or merged.method
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
            rows = write_table(
                merged.entries,
                output,
                table_name,
                all_comments,
                gate,
                threshold,
                **merged.provenance(),
            )
        else:
            rows, gate, threshold = learning.write_learned_table(
                result,
                paths or [],
                output,
                table_name,
                all_comments,
                field=field,
                progress=not quiet,
                method=method,
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
@_guarded
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
        raise _fail(str(exc)) from None
    if not quiet:
        typer.echo(str(summary), err=True)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
