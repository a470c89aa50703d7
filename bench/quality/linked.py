"""Restoring once each input is linked to its original, or known to have none
(:mod:`unspin.twins.linked`), measured with the true links of spinner W's dev sets.

How links are found is measured elsewhere; here every input gets its true link (the
oracle): a copy the reference it was spun from, a clean version of an indexed story
"clean", anything else none. Per spinner (``light``: spinner W's dev set; ``heavy``: the
same stories spun the heavy way) and per split of the dev stories (``tune``: stories
0-1349, :data:`bench.common.PILE`; ``heldout``: 1350-2037, as bench_match's held-out
pile), a run holds

- copies whose original is indexed (600 on ``tune``, 482 on ``heldout``): a third of
  those originals cut to their first 60% (bench_match's ``cut``), every other copy with a
  content farm's header and/or footer (bench_match's ``wrap``);
- copies without a twin (150);
- 168 clean queries: 56 originals verbatim and 56 clean versions of indexed stories (cut
  to 70%, or a sentence dropped and a figure changed), both linked "clean", and 56
  unrelated clean stories with no twin;
- the clean-risk set: more clean texts with no twin (Reuters stories outside the dev set
  and ~300-word Wikipedia chunks none of which is indexed), through the no-twin path;
- the index's other references (Reuters stories outside the dev set and Wikipedia
  chunks), the clean text the learned table's gate is measured on.

Reported with spinner W's scoring (:func:`bench.common.undone`, against header +
whole original + footer): errors undone for whole twins, partial twins and no twin; how
many clean queries and clean-risk texts changed; the table learned from the run's links
(``unspin learn --refs``) used alone as ``restore --table T`` on the copies without a twin
(stories whose originals are not indexed); and seed 000 restored with seeds 001 and 003
as the index (000 linked to 001), scored on 001's sentences as bench_restore's seed rows,
against plain ``restore``::

    python -m bench.quality.linked                       # both spinners, held-out
    python -m bench.quality.linked --split tune --spinner heavy
    python -m bench.quality.linked --set unspin.twins.linked.LINKED_MIN_SPIN=0.5
    python -m bench.quality.linked --pile --spinner heavy  # match + restore --pile

``--pile`` runs ``unspin match`` and ``unspin restore --pile`` (the CLI, as bench_match
does) on bench_match's held-out pile shape built from the spinner's copies instead.

``--set MODULE.NAME=VALUE`` overrides a module constant for the run (to measure a lever).
Evaluation only: nothing is written into the repository (texts stay in memory).
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import NamedTuple

from bench.common import REUTERS, WIKI, undone, undone_report
from bench.quality.match import cut, wrap
from bench.spinners import spinner_w as w

HEAVY = w.HEAVY
WIKIPEDIA = WIKI
SPLITS = {"tune": w.PILE, "heldout": range(1350, 2038)}
NO_TWIN = 150
CLEAN_EACH = 56  # originals verbatim, clean versions, unrelated stories: 168 clean queries


class Query(NamedTuple):
    """One input of a run: its kind, text, true link and what restoring should give."""

    kind: str  # whole, partial, no_twin, clean_original, clean_version, clean_unrelated, risk
    text: str
    reference_id: str | None
    reference_text: str | None
    clean: bool
    truth: str


def spun_copies(spinner: str) -> dict[str, str]:
    """Each dev story's spun copy by Reuters id, for ``light`` or ``heavy``."""
    if spinner == "light":
        return {s.reuters_id: s.spun for s in w.stories()}
    with gzip.open(HEAVY, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return {r["reuters_id"]: r["spun"] for r in rows}


def _outside_dev(seed: int) -> list[str]:
    """Reuters stories outside the dev set (40 words or more), shuffled."""
    used = {s.reuters_id for s in w.stories()}
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    texts = [d["text"] for d in docs if d["id"] not in used and len(d["text"].split()) >= 40]
    random.Random(seed).shuffle(texts)
    return texts


def _wikipedia_chunks(articles: range) -> list[str]:
    """~300-word chunks of the Wikipedia articles at positions ``articles``."""
    out = []
    with gzip.open(WIKIPEDIA, "rt", encoding="utf-8") as f:
        for k, line in enumerate(f):
            if k >= articles.stop:
                break
            if k < articles.start:
                continue
            words = json.loads(line)["text"].split(" ")
            for i in range(0, len(words) - 150, 300):
                out.append(" ".join(words[i : i + 300]))
    return out


def _edited(text: str, rng: random.Random) -> str:
    """A clean version of a story: cut to 70%, or one sentence dropped and one figure
    changed."""
    if rng.random() < 0.5:
        return cut(text, 0.7)
    sentences = re.split(r"(?<=\.)\s+", text)
    if len(sentences) > 2:
        del sentences[rng.randrange(1, len(sentences))]
    edited = " ".join(sentences)
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1), edited, count=1)


