"""The oracle-table ceiling on spinner W: restore unseen spins with a *perfect* table.

The table holds every (spun, original) pair that fired in the 1,350-story pile
(``spinner_w.split(PILE)``: each spun story aligned with its original), with true
probabilities: ``p_restore`` = the pair's count over the spun phrase's occurrences in the
spun stories, ``p_channel`` = its count over the original's occurrences in the originals.
Unseen spins (``split(TEST)``) are then restored as a user would,
``restore(text, tables=[oracle])`` with default options (and ``--min-spin 0``), and the
judges' metric is reported with the changes made to the TEST originals. Then where the
rest is lost: every swap still there after restoring, by what the table knew about it::

    python -m bench.quality.oracle                # ~2 min
    python -m bench.quality.oracle --stories 60   # quicker, fewer TEST stories

Measuring only: the table is written under ``bench/out/`` (gitignored), never shipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from bench.common import OUT, errors, undone
from bench.spinners import spinner_w as w


def aligned_counts(stories) -> Counter[tuple[str, str]]:
    """(spun, original) counts of every swap aligned between each story's spun copy and
    its original (split and decomposed as ``unspin learn`` does)."""
    from unspin.learn.row_stats import _Stats
    from unspin.twins.align import align, prepare

    stats = _Stats()
    for s in stories:
        stats.add(align(prepare(s.spun), prepare(s.original)))
    stats.resolve()
    return stats.counts


def ngram_counts(texts, wanted: set[tuple[str, ...]], longest: int) -> Counter:
    """Occurrences of the ``wanted`` token keys in ``texts``."""
    from unspin.models.table import phrase_key

    found: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        keys = phrase_key(text)
        for i in range(len(keys)):
            for n in range(1, min(longest, len(keys) - i) + 1):
                gram = keys[i : i + n]
                if gram in wanted:
                    found[gram] += 1
    return found


def oracle_entries(stories) -> list:
    """The perfect table's entries (see the module docstring)."""
    from unspin.models.table import Entry, phrase_key

    counts = aligned_counts(stories)
    skey = {p: phrase_key(p[0]) for p in counts}
    okey = {p: tuple(k.lower() for k in phrase_key(p[1])) for p in counts}
    wanted = set(skey.values()) | set(okey.values())
    longest = max(len(k) for k in wanted)
    in_spun = ngram_counts((s.spun for s in stories), wanted, longest)
    in_orig = ngram_counts((s.original for s in stories), wanted, longest)
    out = []
    for pair, n in counts.items():
        p_restore = min(1.0, n / max(in_spun[skey[pair]], n))
        p_channel = min(1.0, n / max(in_orig[okey[pair]], n))
        out.append(Entry(pair[0], pair[1], n, 0, p_restore, p_channel, "oracle"))
    return out


def restore_all(texts, table: Path, **options) -> list[str]:
    from unspin import restore

    return [restore(t, tables=[table], **options) for t in texts]


def edit_sources(stories, table: Path, **options) -> dict:
    """Each edit applied alone to its spun story: right (fewer errors), wrong (more) or
    neutral, by where its candidate came from (table, reversal, thesaurus), with the
    table's p_restore band for table candidates."""
    from unspin import apply_edits, restore_and_explain
    from unspin.models.table import load_table, phrase_key

    loaded = load_table(table)
    out: Counter[str] = Counter()
    for s in stories:
        before = errors(s.spun, s.original)
        for e in restore_and_explain(s.spun, tables=[table], **options).edits:
            kind = e.source.split(":")[0]
            if kind == "table":
                rows = [r for r in loaded.lookup(phrase_key(e.found)) if r.original == e.restored]
                p = rows[0].p_restore if rows else 0.0
                kind += " p<0.2" if p < 0.2 else " p<0.5" if p < 0.5 else " p>=0.5"
            after = errors(apply_edits(s.spun, [e]), s.original)
            verdict = "right" if after < before else "wrong" if after > before else "neutral"
            out[f"{kind}: {verdict}"] += 1
    return dict(sorted(out.items()))


