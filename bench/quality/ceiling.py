"""Ceiling of restoration on seed 000 (real spinner A) against 001.

The share of seed 000's word errors whose original is among the candidates the engine
proposes (table, small-word reversals, thesaurus): what a perfect decision model could
undo with the bundled data, next to what restoring undoes. ``--out-of-sample`` leaves
out the table rows learned from the seeds themselves (source ``pile``);
``--thesaurus-limit`` and ``--any-word`` widen the thesaurus search beyond the engine's
defaults::

    python -m bench.quality.ceiling --out-of-sample
    python -m bench.quality.ceiling --out-of-sample --thesaurus-limit 10000 --any-word
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.common import seed
from bench.quality.restore import evaluate_seeds, seed_pairs
from unspin import RestoreOptions
from unspin.models.table import bundled_table, write_table
from unspin.text.tokens import norm, tokenize


def words(text: str) -> list[str]:
    """The engine's normalized words of ``text`` (punctuation dropped), as its candidates
    name them."""
    return [norm(t.text) for t in tokenize(text) if t.kind != "punct"]


def offered_pairs(text: str, options: RestoreOptions) -> set[tuple[str, str]]:
    """(observed words, candidate words) of every candidate the engine proposes in ``text``,
    as if the document looked spun."""
    from unspin.restore.engine import get_engine

    engine = get_engine(options)
    return {
        (" ".join(s.words[c.i : c.j]), " ".join(c.words))
        for s in engine.analyse(text).sentences
        for c in s.candidates
    }


def covered_errors(pairs: list[tuple[str, str]], offered: set[tuple[str, str]]) -> tuple[int, int]:
    """(word errors, errors whose original is offered) over (spun, clean) sentence pairs:
    a differing block counts when offered whole (alone or with the word next to it, which
    both sides share: "court docket" -> "court"), or word by word when both sides have the
    same length.

    >>> covered_errors([("the court docket ruled", "the court ruled")], {("court docket", "court")})
    (1, 1)
    """
    total = covered = 0
    for spun, clean in pairs:
        sw, cw = words(spun), words(clean)
        for a, b, c, d in _blocks(sw, cw):
            found, original = sw[a:b], cw[c:d]
            n = Levenshtein.distance(found, original)
            total += n
            before = sw[a - 1 : a] if a else []
            after = sw[b : b + 1]
            ways = [(found, original), (before + found, before + original)]
            ways.append((found + after, original + after))
            if any((" ".join(x), " ".join(y)) in offered for x, y in ways):
                covered += n
            elif len(found) == len(original):
                covered += sum(pair in offered for pair in zip(found, original, strict=True))
    return total, covered


def _blocks(sw: list[str], cw: list[str]) -> list[tuple[int, int, int, int]]:
    """The differing stretches of two word lists, adjacent edits merged into one block
    ("in keeping with" -> "according to" is one block, not a replacement and a deletion)."""
    blocks: list[list[int]] = []
    last_end = -1
    for op in Levenshtein.opcodes(sw, cw):
        if op.tag == "equal":
            continue
        if blocks and op.src_start == last_end:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
        last_end = op.src_end
    return [(a, b, c, d) for a, b, c, d in blocks]


def main(argv: list[str] | None = None) -> None:
    """Print the ceiling as JSON."""
    from unspin.restore import proposals

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-of-sample", action="store_true")
    parser.add_argument("--thesaurus-limit", type=int, default=None)
    parser.add_argument(
        "--any-word",
        action="store_true",
        help="ask the thesaurus about every content word, not only the ones the LM finds unlikely",
    )
    args = parser.parse_args(argv)
    if args.thesaurus_limit:
        proposals._THESAURUS_LIMIT = args.thesaurus_limit
    if args.any_word:
        proposals._SURPRISE = float("inf")
    tables: tuple[Path, ...] = ()
    if args.out_of_sample:
        table = bundled_table()
        path = Path(tempfile.mkdtemp()) / "without-seeds.tsv"
        write_table([e for e in table.entries if e.source != "pile"], path, "without-seeds")
        tables = (path,)
    options = RestoreOptions(tables=tables, min_spin=0.0, thorough=True)
    total, covered = covered_errors(seed_pairs(), offered_pairs(seed("000"), options))
    report = {
        "errors": total,
        "covered": covered,
        "ceiling": round(covered / max(total, 1), 3),
        "undone": evaluate_seeds(RestoreOptions(tables=tables))["seed_000_vs_001"],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
