"""Restoration benchmark: error reduction, false changes and speed.

Synthetic spins of Reuters stories (evaluation only: nothing derived from Reuters
is written into the repository), the seeds (000 against 001 where 001 covers
it; 004 against a hand reconstruction of its original), and speed next to ftfy's
``fix_text`` as a yardstick of "cheap enough to run on every document"::

    python -m bench.bench_restore --stories 200
    python -m bench.bench_restore --table learned.tsv --stories 200 --skip 1000
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from bench.metrics import error_reduction, false_change_rate, fraction_undone, words
from unspin import Edit, RestoreOptions, apply_edits, restore, restore_and_explain
from unspin.text.tokens import sentence_spans, tokenize

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "corpus" / "reuters21578.jsonl.gz"


def reuters_stories(skip: int, count: int, min_words: int = 120) -> Iterator[str]:
    """Reuters story texts with at least ``min_words`` words, after skipping ``skip``."""
    seen = 0
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if len(text.split()) < min_words:
                continue
            seen += 1
            if seen <= skip:
                continue
            if seen > skip + count:
                return
            yield text


def _seed(prefix: str) -> str:
    return next((ROOT / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def sentence_spans_of(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``."""
    toks = tokenize(text)
    return [(toks[a].start, toks[b - 1].end) for a, b in sentence_spans(toks, text)]


# A stretch this long that one side of a sentence pair lacks is no spinner's swap: the
# clean sentence is another version of it (001 quotes the lawsuit where 000 paraphrases it).
OTHER_VERSION_WORDS = 8


def seed_pairs() -> list[tuple[str, str]]:
    """(spun sentence of seed 000, its clean counterpart in 001) where 001 has one, and
    not another version of it (a differing stretch of :data:`OTHER_VERSION_WORDS` words)."""
    spun, clean = _seed("000"), _seed("001")
    clean_sents = [clean[a:b] for a, b in sentence_spans_of(clean)]
    pairs = []
    for a, b in sentence_spans_of(spun):
        s = spun[a:b]
        if len(words(s)) < 6:
            continue
        match = extractOne(s, clean_sents, scorer=fuzz.ratio, score_cutoff=55)
        if match and not _other_version(s, match[0]):
            pairs.append((s, match[0]))
    return pairs


def _other_version(spun: str, clean: str) -> bool:
    """Whether the two sentences differ by a stretch of many words (not a spin)."""
    ops = Levenshtein.opcodes(words(spun), words(clean))
    return any(
        max(o.src_end - o.src_start, o.dest_end - o.dest_start) >= OTHER_VERSION_WORDS
        for o in ops
        if o.tag != "equal"
    )


def seed_reductions(edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Word errors (before, after) of each seed-000 sentence that 001 covers, once the
    ``edits`` (made to the whole of seed 000) are applied."""
    spun = _seed("000")
    by_sentence = dict(seed_pairs())
    reductions = []
    for a, b in sentence_spans_of(spun):
        if spun[a:b] in by_sentence:
            inside = [replace_offsets(e, a) for e in edits if a <= e.start and e.end <= b]
            restored = apply_edits(spun[a:b], inside)
            reductions.append(error_reduction(spun[a:b], restored, by_sentence[spun[a:b]]))
    return reductions


def evaluate_seeds(options: RestoreOptions) -> dict[str, float]:
    """Seed 000 restored as a whole document, scored sentence by sentence against 001;
    false changes on the whole of 001 and 003."""
    reductions = seed_reductions(restore_and_explain(_seed("000"), options).edits)
    clean = [_seed("001"), _seed("003")]
    return {
        "errors_before": sum(b for b, _ in reductions),
        "errors_after": sum(a for _, a in reductions),
        "undone": round(fraction_undone(reductions), 4),
        "false_per_1000": round(false_change_rate((c, restore(c, options)) for c in clean), 3),
    }


def evaluate_seed_004(options: RestoreOptions) -> dict[str, float]:
    """Seed 004 (real spinner B) against a hand reconstruction of its original
    (``bench/references``: approximate, a few words are guesses)."""
    spun = _seed("004")
    original = (ROOT / "bench" / "references" / "004_reconstructed.txt").read_text("utf-8")
    before, after = error_reduction(spun, restore(spun, options), original)
    return {
        "errors_before": before,
        "errors_after": after,
        "undone": round(fraction_undone([(before, after)]), 4),
    }


def replace_offsets(edit: Edit, shift: int) -> Edit:
    """The edit with its offsets moved ``shift`` characters left."""
    return edit._replace(start=edit.start - shift, end=edit.end - shift)


def evaluate(pairs: list[tuple[str, str]], options: RestoreOptions) -> dict[str, float]:
    """Error reduction of restoring each spun text, and false changes on its original."""
    reductions = [error_reduction(s, restore(s, options), o) for s, o in pairs]
    before = sum(b for b, _ in reductions)
    return {
        "errors_before": before,
        "errors_after": sum(a for _, a in reductions),
        "undone": round(fraction_undone(reductions), 4),
        "false_per_1000": round(false_change_rate((o, restore(o, options)) for _, o in pairs), 3),
    }


def speed(texts: list[str], options: RestoreOptions) -> dict[str, float]:
    """Words per second of restore and of ftfy.fix_text on the same texts."""
    n = sum(len(t.split()) for t in texts)
    restore(texts[0], options)  # load table and model outside the clock
    t0 = time.perf_counter()
    for t in texts:
        restore(t, options)
    ours = n / (time.perf_counter() - t0)
    out = {"words": n, "restore_wps": round(ours)}
    try:
        from ftfy import fix_text
    except ImportError:
        return out
    t0 = time.perf_counter()
    for t in texts:
        fix_text(t)
    out["ftfy_wps"] = round(n / (time.perf_counter() - t0))
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=150)
    parser.add_argument("--skip", type=int, default=2000, help="Reuters stories to skip first")
    parser.add_argument("--table", type=Path, action="append", default=[])
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--styles", default="A,B")
    parser.add_argument(
        "--max-synonyms",
        type=int,
        default=6,
        help="synonyms per word the simulated spinner picks from",
    )
    parser.add_argument(
        "--free-choice",
        action="store_true",
        help="the simulated spinner picks a new synonym at every occurrence (default: one "
        "fixed synonym per word, like a real spinner's dictionary)",
    )
    args = parser.parse_args(argv)
    options = RestoreOptions(tables=tuple(args.table))
    report: dict[str, object] = {
        "seeds_000_vs_001": evaluate_seeds(options),
        "seed_004_vs_reconstruction": evaluate_seed_004(options),
    }
    if not REUTERS.exists():
        print("../shared/corpus/reuters21578.jsonl.gz is absent: seeds only", file=sys.stderr)
    else:
        from bench.spinner import Spinner

        stories = list(reuters_stories(args.skip, args.stories))
        for style in args.styles.split(","):
            spinner = Spinner.from_moby(
                rate=args.rate,
                seed=7,
                style=style,
                part=1,
                max_synonyms=args.max_synonyms,
                fixed=not args.free_choice,
            )
            pairs = [(spinner.spin(s), s) for s in stories]
            report[f"reuters_style_{style}"] = evaluate(pairs, options)
            if style == args.styles.split(",")[0]:
                report["speed_spun"] = speed([p[0] for p in pairs], options)
        report["speed_clean"] = speed(stories, options)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
