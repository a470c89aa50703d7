"""Restoring with the bundled data (or given tables): errors undone and clean text changed.

- **seeds**: seed 000 (real spinner A) against 001 where 001 covers it, seed 004 (real
  spinner B) against a hand reconstruction of its original (``bench/references``), with the
  "supervision" and "criticism" it keeps; wrong changes on the clean seeds 001 and 003;
- **simulated**: Reuters stories spun by the simulated spinner (styles A and B, the
  dictionary half the bundled table never saw), against their originals;
- **spinner W**: its 200 held-out TEST stories (light, and ``--heavy``), restored as a user
  would (``unspin.restore``); clean: their originals and seeds 001/003.

Reuters and spinner W are evaluation only (``../shared``; without it, the seeds only)::

    python -m bench.quality.restore                      # seeds, simulated, spinner W
    python -m bench.quality.restore --table learned.tsv --stories 100 --heavy
    python -m bench.quality.restore --coverage 60        # share of swaps the candidates reach
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from bench.common import (
    REUTERS,
    ROOT,
    error_reduction,
    fraction_undone,
    restore_report,
    reuters_texts,
    seed,
    tokens,
    undone,
    wrong_per_1000,
)
from bench.spinners import spinner_w
from unspin import Edit, RestoreOptions, apply_edits, restore, restore_and_explain
from unspin.text.tokens import sentence_spans, tokenize

# A stretch this long that one side of a sentence pair lacks is no spinner's swap: the
# clean sentence is another version of it (001 quotes the lawsuit where 000 paraphrases it).
OTHER_VERSION_WORDS = 8


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``."""
    toks = tokenize(text)
    return [(toks[a].start, toks[b - 1].end) for a, b in sentence_spans(toks, text)]


def seed_pairs() -> list[tuple[str, str]]:
    """(spun sentence of seed 000, its clean counterpart in 001) where 001 has one, and
    not another version of it (a differing stretch of :data:`OTHER_VERSION_WORDS` words)."""
    spun, clean = seed("000"), seed("001")
    clean_sents = [clean[a:b] for a, b in sentences(clean)]
    pairs = []
    for a, b in sentences(spun):
        s = spun[a:b]
        match = extractOne(s, clean_sents, scorer=fuzz.ratio, score_cutoff=55)
        if len(_words(s)) < 6 or not match:
            continue
        ops = Levenshtein.opcodes(_words(s), _words(match[0]))
        if all(max(o.src_end - o.src_start, o.dest_end - o.dest_start) < OTHER_VERSION_WORDS
               for o in ops if o.tag != "equal"):  # fmt: skip
            pairs.append((s, match[0]))
    return pairs


def _words(text: str) -> list[str]:
    return [t for t in tokens(text) if t[0].isalnum()]


