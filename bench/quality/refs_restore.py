"""Restoring against a reference index as a user runs it (``unspin restore --refs``,
``unspin learn --refs``), on the reference-index benchmark's sets (issue 28).

Evaluation only. The sets are :mod:`bench.quality.refs_data`'s (~44,700 references of
Reuters stories and Wikipedia chunks; per spinner 600 copies whose originals are indexed, a
third of those originals cut to 60%, three quarters of the copies in a content farm's
header and/or footer; ~150 copies whose originals are not indexed; 168 clean queries). The
index is one SQLite file built from the references with
:meth:`unspin.twins.refindex.ReferenceIndex.add` and cached under ``bench/out/`` (never
committed: it holds Reuters text).

A run is what ``unspin restore --refs INDEX`` does with one spinner's copies and the clean
queries as its inputs (:class:`unspin.pipelines.refs.RefsRun`: every input looked up, a
table learned from the linked ones, the gate fitted, then each restored). Reported per
spinner, with spinner W's scoring (:func:`bench.common.undone`, against the content farm's
lines + the whole original): errors undone of copies with a whole twin, a partial twin and
no twin; links right / to another version / wrong / missed; clean queries changed (must be
none), and ``--risk`` more clean texts that are not indexed (Wikipedia chunks kept out of
the references) changed, with wrong changes per 1,000 tokens; the ``learn --refs`` table
(learned from the run's linked copies) used alone as
``restore --table T`` on the copies whose originals are not indexed; and seed 000 with
seeds 001 and 003 indexed against plain ``restore``, through the CLI::

    python -m bench.quality.refs_restore                  # heldout set, both spinners
    python -m bench.quality.refs_restore --set tune --spinner heavy
    python -m bench.quality.refs_restore --stream         # item by item, as JSONL on stdin
    python -m bench.quality.refs_restore --cli            # unspin restore --refs on files
    python -m bench.quality.refs_restore --seeds-only
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import REUTERS, SEEDS, read_jsonl, undone, undone_report, wrong_per_1000
from bench.quality import refs_data

OUT = refs_data.OUT


def build_index(name: str) -> Path:
    """The SQLite index of set ``name``'s references (built once, under bench/out)."""
    from unspin.twins.refindex import ReferenceIndex

    path = OUT / f"refs_{name}.unspin"
    done = path.with_name(path.name + ".done")
    if path.exists() and done.exists():
        return path
    path.unlink(missing_ok=True)
    refs, _ = refs_data.build(name)
    started = time.perf_counter()
    with ReferenceIndex(path, create=True) as index:
        for k in range(0, len(refs), 2000):
            index.add([(r["id"], r["text"]) for r in refs[k : k + 2000]])
    seconds = time.perf_counter() - started
    done.write_text(json.dumps({"references": len(refs), "seconds": round(seconds, 1)}))
    return path


def _truths(queries: list[dict]) -> dict[int, str]:
    """Each spun query's true text: its farm lines around the whole Reuters original."""
    stories = {
        "light": list(read_jsonl(refs_data.LIGHT)),
        "heavy": list(read_jsonl(refs_data.HEAVY)),
    }
    reuters = {d["id"]: d["text"] for d in read_jsonl(REUTERS)}
    out = {}
    for q in queries:
        if q["spinner"] is None:
            continue
        row = stories[q["spinner"]][q["story"]]
        start = q["text"].index(row["spun"])
        header, footer = q["text"][:start], q["text"][start + len(row["spun"]) :]
        out[q["qid"]] = header + reuters[row["reuters_id"]] + footer
    return out


def risk_texts(queries: list[dict], count: int) -> list[str]:
    """Clean texts that are not indexed, for the false-change rate: ~300-word chunks of
    the Wikipedia articles refs_data keeps out of the references, but the clean queries."""
    articles = list(read_jsonl(refs_data.WIKI))[-60:]
    asked = {q["text"] for q in queries}
    chunks = [c for a in articles for c in refs_data.wiki_chunks(a["text"]) if c not in asked]
    return chunks[:count]


