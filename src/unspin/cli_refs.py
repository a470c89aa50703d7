"""The commands' ``--refs`` paths: ``restore --refs``, ``learn --refs`` and ``explain
--refs`` (:mod:`unspin.pipelines.refs`, :mod:`unspin.pipelines.refs_files`). The commands
themselves (:mod:`unspin.cli`, :mod:`unspin.cli_learn`, :mod:`unspin.cli_inspect`) parse
the flags and call these; messages and exit codes follow theirs.

A run of inputs is restored in two passes: every input is looked up in the index first,
a table is learned from the inputs linked there (or the ``--table`` given, a table from
``unspin learn --refs``) and the no-twin gate fitted, then each input is restored and
written. A JSONL stream on standard input cannot be read twice: its records are linked
and restored one by one, with ``--table`` (if given) where no twin reaches.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .cli_options import fail, file_progress
from .options import RestoreOptions

if TYPE_CHECKING:
    from .pipelines.refs import RefsRun

__all__ = ["explain_refs", "learn_refs", "refs_table", "restore_refs"]


def refs_table(options: RestoreOptions) -> tuple[RestoreOptions, Path | None]:
    """With ``--refs``, ``--table`` names the learned table (``unspin learn --refs``): the
    options without it (plain ``restore``'s part keeps the bundled table) and the table."""
    if len(options.tables) > 1:
        raise fail("--refs takes one --table (a table written by `unspin learn --refs`)", 2)
    table = options.tables[0] if options.tables else None
    return replace(options, tables=()), table


def _open_run(refs: str, options: RestoreOptions) -> RefsRun:
    from .pipelines.refs import RefsRun

    base, table = refs_table(options)
    return RefsRun(refs, base, table=table)


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        typer.echo(f"unspin: {message}", err=True)


def _linked_summary(run: RefsRun) -> str:
    links = list(run.lookups.values())
    twins = sum(lk.link.text is not None and not lk.link.clean for lk in links)
    clean = sum(lk.link.clean for lk in links)
    return (
        f"{len(links)} distinct input text{'s' * (len(links) != 1)}: {twins} linked to a "
        f"reference in {run.index.location}, {clean} clean, {len(links) - twins - clean} "
        f"without a twin"
    )


def restore_refs(
    paths: list[str],
    refs: str,
    options: RestoreOptions,
    *,
    output_dir: Path | None,
    in_place: bool,
    backup_suffix: str,
    jsonl: bool,
    fields: list[str],
    strict: bool,
    annotate: bool,
    encoding: str,
    errors: str,
    quiet: bool,
) -> int:
    """``unspin restore --refs``: the number of malformed JSONL lines passed through."""
    from .pipelines.files import AtomicOutput
    from .pipelines.refs_files import link_file, link_jsonl_file, read_text, restore_refs_file

    passed = 0
    stdin_text: str | None = None
    with _open_run(refs, options) as run:
        for path in file_progress(paths, quiet, "linking"):  # pass one: link what reads twice
            if jsonl and path != "-":
                link_jsonl_file(path, fields, run, encoding=encoding)
            elif not jsonl and path == "-":
                stdin_text = read_text(path, encoding, errors)
                run.link(stdin_text)
            elif not jsonl:
                link_file(path, run, encoding=encoding, errors=errors)
        run.learn()
        _say(quiet or not run.lookups, _linked_summary(run))
        if output_dir:
            output_dir.mkdir(parents=True, exist_ok=True)
        for path in file_progress(paths, quiet):  # pass two
            if in_place:
                target: Path | None = Path(path)
            elif output_dir and path != "-":
                target = output_dir / Path(path).name
            else:
                target = None
            with AtomicOutput(target) as out:
                if jsonl:
                    passed += _restore_jsonl(path, out, fields, run, strict, annotate, encoding)
                elif path == "-" and stdin_text is not None:
                    done = run.restore(stdin_text)
                    out.write(done.restoration.text.encode(encoding, "surrogateescape"))
                else:
                    restore_refs_file(path, out, run, encoding=encoding, errors=errors)
                out.commit(Path(path + backup_suffix) if in_place else None)
    return passed


def _restore_jsonl(
    path: str,
    out: object,
    fields: list[str],
    run: RefsRun,
    strict: bool,
    annotate: bool,
    encoding: str,
) -> int:
    """Restore one JSONL input, naming malformed lines on stderr; how many passed through."""
    from .pipelines.files import input_name
    from .pipelines.refs_files import restore_refs_jsonl

    passed = 0
    for result in restore_refs_jsonl(path, fields, run, annotate=annotate, encoding=encoding):
        if result.problem is not None:
            where = f"{input_name(path)}, line {result.lineno}: {result.problem}"
            if strict:
                raise fail(f"{where} (--strict: stopped here)")
            typer.echo(f"unspin: {where}; passed through unchanged", err=True)
            passed += 1
        out.write(result.data)  # type: ignore[attr-defined]
    return passed


def learn_refs(
    paths: list[Path],
    refs: str,
    output: Path,
    *,
    field: str,
    name: str | None,
    comments: list[str],
    quiet: bool,
) -> int:
    """``unspin learn --refs``: the table learned from the inputs linked to the index;
    the number of bad inputs skipped (named on stderr)."""
    from .pipelines.refs import learn_from_refs
    from .twins.pile_reading import iter_pile

    skipped: list[str] = []

    def named(message: str) -> None:
        typer.echo(f"unspin: {message}; skipped", err=True)
        skipped.append(message)

    texts = (doc.text for doc in iter_pile(paths, field=field, problem=named))
    written, read, linked = learn_from_refs(refs, texts, output, name=name, comments=comments)
    _say(
        quiet,
        f"{linked} of {read} inputs linked to references in {refs}; "
        f"{written.rows} rows written to {output}",
    )
    return len(skipped)


def explain_refs(
    paths: list[str],
    refs: str,
    options: RestoreOptions,
    *,
    html: bool,
    output: Path | None,
    jsonl: bool,
    fields: list[str],
    encoding: str,
    errors: str,
    quiet: bool,
) -> int:
    """``unspin explain --refs``: each edit as a JSON line with the document's
    ``"reference"`` (or, with ``--html``, the review page naming each document's
    reference); the number of malformed JSONL lines skipped."""
    from .pipelines.files import AtomicOutput, input_name, open_input
    from .pipelines.refs_files import read_record, read_text

    docs: list[tuple[str, str]] = []
    skipped = 0
    for path in paths:
        if not jsonl:
            docs.append((input_name(path), read_text(path, encoding, errors)))
            continue
        with open_input(path) as stream:
            for lineno, line in enumerate(stream, start=1):
                if line.isspace():
                    continue
                where = f"{input_name(path)}:{lineno}"
                record, problem = read_record(line.rstrip(b"\r\n"), fields, encoding)
                if record is None:
                    typer.echo(f"unspin: {where}: {problem}; skipped", err=True)
                    skipped += 1
                    continue
                docs += [(f"{where} {field}", record[field]) for field in fields]
    with _open_run(refs, options) as run:
        for _, text in docs:
            run.link(text)
        run.learn()
        _say(quiet or len(docs) < 2, _linked_summary(run))
        done = [(name, text, run.restore(text)) for name, text in docs]
        if not html:
            for _, _, d in done:
                for e in d.restoration.edits:
                    line = {**e._asdict(), "reference": d.reference}
                    typer.echo(json.dumps(line, ensure_ascii=False))
            return skipped
        from .report import review_restored, to_html

        review = functools.partial(review_restored, options=run.restorer.base)
        pages = (review(n, t, d.restoration, d.reference) for n, t, d in done)
        page = to_html(pages, options=run.restorer.base)
    with AtomicOutput(output) as out:
        out.write(page.encode("utf-8", "replace"))
        out.commit()
    return skipped
