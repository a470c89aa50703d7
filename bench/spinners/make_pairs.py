"""Build synthetic (spun, clean) pairs of a corpus with the simulated spinner, as JSONL (one
``{"spun", "clean", "id", "style"}`` per article or paragraph chunk)::

    python -m bench.spinners.make_pairs --corpus ../shared/corpus/wikipedia_en.jsonl.gz \\
        --n 3000 --output bench/out/wiki_pairs.jsonl --seed 1

Reuters is evaluation-only: pairs made from it must stay in gitignored folders
(``bench/out/`` or ``work/``), and this tool refuses other destinations.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT, chunks, read_jsonl
from bench.spinners.spinner import Spinner

__all__ = ["make_pairs", "main"]

_SCRATCH = ("bench/out", "work")


def make_pairs(
    docs: list[dict], n: int, spinners: dict[str, Spinner], max_words: int, seed: int
) -> Iterator[dict]:
    """Up to ``n`` pair records from shuffled ``docs``; styles alternate at random."""
    rng = random.Random(seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    made = 0
    for k in order:
        for j, piece in enumerate(chunks(docs[k]["text"], max_words)):
            if made >= n:
                return
            style = rng.choice(sorted(spinners))
            spun = spinners[style].spin(piece)
            yield {"id": f"{docs[k]['id']}#{j}", "style": style, "spun": spun, "clean": piece}
            made += 1


def _check_destination(corpus: str, output: Path) -> None:
    """Refuse to write Reuters-derived data outside the gitignored scratch folders."""
    if "reuters" not in Path(corpus).name.lower():
        return
    scratch = [(ROOT / s).resolve() for s in _SCRATCH]
    if not any(output.resolve().is_relative_to(s) for s in scratch):
        raise SystemExit(
            f"Reuters is evaluation-only: write {output} under {' or '.join(_SCRATCH)} "
            "in the repository (gitignored), not elsewhere"
        )


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", required=True, help="JSONL(.gz) with id/title/text")
    p.add_argument("--n", type=int, default=3000, help="pairs to write")
    p.add_argument("--output", default="bench/out/pairs.jsonl", help="pairs JSONL path")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=float, default=0.3)
    p.add_argument("--styles", default="A,B", help="comma-separated: A, B, plain")
    p.add_argument("--part", type=int, choices=(0, 1), help="dictionary half (holdout split)")
    p.add_argument("--max-words", type=int, default=300, help="chunk size; 0 = whole article")
    args = p.parse_args(argv)
    out = Path(args.output)
    _check_destination(args.corpus, out)
    docs = [d for d in read_jsonl(args.corpus) if d.get("text", "").strip()]
    spinners = {
        s: Spinner.from_moby(rate=args.rate, seed=args.seed, style=s, part=args.part)
        for s in args.styles.split(",")
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        count = 0
        for record in make_pairs(docs, args.n, spinners, args.max_words, args.seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    print(f"wrote {count} pairs to {out}")


if __name__ == "__main__":
    main()
