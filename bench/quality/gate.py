"""How many edits a document that passed the spin gate must show (``detect.confirmed``).

Restores held-out Wikipedia chunks, clean and spun by the calibration's simulated
spinners (styles A and B, both dictionary halves), once without the check, then
sweeps the edits-per-word factor: clean chunks still changed against the share of
the spinners' word errors still undone::

    python -m bench.quality.gate --docs 3000
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bench.common import error_reduction, wiki_chunks
from bench.spinners.spinner import Spinner
from unspin import apply_edits
from unspin.options import RestoreOptions
from unspin.restore.detect import EDITS_PER_WORD_WHEN_UNSURE, edits_needed
from unspin.restore.engine import get_engine

FACTORS = [0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1]


@dataclass(frozen=True)
class Outcome:
    """One restored document: its spin estimate, size, edits and (spun only) errors."""

    kind: str
    spin: float
    words: int
    edits: int
    before: int = 0
    after: int = 0

    def kept(self, factor: float) -> bool:
        """Whether the document keeps its edits under ``factor`` (``detect.confirmed``)."""
        return self.edits > 0 and self.edits >= edits_needed(self.spin, self.words, factor)


def outcome(kind: str, text: str, original: str | None) -> Outcome:
    """Restore ``text`` with the gate but without the edit-count check."""
    engine = get_engine(RestoreOptions())
    analysis = engine.analyse(text)
    edits = engine.decided(text, analysis)
    ev = analysis.evidence
    if original is None:
        return Outcome(kind, ev.spin, ev.words, len(edits))
    before, after = error_reduction(text, apply_edits(text, edits), original)
    return Outcome(kind, ev.spin, ev.words, len(edits), before, after)


def sweep(outcomes: list[Outcome], factors: list[float]) -> list[str]:
    """One line per factor: clean documents changed, errors undone per spinner."""
    kinds = sorted({o.kind for o in outcomes} - {"clean"})
    clean = [o for o in outcomes if o.kind == "clean"]
    lines = []
    for factor in factors:
        parts = [f"factor {factor:.2f}: clean changed {sum(o.kept(factor) for o in clean)}"]
        parts.append(f"of {len(clean)}")
        for kind in kinds:
            docs = [o for o in outcomes if o.kind == kind]
            before = sum(o.before for o in docs)
            after = sum(o.after if o.kept(factor) else o.before for o in docs)
            parts.append(f"{kind} {1 - after / max(before, 1):.3f}")
        lines.append("  ".join(parts))
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the sweep and print it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=3000, help="clean chunks")
    parser.add_argument("--spun", type=int, default=800, help="of which spun as well")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    spinners = [
        (
            f"{style}{part}",
            Spinner.from_moby(rate=0.3, seed=args.seed, style=style, part=part, fixed=True),
        )
        for part in (0, 1)
        for style in "AB"
    ]
    outcomes = []
    for n, clean in enumerate(wiki_chunks(args.docs, args.seed)):
        outcomes.append(outcome("clean", clean, None))
        if n < args.spun:
            name, spinner = spinners[n % len(spinners)]
            outcomes.append(outcome(name, spinner.spin(clean), clean))
    print(f"bundled factor: {EDITS_PER_WORD_WHEN_UNSURE}")
    print("\n".join(sweep(outcomes, FACTORS)))


if __name__ == "__main__":
    main()