class Run(NamedTuple):
    queries: list[Query]
    references: list[str]  # the index's other clean texts


def build(spinner: str, split: str, seed: int = 1, risk: int = 900) -> Run:
    """The run of one spinner on one split (see the module's docstring)."""
    spun = spun_copies(spinner)
    stories = w.split(SPLITS[split])
    rng = random.Random(seed)
    indexed = stories[: len(stories) - NO_TWIN - CLEAN_EACH][:600]
    alone = stories[len(indexed) : len(indexed) + NO_TWIN]
    unrelated = stories[len(indexed) + NO_TWIN : len(indexed) + NO_TWIN + CLEAN_EACH]
    queries = []
    for k, s in enumerate(indexed):
        header, body, footer = wrap(spun[s.reuters_id], rng) if k % 2 == 0 else ("", "", "")
        body = spun[s.reuters_id]
        partial = k % 3 == 2
        reference = cut(s.original) if partial else s.original
        kind = "partial" if partial else "whole"
        truth = header + s.original + footer
        queries.append(Query(kind, header + body + footer, s.reuters_id, reference, False, truth))
    for k, s in enumerate(alone):
        header, body, footer = wrap(spun[s.reuters_id], rng) if k % 2 == 0 else ("", "", "")
        body = spun[s.reuters_id]
        queries.append(
            Query(
                "no_twin", header + body + footer, None, None, False, header + s.original + footer
            )
        )
    for s in indexed[:CLEAN_EACH]:
        queries.append(Query("clean_original", s.original, None, None, True, s.original))
    for s in indexed[CLEAN_EACH : 2 * CLEAN_EACH]:
        text = _edited(s.original, rng)
        queries.append(Query("clean_version", text, None, None, True, text))
    for s in unrelated:
        queries.append(Query("clean_unrelated", s.original, None, None, False, s.original))
    reuters = _outside_dev(seed)
    half = len(reuters) // 2
    # the index's other references, and clean texts that are not in it (the clean risk)
    references = reuters[:half] + _wikipedia_chunks(range(0, 400))
    others = reuters[half:] + _wikipedia_chunks(range(3000, 3100))
    for text in others[:risk]:
        queries.append(Query("risk", text, None, None, False, text))
    return Run(queries, references)


def _link(q: Query):  # type: ignore[no-untyped-def]
    from unspin.twins.linked import CLEAN, NO_TWIN, TwinLink

    if q.clean:
        return CLEAN
    if q.reference_text is None:
        return NO_TWIN
    return TwinLink(q.reference_id, q.reference_text)


def measure(run: Run, progress: bool = False) -> dict:
    """Restore every query of ``run`` with its true link and score it."""
    from unspin import RestoreOptions, restore
    from unspin.twins.linked import LinkedRestorer

    pairs = [(q.text, q.reference_text) for q in run.queries if q.reference_text is not None]
    started = time.perf_counter()
    base = RestoreOptions()
    restorer = LinkedRestorer(pairs, base, references=run.references)
    learned = time.perf_counter() - started
    rows: dict[str, list[tuple[str, str, str]]] = {}
    hows: dict[str, dict[str, int]] = {}
    for n, q in enumerate(run.queries):
        done = restorer.restore(q.text, _link(q))
        rows.setdefault(q.kind, []).append((q.text, done.restoration.text, q.truth))
        hows.setdefault(q.kind, {}).setdefault(done.how, 0)
        hows[q.kind][done.how] += 1
        if progress and n % 100 == 0:
            print(f"{n} of {len(run.queries)}", file=sys.stderr)
    report: dict = {"learn_and_gate_seconds": round(learned, 1)}
    report["restore_seconds"] = round(time.perf_counter() - started - learned, 1)
    for kind in ("whole", "partial", "no_twin"):
        report[kind] = undone_report(rows.get(kind, []))
    for kind in ("clean_original", "clean_version", "clean_unrelated", "risk"):
        changed = [given for given, restored, _ in rows.get(kind, []) if restored != given]
        report[kind] = {"documents": len(rows.get(kind, [])), "changed": len(changed)}
    report["how"] = hows
    # the learned table alone, as ``restore --table T``, on stories not indexed
    table = restorer.table
    if table is not None:
        options = RestoreOptions(tables=(table,))
        alone = [(s, restore(s, options), t) for s, _, t in rows.get("no_twin", [])]
        share, before, after = undone(alone)
        report["learned_table_alone"] = {
            "errors_undone": round(100 * share, 1),
            "rows": _rows(table),
        }
    restorer.close()
    return report


def _rows(table: Path) -> int:
    from unspin.models.table import load_table

    return len(load_table(table).entries)


