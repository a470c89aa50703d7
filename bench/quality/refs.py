"""Benchmark twin search against a reference index shaped like the hidden test (issue 28).

Evaluation only; sets are built by :mod:`bench.quality.refs_data` and cached under
``bench/out/`` (gitignored): ~44,700 references (Reuters stories, ~300-word Wikipedia
chunks), 600 copies per spinner (spinner W and its heavy proxy) whose originals are indexed,
~150 per spinner whose originals are not, 168 clean queries.

The index here is an in-memory dict of postings, as the storage layer will keep them
(reference number -> its sampled keys; key -> reference numbers, at most
``MAX_POSTINGS + 1`` returned per key)::

    python -m bench.quality.refs                       # tune set: link figures
    python -m bench.quality.refs --set heldout
    python -m bench.quality.refs --stress              # heavy copies made heavier

Reported per spinner: copies linked to their original (or to a reference holding the same
text), linked to another version of the story, wrong links (to another story, or any link of
a copy whose original is not indexed), missed; clean queries linked as spun copies (must be
none) and in-index clean queries recognised as clean; queries per second (lookup + alignment
verification, one process), fingerprint microseconds per reference, postings per reference.
The study of fingerprint designs (recall@k of MinHash LSH, rare words, figures, anchor
pairs, stopword skeletons; docs/benchmarks.md) is ``--candidates`` at commit bc574ac, and
each stage's cost ``--speed`` (measured at scale now by ``bench.speed.scale``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from bench.quality import refs_data

OUT = refs_data.OUT


# ---------------------------------------------------------------- the index, in memory


class MemoryIndex:
    """Postings in a dict, as the storage layer keeps them (prototype, not shipped)."""

    def __init__(self, keys_of: Callable[[str], Sequence[int]], cap: int) -> None:
        self.keys_of = keys_of
        self.cap = cap
        self._postings: dict[int, list[int]] = defaultdict(list)
        self.texts: list[str] = []
        self.sizes: list[int] = []
        self.seconds = 0.0

    def add_all(self, texts: Iterable[str]) -> None:
        for text in texts:
            started = time.perf_counter()
            keys = self.keys_of(text)
            self.seconds += time.perf_counter() - started
            n = len(self.sizes)
            self.sizes.append(len(keys))
            self.texts.append(text)
            for k in keys:
                self._postings[k].append(n)

    def lookup(self, keys: Sequence[int]) -> dict[int, list[int]]:
        out = {}
        for k in keys:
            refs = self._postings.get(k)
            if refs:
                out[k] = refs[: self.cap + 1]
        return out

    postings = lookup  # the storage layer's interface (unspin.twins.search.ReferenceLookup)

    def text(self, reference: int) -> str:
        return self.texts[reference]


# ---------------------------------------------------------------- candidate designs


def _pct(a: int, b: int) -> float:
    return round(100 * a / max(b, 1), 1)


def heavier(text: str, seed: int, share: float = 0.3) -> str:
    """A heavier spin of an already heavy copy, toward the hidden heavy spinner (about 28
    word errors per 100, names swapped too): each capitalised dictionary word inside a
    sentence ("Group", "Dollar") and ``share`` of the remaining common words of 4+ letters
    become another common word in lower case, and a tenth of the uncommon words do too (a
    bigger dictionary knows more words). Not a real spinner: a stress test."""
    import random
    import re

    from unspin.twins import fingerprint as fp

    rng = random.Random(seed)
    common = sorted(fp.common_words(4.5))
    known = fp.common_words(fp.COMMON_ZIPF)

    def swap(m: re.Match) -> str:
        word, before = m.group(2), m.group(1)
        low = word.lower()
        inside = before and before[-1] not in ".!?\n"
        if word[0].isupper() and inside and low in known:
            return before + rng.choice(common)
        if word[0].islower() and low in known and len(low) >= 4 and rng.random() < share:
            return before + rng.choice(common)
        if low not in known and rng.random() < 0.1:
            return before + rng.choice(common)
        return m.group(0)

    return re.sub(r"(\S*\s+|^)([A-Za-z]+)(?=[\s,.;:]|$)", swap, text)


def link_report(name: str, limit: int = 5, stress: bool = False) -> dict:
    """Link every query with the shipped modules; figures as the hidden test counts them
    (``stress``: heavy copies made heavier first, :func:`heavier`)."""
    from unspin.models.lm import load_lm
    from unspin.twins import fingerprint as fp
    from unspin.twins.candidates import MAX_POSTINGS
    from unspin.twins.search import find_twin

    refs, queries = refs_data.build(name)
    if stress:
        queries = [
            dict(q, text=heavier(q["text"], q["qid"])) if q["spinner"] == "heavy" else q
            for q in queries
        ]
    index = MemoryIndex(fp.reference_keys, MAX_POSTINGS)
    index.add_all(r["text"] for r in refs)
    lm = load_lm()
    outcomes = []
    started = time.perf_counter()
    for q in queries:
        found = find_twin(q["text"], index, lm, limit)
        outcomes.append(
            {
                "qid": q["qid"],
                "kind": found.kind,
                "reference": found.reference,
                "candidates": [[c.reference, c.score] for c in found.candidates],
                "evidence": found.verdict.evidence._asdict() if found.verdict else None,
            }
        )
    seconds = time.perf_counter() - started
    (OUT / f"refs_{name}{'_stress' * stress}.outcomes.json").write_text(json.dumps(outcomes))
    report = score(queries, outcomes)
    report["queries_per_second"] = round(len(queries) / seconds, 1)
    if stress:
        from bench.common import errors, tokens

        spun = [
            (q["text"], refs[q["original"]]["text"])
            for q in queries
            if q["spinner"] == "heavy" and q["original"] is not None and q["kind"] == "spun_whole"
        ]
        per_100 = sum(errors(a, b) for a, b in spun) / sum(len(tokens(b)) for _, b in spun)
        report["stressed_heavy_errors_per_100_tokens"] = round(100 * per_100, 1)
    else:
        report["reuters_versions"] = versions_report(lm)
    report["fingerprint_us_per_reference"] = round(index.seconds / len(refs) * 1e6)
    report["postings_per_reference"] = round(statistics.mean(index.sizes), 1)
    return report


def versions_report(lm) -> dict:  # noqa: ANN001
    """Real clean versions: Reuters stories that are versions of one another (an editor's
    update, another desk's telling; :func:`bench.quality.refs_data.version_of`), each
    verified against the other both ways. None of them is a spun copy."""
    from collections import Counter

    from unspin.twins.verify import verify

    docs = {d["id"]: d["text"] for d in refs_data._jsonl(refs_data.REUTERS)}
    pairs = refs_data.version_pairs()
    kinds = Counter(
        str(verify(docs[a], docs[b], lm).kind) for x, y in pairs for a, b in ((x, y), (y, x))
    )
    return {"pairs": len(pairs), "verified_both_ways": dict(kinds)}


def score(queries: list[dict], outcomes: list[dict]) -> dict:
    """The figures: per spinner right / version / wrong / missed; clean queries."""
    rows: dict[str, Counter] = defaultdict(Counter)
    for q, o in zip(queries, outcomes, strict=True):
        linked = o["kind"] == "spun"
        row = rows[q["spinner"] or "clean"]
        if q["spinner"]:
            if q["original"] is None:
                row["unindexed"] += 1
                row["wrong"] += linked
                row["unindexed_linked"] += linked
            else:
                row["indexed"] += 1
                if not linked:
                    row["missed"] += 1
                    row["missed_as_" + o["kind"]] += 1
                elif o["reference"] in q["accept"]:
                    row["right"] += 1
                elif o["reference"] in q.get("versions", []):
                    row["right_version"] += 1
                else:
                    row["wrong"] += 1
        else:
            row[q["kind"]] += 1
            row["linked_as_spun"] += linked
            if q["original"] is not None:
                good = o["kind"] == "clean" and o["reference"] in set(q["accept"]) | set(
                    q.get("versions", [])
                )
                row["in_index_recognised_clean"] += good
    out = {}
    for key, row in sorted(rows.items()):
        out[key] = dict(row)
        if row["indexed"]:
            out[key]["linked_share"] = _pct(row["right"] + row["right_version"], row["indexed"])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(refs_data.SETS), default="tune")
    parser.add_argument("--stress", action="store_true", help="heavy copies made heavier")
    args = parser.parse_args(argv)
    if not refs_data.available():
        sys.exit("skipped: the corpora or the spinner W dev sets are absent (needs ../shared)")
    print(json.dumps(link_report(args.set, stress=args.stress), indent=1))


if __name__ == "__main__":
    main()