def seed_reductions(edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Word errors (before, after) of each seed-000 sentence that 001 covers, once the
    ``edits`` (made to the whole of seed 000) are applied."""
    spun, by_sentence = seed("000"), dict(seed_pairs())
    reductions = []
    for a, b in sentences(spun):
        if spun[a:b] in by_sentence:
            inside = [e._replace(start=e.start - a, end=e.end - a) for e in edits
                      if a <= e.start and e.end <= b]  # fmt: skip
            text = spun[a:b]
            fixed = apply_edits(text, inside)
            reductions.append(error_reduction(text, fixed, by_sentence[text]))
    return reductions


def evaluate_seeds(options: RestoreOptions) -> dict[str, float]:
    """Seed 000 restored as a whole document, scored sentence by sentence against 001;
    seed 004 against its reconstruction; wrong changes on the whole of 001 and 003."""
    reductions = seed_reductions(restore_and_explain(seed("000"), options).edits)
    s004 = seed("004")
    original = (ROOT / "bench" / "references" / "004_reconstructed.txt").read_text("utf-8")
    r004 = restore(s004, options)
    share, before, after = undone([(s004, r004, original)])
    return {
        "seed_000_vs_001": round(fraction_undone(reductions), 4),
        "seed_000_errors": [sum(b for b, _ in reductions), sum(a for _, a in reductions)],
        "seed_004_vs_reconstruction": round(share, 4),
        "seed_004_errors": [before, after],
        "seed_004_left": {w: tokens(r004).count(w) for w in ("supervision", "criticism")},
        "clean_seeds_wrong_per_1000": round(
            wrong_per_1000((c, restore(c, options)) for c in (seed("001"), seed("003"))), 3
        ),
    }


def simulated(options: RestoreOptions, stories: int, skip: int, styles: str) -> dict:
    """Reuters stories of 120+ words spun by the simulated spinner, each style."""
    from bench.spinners.spinner import Spinner

    texts = reuters_texts(min_words=120)[skip : skip + stories]
    out = {}
    for style in styles.split(","):
        spinner = Spinner.from_moby(rate=0.3, seed=7, style=style, part=1, fixed=True)
        pairs = [(spinner.spin(t), t) for t in texts]
        report = restore_report(lambda t: restore(t, options), pairs, [])
        report["wrong_per_1000"] = round(wrong_per_1000((t, restore(t, options)) for t in texts), 3)
        out[f"style_{style}"] = report
    return out


def spinner_w_report(options: RestoreOptions, stories: int, heavy: bool) -> dict:
    """Spinner W's TEST stories (light, or heavy) and clean text, restored with ``options``."""
    test = spinner_w.split(spinner_w.TEST, heavy)[:stories]
    clean = [s.original for s in test] + [seed("001"), seed("003")]
    return restore_report(
        lambda t: restore(t, options), [(s.spun, s.original) for s in test], clean
    )


def coverage(stories: int) -> dict[str, float]:
    """Of the words spinner W changed in the first ``stories`` tuning stories, the share
    for which the engine proposes the right original (thorough, as in a spun document)."""
    from unspin.restore.engine import get_engine

    engine = get_engine(RestoreOptions(min_spin=0.0, thorough=True))
    changed = reached = 0
    for story in spinner_w.split(spinner_w.TUNE)[:stories]:
        analysis = engine.analyse(story.spun)
        gold = spinner_w.Gold(story.spun, story.original)
        right: set[int] = set()
        for sent in analysis.sentences:
            for c in sent.candidates:
                i, j = sent.first + c.i, sent.first + c.j
                if gold.words(i, j) == c.words:
                    right.update(range(i, j))
        spun = [k for k, t in enumerate(analysis.tokens) if t.kind != "punct" and gold.changed(k)]
        changed += len(spun)
        reached += sum(k in right for k in spun)
    return {"changed_words": changed, "reached": round(reached / max(changed, 1), 4)}


def main(argv: list[str] | None = None) -> None:
    """Print the report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", type=Path, action="append", default=[])
    parser.add_argument("--min-spin", type=float, default=RestoreOptions().min_spin)
    parser.add_argument("--stories", type=int, default=200, help="spinner W TEST stories")
    parser.add_argument("--heavy", action="store_true", help="also spinner W's heavy spins")
    parser.add_argument("--simulated", type=int, default=200, help="simulated spins (0: none)")
    parser.add_argument("--skip", type=int, default=2000, help="Reuters stories to skip first")
    parser.add_argument("--styles", default="A,B")
    parser.add_argument("--coverage", type=int, help="instead: candidate coverage on N stories")
    args = parser.parse_args(argv)
    if args.coverage:
        print(json.dumps(coverage(args.coverage), indent=1))
        return
    options = RestoreOptions(tables=tuple(args.table), min_spin=args.min_spin)
    report: dict[str, object] = {"seeds": evaluate_seeds(options)}
    if not REUTERS.exists() or not spinner_w.available():
        print("../shared is absent: seeds only", file=sys.stderr)
    else:
        if args.simulated:
            report["simulated"] = simulated(options, args.simulated, args.skip, args.styles)
        report["spinner_w"] = spinner_w_report(options, args.stories, False)
        if args.heavy:
            report["spinner_w_heavy"] = spinner_w_report(options, args.stories, True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