def measure(
    name: str, spinner: str, progress: bool = False, risk: int = 300, item_by_item: bool = False
) -> dict:
    """One ``restore --refs`` run: ``spinner``'s copies, the clean queries of set ``name``
    and ``risk`` clean texts not indexed, against the set's index."""
    from unspin import RestoreOptions, restore
    from unspin.models.table import load_table
    from unspin.pipelines.refs import RefsRun

    index_path = build_index(name)
    refs, queries = refs_data.build(name)
    ids = {r["id"]: n for n, r in enumerate(refs)}
    run_queries = [q for q in queries if q["spinner"] in (spinner, None)]
    run_queries += [
        {"qid": -1 - k, "text": t, "kind": "clean_risk", "spinner": None, "original": None}
        for k, t in enumerate(risk_texts(queries, risk))
    ]
    truths = _truths(run_queries)
    report: dict = {"inputs": len(run_queries)}
    with RefsRun(str(index_path)) as run:
        started = time.perf_counter()
        for n, q in enumerate(run_queries):
            run.link(q["text"])
            if progress and n % 100 == 0:
                print(f"linked {n} of {len(run_queries)}", file=sys.stderr)
        report["link_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        restorer = run.learn()
        report["learn_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        rows: dict[str, list[tuple[str, str, str]]] = {}
        how: dict[str, Counter] = {}
        links: dict[str, Counter] = {}
        changed: Counter = Counter()
        risky: list[tuple[str, str]] = []
        # --stream: as JSON lines on stdin are restored (item by item, no gate), with the
        # table the run learned given as --table (a table from an earlier learn --refs)
        stream = RefsRun(str(index_path), table=restorer.table) if item_by_item else run
        if item_by_item:
            stream.learn()  # no links: no gate
        for n, q in enumerate(run_queries):
            done = stream.restore(q["text"])
            kind = q["kind"]
            how.setdefault(kind, Counter())[done.how] += 1
            found = run.lookups[q["text"]].link
            number = ids.get(found.reference) if found.reference is not None else None
            outcome = _outcome(q, found.clean, number)
            links.setdefault(kind, Counter())[outcome] += 1
            if q["spinner"] is None:
                changed[kind] += done.restoration.text != q["text"]
                if kind == "clean_risk":
                    risky.append((q["text"], done.restoration.text))
            else:
                rows.setdefault(kind, []).append(
                    (q["text"], done.restoration.text, truths[q["qid"]])
                )
            if progress and n % 100 == 0:
                print(f"restored {n} of {len(run_queries)}", file=sys.stderr)
        report["restore_seconds"] = round(time.perf_counter() - started, 1)
        for kind in ("spun_whole", "spun_partial", "spun_alone"):
            report[kind] = undone_report(rows.get(kind, []))
        for kind in ("clean_original", "clean_version", "clean_unrelated", "clean_risk"):
            report[kind] = {"documents": sum(how.get(kind, {}).values()), "changed": changed[kind]}
        report["clean_risk"]["wrong_per_1000_tokens"] = round(wrong_per_1000(risky), 3)
        report["how"] = {k: dict(v) for k, v in how.items()}
        report["links"] = {k: dict(v) for k, v in links.items()}
        # the learn --refs table (the run's linked copies) alone, as restore --table T, on
        # the copies whose originals are not indexed
        if restorer.table is not None:
            options = RestoreOptions(tables=(restorer.table,))
            alone = [(s, restore(s, options), t) for s, _, t in rows.get("spun_alone", [])]
            share, before, after = undone(alone)
            report["learn_refs_table_alone"] = {
                "rows": len(load_table(restorer.table).entries),
                "learned_from": len(run.pairs),
                "errors_undone": round(100 * share, 1),
                "errors_before": before,
                "errors_after": after,
            }
    return report


def cli_measure(name: str, spinner: str, risk: int = 300) -> dict:
    """The same run through the CLI, as a user runs it: every input a file under
    ``bench/out/refs_cli_<set>_<spinner>/in``, then ``unspin restore --refs INDEX
    in/*.txt -o out/``; errors undone and clean texts changed."""
    import shutil

    index_path = build_index(name)
    _, queries = refs_data.build(name)
    run_queries = [q for q in queries if q["spinner"] in (spinner, None)]
    run_queries += [
        {"qid": -1 - k, "text": t, "kind": "clean_risk", "spinner": None}
        for k, t in enumerate(risk_texts(queries, risk))
    ]
    truths = _truths(run_queries)
    folder = OUT / f"refs_cli_{name}_{spinner}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "in").mkdir(parents=True)
    names = []
    for n, q in enumerate(run_queries):
        path = folder / "in" / f"{n:05d}.txt"
        path.write_text(q["text"], encoding="utf-8")
        names.append(path)
    started = time.perf_counter()
    command = [sys.executable, "-m", "unspin.cli", "restore", "--refs", str(index_path), "-q"]
    subprocess.run([*command, *map(str, names), "-o", str(folder / "out")], check=True)
    report: dict = {"inputs": len(names), "seconds": round(time.perf_counter() - started, 1)}
    rows: dict[str, list[tuple[str, str, str]]] = {}
    changed: Counter = Counter()
    for path, q in zip(names, run_queries, strict=True):
        restored = (folder / "out" / path.name).read_text(encoding="utf-8")
        if q["spinner"] is None:
            changed[q["kind"]] += restored != q["text"]
        else:
            rows.setdefault(q["kind"], []).append((q["text"], restored, truths[q["qid"]]))
    for kind in ("spun_whole", "spun_partial", "spun_alone"):
        share, before, after = undone(rows.get(kind, []))
        report[kind] = {"errors_undone": round(100 * share, 1), "errors_before": before}
    report["clean_changed"] = dict(changed)
    return report


def _outcome(q: dict, clean: bool, number: int | None) -> str:
    """How a query was linked, as bench.quality.refs scores links."""
    if clean:
        return "clean"
    if number is None:
        return "none"
    if number in q.get("accept", []):
        return "right"
    if number in q.get("versions", []):
        return "right_version"
    return "wrong"


def seeds() -> dict:
    """Seed 000 restored with seeds 001 and 003 indexed, through the CLI (``unspin restore
    --refs``), against plain ``unspin restore``; scored on the sentences 001 has a version
    of (bench_restore's seed rows: edits replayed by ``unspin explain``)."""
    from bench.common import fraction_undone
    from bench.quality.restore import seed_reductions
    from unspin.restore.engine import Edit
    from unspin.twins.refindex import ReferenceIndex

    s000, s001, s003 = (next(SEEDS.glob(f"{p}_*.txt")) for p in ("000", "001", "003"))
    with tempfile.TemporaryDirectory() as folder:
        index = str(Path(folder) / "seeds.unspin")
        with ReferenceIndex(index, create=True) as refs:
            refs.add([(p.name, p.read_text(encoding="utf-8")) for p in (s001, s003)])
        unspin = [sys.executable, "-m", "unspin.cli"]

        def edits(*args: str) -> list[Edit]:
            out = subprocess.run(
                [*unspin, "explain", *args, "-q", str(s000)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            fields = Edit._fields
            return [
                Edit(**{k: v for k, v in json.loads(x).items() if k in fields})
                for x in out.splitlines()
            ]

        linked = seed_reductions(edits("--refs", index))
        plain = seed_reductions(edits())
        clean = subprocess.run(
            [*unspin, "restore", "--refs", index, "-q", str(s001), str(s003), "-o", folder],
            capture_output=True,
            check=True,
        )
        unchanged = all(
            (Path(folder) / p.name).read_bytes() == p.read_bytes() for p in (s001, s003)
        )
    return {
        "refs_errors_undone": round(100 * fraction_undone(linked), 1),
        "plain_errors_undone": round(100 * fraction_undone(plain), 1),
        "errors_before": sum(b for b, _ in plain),
        "clean_unchanged": unchanged and clean.returncode == 0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(refs_data.SETS), default="heldout")
    parser.add_argument("--spinner", choices=("light", "heavy", "both"), default="both")
    parser.add_argument("--seeds-only", action="store_true")
    parser.add_argument("--no-seeds", action="store_true")
    parser.add_argument("--risk", type=int, default=300, help="clean texts not indexed")
    parser.add_argument(
        "--stream", action="store_true", help="item by item, the learned table as --table"
    )
    parser.add_argument("--cli", action="store_true", help="through `unspin restore --refs`")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    report: dict = {"set": args.set, "stream": args.stream}
    if not args.seeds_only:
        if not refs_data.available():
            sys.exit("skipped: the corpora or the spinner W dev sets are absent (needs ../shared)")
        spinners = ("light", "heavy") if args.spinner == "both" else (args.spinner,)
        for spinner in spinners:
            if args.cli:
                report[spinner] = cli_measure(args.set, spinner, args.risk)
            else:
                report[spinner] = measure(args.set, spinner, args.progress, args.risk, args.stream)
            print(json.dumps({spinner: report[spinner]}), file=sys.stderr)
    if not args.no_seeds:
        report["seed_000"] = seeds()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
