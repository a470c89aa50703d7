"""Does neural rescoring pay? The n-gram decoder against Gemma-270M on the same candidates.

The engine proposes candidates and priors with the n-gram LM as always; only the
``decide`` steps change their scorer (``Engine.edits_from`` on a copy of the engine
whose ``scorer`` is the neural one). Measured, n-gram vs neural (at a few
``scale`` factors on the neural log10 gain, since the priors are in n-gram units):

1. "which sentence is the original": Reuters sentences with one word swapped for a
   Moby synonym (``bench.bench_lm.swapped_pairs``);
2. error reduction on synthetic spins of Reuters and on seed 000 vs 001, and false
   changes per 1,000 words on clean Reuters stories and on seeds 001 and 003;
3. speed of a neural restore on spun text (sentences/s, words/s).

Reuters is used for evaluation only; nothing derived from it is written outside
``bench/out/``. Needs ``pip install -e '.[bench-neural]'`` and ../shared::

    python -m bench.bench_neural [--pairs 300] [--spun 12] [--clean 60] [--speed 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bench.bench_lm import swapped_pairs
from bench.bench_restore import (
    REUTERS,
    _seed,
    reuters_stories,
    seed_reductions,
    sentence_spans_of,
)
from bench.metrics import error_reduction, false_change_rate, fraction_undone
from unspin import Edit, apply_edits
from unspin.options import RestoreOptions
from unspin.restore.decode import Scorer
from unspin.restore.engine import Analysis, Engine, get_engine

OUT = Path(__file__).resolve().parent / "out" / "neural_report.json"
SCALES = (0.5, 0.75, 1.0)


class Mixed:
    """The mean of two scorers' log10 scores (n-gram and neural), one big cluster."""

    order = 10_000

    def __init__(self, first: Scorer, second: Scorer, weight: float = 0.5) -> None:
        self.first, self.second, self.weight = first, second, weight
        self.signature = f"mix{weight:g}"

    def score(self, words: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        a = self.first.score(words, bos, eos)
        return (1 - self.weight) * a + self.weight * self.second.score(words, bos, eos)


def edits_with(eng: Engine, text: str, analysis: Analysis, scorer: Scorer) -> list[Edit]:
    """The engine's own ``edits_from`` (pruning, margin, repeat bonus) on an n-gram analysis,
    with ``scorer`` making the decisions (``edits_from`` uses the scorer only in ``decide``)."""
    return replace(eng, scorer=scorer).edits_from(text, analysis)


def pair_accuracy(scorers: dict[str, Scorer], count: int, seed: int) -> dict[str, float]:
    """Share of (original, one-word swap) pairs where each scorer prefers the original."""
    pairs = swapped_pairs(count, seed)
    out = {}
    for name, scorer in scorers.items():
        started = time.perf_counter()
        wins = sum(scorer.score(o) > scorer.score(s) for o, s, _ in pairs)
        out[name] = {
            "accuracy": round(wins / len(pairs), 4),
            "pairs": len(pairs),
            "seconds": round(time.perf_counter() - started, 1),
        }
    return out


Decider = Callable[[str], str]


def evaluate_spun(
    pairs: list[tuple[str, str]], restore_fns: dict[str, Decider]
) -> dict[str, dict[str, float]]:
    """Error reduction on (spun, original) pairs for each restorer."""
    out = {}
    for name, fn in restore_fns.items():
        started = time.perf_counter()
        reductions = [error_reduction(s, fn(s), o) for s, o in pairs]
        out[name] = {
            "errors_before": sum(b for b, _ in reductions),
            "errors_after": sum(a for _, a in reductions),
            "undone": round(fraction_undone(reductions), 4),
            "seconds": round(time.perf_counter() - started, 1),
        }
    return out


def evaluate_clean(texts: list[str], restore_fns: dict[str, Decider]) -> dict[str, float]:
    """False changes per 1,000 words on clean texts for each restorer."""
    return {
        name: round(false_change_rate((t, fn(t)) for t in texts), 3)
        for name, fn in restore_fns.items()
    }


def evaluate_seeds(edits_fns: dict[str, Callable[[str], list[Edit]]]) -> dict[str, dict]:
    """Seed 000 restored whole, scored per sentence against 001 (as in bench_restore);
    false changes on 001 and 003."""
    spun = _seed("000")
    clean = [_seed("001"), _seed("003")]
    out = {}
    for name, fn in edits_fns.items():
        reductions = seed_reductions(fn(spun))
        out[name] = {
            "errors_before": sum(b for b, _ in reductions),
            "errors_after": sum(a for _, a in reductions),
            "undone": round(fraction_undone(reductions), 4),
            "false_per_1000": round(
                false_change_rate((c, apply_edits(c, fn(c))) for c in clean), 3
            ),
        }
    return out


def neural_speed(eng: Engine, texts: list[str], scorer: Scorer) -> dict[str, float]:
    """A whole restore (n-gram analysis + neural decisions) on texts the scorer has not seen."""
    n_words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    sentences = with_cands = 0
    for t in texts:
        analysis = eng.analyse(t)
        sentences += len(sentence_spans_of(t))
        with_cands += len(analysis.sentences)
        apply_edits(t, edits_with(eng, t, analysis, scorer))
    seconds = time.perf_counter() - started
    return {
        "texts": len(texts),
        "words": n_words,
        "sentences": sentences,
        "sentences_with_candidates": with_cands,
        "seconds": round(seconds, 1),
        "sentences_per_s": round(sentences / seconds, 2),
        "words_per_s": round(n_words / seconds, 1),
    }


def ngram_speed(eng: Engine, texts: list[str]) -> dict[str, float]:
    """The default n-gram restore on the same texts."""
    n_words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    for t in texts:
        apply_edits(t, eng.edits(t))
    seconds = time.perf_counter() - started
    return {"words_per_s": round(n_words / seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=300, help="swapped sentence pairs")
    parser.add_argument("--spun", type=int, default=12, help="spun Reuters stories")
    parser.add_argument("--clean", type=int, default=60, help="clean Reuters stories")
    parser.add_argument("--speed", type=int, default=3, help="unseen spun stories timed")
    parser.add_argument("--skip", type=int, default=2000, help="Reuters stories to skip first")
    parser.add_argument("--style", default="A", help="spinner style (bench.spinner)")
    parser.add_argument("--seed", type=int, default=13, help="seed of the swapped pairs")
    args = parser.parse_args(argv)
    if not REUTERS.exists():
        print(f"skipped: needs {REUTERS} (../shared is not present in this clone)")
        return 0
    from bench.neural_scorer import load_neural_scorer
    from unspin.errors import MissingDataError

    try:
        neural = {s: load_neural_scorer(s) for s in SCALES}
    except MissingDataError as error:
        print(f"skipped: {error}")
        return 0
    from bench.spinner import Spinner

    eng = get_engine(RestoreOptions())
    scorers: dict[str, Scorer] = {"ngram": eng.scorer}
    scorers.update({f"neural*{s:g}": neural[s] for s in SCALES})
    scorers["mix0.5"] = Mixed(eng.scorer, neural[1.0])
    report: dict[str, object] = {"engine": eng.signature, "args": vars(args)}
    t0 = time.perf_counter()

    def done(part: str) -> None:
        """Save what is measured so far (a long run can be stopped and still read)."""
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"{part} done after {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    stories = list(reuters_stories(args.skip, max(args.spun, args.clean) + args.speed))
    spinner = Spinner.from_moby(rate=0.3, seed=7, style=args.style, part=1, max_synonyms=6)
    spun_pairs = [(spinner.spin(s), s) for s in stories[: args.spun]]
    unseen = [spinner.spin(s) for s in stories[len(stories) - args.speed :]]

    # 3. Speed first, while the neural cache is cold.
    if unseen:
        report["speed_neural"] = neural_speed(eng, unseen, neural[1.0])
        report["speed_ngram"] = ngram_speed(eng, unseen)
    done("speed")

    # 1. Which sentence is the original (whole-sentence scores; the mix is not a LM).
    if args.pairs:
        report["pairs"] = pair_accuracy(
            {k: v for k, v in scorers.items() if k in ("ngram", "neural*1")}, args.pairs, args.seed
        )
        done("pairs")

    # 2. Restoration: analyse each text once, decide with every scorer.
    analyses: dict[str, Analysis] = {}

    def analysed(text: str) -> Analysis:
        if text not in analyses:
            analyses[text] = eng.analyse(text)
        return analyses[text]

    def edits_fn(scorer: Scorer) -> Callable[[str], list[Edit]]:
        return lambda text: edits_with(eng, text, analysed(text), scorer)

    def restore_fn(scorer: Scorer) -> Decider:
        return lambda text: apply_edits(text, edits_with(eng, text, analysed(text), scorer))

    restorers = {name: restore_fn(s) for name, s in scorers.items()}
    report["seeds_000_vs_001"] = evaluate_seeds({n: edits_fn(s) for n, s in scorers.items()})
    done("seeds")
    report[f"reuters_spun_{args.style}"] = evaluate_spun(spun_pairs, restorers)
    done("spun")
    report["reuters_clean_false_per_1000"] = evaluate_clean(stories[: args.clean], restorers)
    report["clean_words"] = sum(len(s.split()) for s in stories[: args.clean])
    report["seconds"] = round(time.perf_counter() - t0)
    done("clean")
    print_table(report, args.style)
    return 0


def print_table(report: dict, style: str) -> None:
    """The results as a small text table."""
    spun = report[f"reuters_spun_{style}"]
    seeds = report["seeds_000_vs_001"]
    clean = report["reuters_clean_false_per_1000"]
    pairs = report.get("pairs", {})
    head = f"{'scorer':<12}{'pairs acc':>10}{'spun undone':>13}{'false/1k':>10}"
    head += f"{'seed undone':>13}{'seed false/1k':>15}"
    print(head)
    for name in spun:
        acc = pairs.get(name, {}).get("accuracy")
        print(
            f"{name:<12}{'' if acc is None else f'{acc:.1%}':>10}"
            f"{spun[name]['undone']:>13.1%}{clean[name]:>10.2f}"
            f"{seeds[name]['undone']:>13.1%}{seeds[name]['false_per_1000']:>15.2f}"
        )
    if "speed_neural" not in report:
        return
    sp, ng = report["speed_neural"], report["speed_ngram"]
    print(
        f"speed (spun, {sp['texts']} unseen stories): neural {sp['sentences_per_s']} sentences/s, "
        f"{sp['words_per_s']} words/s ({sp['sentences_with_candidates']} of {sp['sentences']} "
        f"sentences had candidates); n-gram {ng['words_per_s']} words/s"
    )
    print(f"report: {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")


if __name__ == "__main__":
    raise SystemExit(main())