def lost(test, restored: list[str], table) -> dict:
    """Where errors stay: per story, the swaps still there after restoring (*missed*, by
    what the table knew of the spun form) and the swaps restoring made that the spinner
    did not (*introduced*: a wrong original, or a change to a word that was not spun)."""
    from unspin.models.table import phrase_key
    from unspin.text.inflect import lemmas

    by_lemma: set[tuple[str, ...]] = {_lemma_key(phrase_key(e.spun), lemmas) for e in table.entries}
    kinds: Counter[str] = Counter()
    examples: dict[str, Counter] = {}
    for story, text in zip(test, restored, strict=True):
        spun = aligned_counts([story])
        left = aligned_counts([story._replace(spun=text)])
        missed, introduced = left & spun, left - spun
        for (form, original), n in spun.items():
            kinds[f"spun: {_kind(table, form, original, by_lemma, lemmas)}"] += n
        for (form, original), n in missed.items():
            kind = f"missed: {_kind(table, form, original, by_lemma, lemmas)}"
            kinds[kind] += n
            examples.setdefault(kind, Counter())[f"{form} -> {original}"] += n
        for (form, original), n in introduced.items():
            kinds["introduced"] += n
            examples.setdefault("introduced", Counter())[f"{form} (should be {original})"] += n
    return {
        "swaps": dict(sorted(kinds.items())),
        "examples": {k: [f"{p} x{n}" for p, n in v.most_common(15)] for k, v in examples.items()},
    }


def _kind(table, form: str, original: str, by_lemma, lemmas) -> str:
    from unspin.models.table import phrase_key

    key = phrase_key(form)
    options = [e.original.lower() for e in table.lookup(key)]
    if not options:
        if _lemma_key(key, lemmas) in by_lemma:
            return "inflection of a known spun form"
        return "spun form unknown"
    if original.lower() == options[0]:
        return "known, first option"
    if original.lower() in options:
        return "known, another option first"
    return "spun form known, not this original"


def _lemma_key(key: tuple[str, ...], lemmas) -> tuple[str, ...]:
    return tuple((lemmas(k) or [(k, "")])[0][0] for k in key)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=200, help="TEST stories to restore")
    parser.add_argument("--output", type=Path, default=OUT / "oracle.tsv")
    parser.add_argument("--table", type=Path, help="restore with this table instead")
    parser.add_argument("--no-gate", action="store_true", help="only --min-spin 0")
    parser.add_argument(
        "--tune", action="store_true", help="restore the TUNE stories outside the pile, not TEST"
    )
    parser.add_argument(
        "--threshold", type=float, help="the table's own decision threshold (header field)"
    )
    parser.add_argument("--spin-gate", type=float, help="the table's own spin gate (header)")
    args = parser.parse_args(argv)
    from unspin.learn.gates import learned_threshold

    if not w.available():
        sys.exit("skipped: the spinner W dev set or Reuters corpus is absent (needs ../shared)")
    from unspin.models.table import load_table, write_table

    held = range(w.PILE.stop, w.TUNE.stop) if args.tune else w.TEST
    pile, test = w.split(w.PILE), w.split(held)[: args.stories]
    table_path = args.table
    report: dict = {}
    if table_path is None:
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        entries = oracle_entries(pile)
        write_table(
            entries,
            args.output,
            "oracle",
            ["oracle: spinner W dev PILE alignments"],
            spin_gate=args.spin_gate,
            # a perfect table learned from aligned copies: decided as `unspin learn`'s are
            threshold=learned_threshold("aligned") if args.threshold is None else args.threshold,
            method="aligned",
        )
        table_path = args.output
        report["oracle_rows"] = len(entries)
        report["build_seconds"] = round(time.perf_counter() - started, 1)
    table = load_table(table_path)
    settings = {"default": {}, "min_spin_0": {"min_spin": 0.0}}
    if args.no_gate:
        settings = {"min_spin_0": {"min_spin": 0.0}}
    for label, options in settings.items():
        started = time.perf_counter()
        restored = restore_all([s.spun for s in test], table_path, **options)
        clean = restore_all([s.original for s in test], table_path, **options)
        share, before, after = undone(
            (s.spun, r, s.original) for s, r in zip(test, restored, strict=True)
        )
        changed = sum(c != s.original for c, s in zip(clean, test, strict=True))
        clean_errors = sum(errors(c, s.original) for c, s in zip(clean, test, strict=True))
        report[label] = {
            "errors_undone": round(100 * share, 1),
            "errors_before": before,
            "errors_after": after,
            "clean_originals_changed": changed,
            "clean_errors": clean_errors,
            "seconds": round(time.perf_counter() - started, 1),
            "where_lost": lost(test, restored, table),
            "edits": edit_sources(test, table_path, **options),
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
