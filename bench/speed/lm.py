"""Benchmark the language model: load time, window scoring speed, original-vs-swap accuracy.

Run from the repository root::

    python -m bench.speed.lm [--model data/lm/wiki-3g.arpa.gz] [--sentences 600]

Accuracy: 600 Reuters sentences (evaluation only, never training data) each get one
word swapped for a common single-word Moby synonym (``bench.spinners.spinner.MobyDictionary``);
the score is how often the LM prefers the original sentence. A wordfreq unigram
baseline is printed next to it. Needs ../shared (skips with a message otherwise).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections.abc import Iterator

from bench.common import REUTERS, read_jsonl
from unspin.models.lm import LanguageModel, load_lm
from unspin.text.tokens import lm_sentences


def reuters_sentences() -> Iterator[list[str]]:
    """LM token sentences of the Reuters stories, 8 to 40 tokens long."""
    for doc in read_jsonl(REUTERS):
        yield from (s for s in lm_sentences(doc["text"]) if 8 <= len(s) <= 40)


def swapped_pairs(count: int, seed: int) -> list[tuple[list[str], list[str], int]]:
    """``(original, swapped, position)``: one word replaced by a Moby synonym."""
    from bench.spinners.spinner import MobyDictionary

    moby = MobyDictionary()
    rng = random.Random(seed)
    pool = list(reuters_sentences())
    rng.shuffle(pool)
    pairs = []
    for sentence in pool:
        slots = [i for i, w in enumerate(sentence) if w.isalpha() and w in moby]
        rng.shuffle(slots)
        for i in slots:
            options = (
                [s for s in moby[w] if " " not in s and "-" not in s] if (w := sentence[i]) else []
            )
            if options:
                swapped = [*sentence[:i], rng.choice(options), *sentence[i + 1 :]]
                pairs.append((sentence, swapped, i))
                break
        if len(pairs) == count:
            break
    return pairs


def accuracy(lm: LanguageModel, pairs: list[tuple[list[str], list[str], int]]) -> dict[str, float]:
    """Share of pairs where the LM (whole sentence, and window) and wordfreq prefer the original."""
    from wordfreq import zipf_frequency

    whole = window = unigram = 0
    n = lm.order - 1
    for original, swapped, i in pairs:
        whole += lm.score(original) > lm.score(swapped)
        left, right = original[:i], original[i + 1 :]
        window += lm.score_span(left, [original[i]], right, eos=True) > lm.score_span(
            left, [swapped[i]], right, eos=True
        )
        unigram += zipf_frequency(original[i], "en") > zipf_frequency(swapped[i], "en")
        assert left[-n:] == swapped[:i][-n:]
    total = len(pairs)
    return {"sentence": whole / total, "window": window / total, "wordfreq": unigram / total}


def windows_per_second(
    lm: LanguageModel, pairs: list[tuple[list[str], list[str], int]], alternatives: int
) -> float:
    """score_span calls per second: 1-word middles, 2-word left and right contexts."""
    windows = []
    for original, swapped, i in pairs:
        left, right = original[max(0, i - 2) : i], original[i + 1 : i + 3]
        windows.append((left, [[original[i]], [swapped[i]]] * (alternatives // 2), right))
    lm._left.clear()
    calls = 0
    started = time.perf_counter()
    for _ in range(max(1, 200_000 // (len(windows) * alternatives))):
        for left, middles, right in windows:
            for middle in middles:
                lm.score_span(left, middle, right)
            calls += len(middles)
    return calls / (time.perf_counter() - started)


def load_seconds(model: str | None) -> float:
    """Load time in a fresh interpreter (what every CLI run pays)."""
    code = (
        "import time, sys; from unspin.models.lm import load_lm; t = time.perf_counter(); "
        f"load_lm({model!r}); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="ARPA/kenlm file (default: bundled)")
    parser.add_argument("--sentences", type=int, default=600)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if not REUTERS.exists():
        print(f"skipped: needs {REUTERS} (../shared is not present in this clone)")
        return 0
    lm = load_lm(args.model)
    print(
        f"model      {lm.signature}  order {lm.order}  {lm.path} "
        f"({lm.path.stat().st_size / 1e6:.1f} MB)"
    )
    print(f"load       {load_seconds(args.model):.2f} s (fresh process)")
    pairs = swapped_pairs(args.sentences, args.seed)
    print(
        f"speed      {windows_per_second(lm, pairs, 2):,.0f} windows/s (2 alternatives per context)"
    )
    print(
        f"           {windows_per_second(lm, pairs, 8):,.0f} windows/s (8 alternatives per context)"
    )
    scores = accuracy(lm, pairs)
    print(
        f"accuracy   {scores['sentence']:.1%} sentence score, {scores['window']:.1%} score_span, "
        f"{scores['wordfreq']:.1%} wordfreq baseline  ({len(pairs)} Moby swaps, Reuters)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