def seeds() -> dict:
    """Seed 000 with seeds 001 and 003 indexed (000 linked to 001) against plain restore,
    scored on the sentences 001 has a version of (bench_restore's seed rows)."""
    from bench.common import fraction_undone
    from bench.common import seed as _seed
    from bench.quality.restore import seed_reductions
    from unspin import RestoreOptions, restore_and_explain
    from unspin.twins.linked import CLEAN, TwinLink, restore_linked

    s000, s001, s003 = _seed("000"), _seed("001"), _seed("003")
    options = RestoreOptions()
    inputs = [(s000, TwinLink("001", s001)), (s001, CLEAN), (s003, CLEAN)]
    runs = restore_linked(inputs, options)
    linked = seed_reductions(runs[0].restoration.edits)
    plain = seed_reductions(restore_and_explain(s000, options).edits)
    return {
        "linked_errors_undone": round(100 * fraction_undone(linked), 1),
        "plain_errors_undone": round(100 * fraction_undone(plain), 1),
        "errors_before": sum(b for b, _ in plain),
        "clean_unchanged": runs[1].restoration.text == s001 and runs[2].restoration.text == s003,
    }


def build_pile(spinner: str, seed: int = 1) -> tuple[Path, dict]:
    """bench_match's held-out pile (stories 1350-2037: 300 copies with their originals, a
    third of those cut, 75 copies without, 300 clean stories, 975 Reuters stories from
    outside the dev set; headers and footers; shuffled names) with ``spinner``'s copies,
    written under ``bench/out/`` (reused when there)."""
    from bench.quality import match as m

    spun = spun_copies(spinner)
    folder = m.OUT / f"linked_pile_{spinner}_{seed}"
    truth_path = folder.with_suffix(".truth.json")
    if folder.exists() and truth_path.exists():
        return folder, json.loads(truth_path.read_text())
    chosen = w.split(SPLITS["heldout"])
    rng = random.Random(seed)
    rows: list[tuple[str, str, dict]] = []
    for k, s in enumerate(chosen[:300]):
        header, body, footer = wrap(spun[s.reuters_id], rng)
        partial = k % 3 == 2
        original = cut(s.original) if partial else s.original
        kind = "spun_partial" if partial else "spun_whole"
        truth = {"kind": kind, "twin": f"o{k}", "reference": header + s.original + footer}
        rows.append((f"s{k}", header + body + footer, truth))
        rows.append((f"o{k}", original, {"kind": "original", "reference": original}))
    for k, s in enumerate(chosen[300:375]):
        header, body, footer = wrap(spun[s.reuters_id], rng)
        truth = {"kind": "spun_alone", "reference": header + s.original + footer}
        rows.append((f"a{k}", header + body + footer, truth))
    for k, s in enumerate(chosen[375:675]):
        rows.append((f"c{k}", s.original, {"kind": "clean", "reference": s.original}))
    for k, text in enumerate(m._unrelated(975, seed)):
        rows.append((f"x{k}", text, {"kind": "clean", "reference": text}))
    return m.write_pile_rows(rows, folder, truth_path, rng)


def pile(spinner: str, seed: int = 1) -> dict:
    """``unspin match`` and ``unspin restore --pile`` on :func:`build_pile`'s pile, scored
    as bench_match scores its piles."""
    from bench.quality import match as m

    folder, truth = build_pile(spinner, seed)
    report = {"pile": str(folder)}
    report["match"] = m.match_report(folder, truth, m.OUT / f"links_linked_{spinner}.jsonl")
    report["restore"] = m.restore_report(folder, truth, m.OUT / f"restored_linked_{spinner}")
    return report


def _override(setting: str) -> None:
    """``module.NAME=value``: set a module constant for this run."""
    target, value = setting.split("=", 1)
    module, name = target.rsplit(".", 1)
    setattr(importlib.import_module(module), name, json.loads(value))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spinner", choices=("light", "heavy", "both"), default="both")
    parser.add_argument("--split", choices=tuple(SPLITS), default="heldout")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--risk", type=int, default=900, help="clean-risk texts")
    parser.add_argument("--set", action="append", default=[], help="module.NAME=json value")
    parser.add_argument("--no-seeds", action="store_true")
    parser.add_argument(
        "--pile", action="store_true", help="match + restore --pile on bench_match's held-out pile"
    )
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    if not w.available() or not HEAVY.exists():
        sys.exit("skipped: spinner W's dev sets or the Reuters corpus are absent (needs ../shared)")
    for setting in args.set:
        _override(setting)
    spinners = ("light", "heavy") if args.spinner == "both" else (args.spinner,)
    report: dict = {"split": args.split, "set": args.set}
    if args.pile:
        for spinner in spinners:
            report[spinner] = pile(spinner, args.seed)
            print(json.dumps({spinner: report[spinner]}), file=sys.stderr)
        print(json.dumps(report, indent=1))
        return
    for spinner in spinners:
        report[spinner] = measure(build(spinner, args.split, args.seed, args.risk), args.progress)
        print(json.dumps({spinner: report[spinner]}), file=sys.stderr)
    if not args.no_seeds:
        report["seed_000"] = seeds()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
