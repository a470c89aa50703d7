"""How well ``index add``'s spun-reference check (:mod:`unspin.twins.spin_marks`) tells
spun copies from clean references, and what it costs (evaluation only).

Clean: every reference of the benchmark's reference sets (:mod:`bench.quality.refs_data`,
Reuters stories and Wikipedia chunks; must be ~0 marked: a clean reference left out is
harm). Spun: spinner W's light and heavy dev copies (``../shared/eval``); reported per
spinner, with which mark fired. The restore engine's spin estimate is timed beside it on
300 references, for comparison::

    python -m bench.quality.spun_refs
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections import Counter

from bench.quality import refs_data


def _spun(path) -> list[str]:  # noqa: ANN001
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["spun"] for line in f if line.strip()]


def report() -> dict:
    from unspin.twins.spin_marks import looks_spun

    clean: dict[str, str] = {}
    for name in refs_data.SETS:
        refs, _ = refs_data.build(name)
        clean.update((r["id"], r["text"]) for r in refs)
    sets = {
        "clean": list(clean.values()),
        "light": _spun(refs_data.LIGHT),
        "heavy": _spun(refs_data.HEAVY),
    }
    out: dict[str, dict] = {}
    for name, texts in sets.items():
        started = time.perf_counter()
        reasons = [looks_spun(t) for t in texts]
        seconds = time.perf_counter() - started
        kinds = Counter(
            r.split(" (")[0] if "figure" in r else "lower-case starts" for r in reasons if r
        )
        marked = sum(r is not None for r in reasons)
        out[name] = {
            "texts": len(texts),
            "marked": marked,
            "marked_pct": round(100 * marked / len(texts), 2),
            "by_mark": dict(kinds),
            "texts_per_second": round(len(texts) / seconds),
        }
        if name == "clean":
            out[name]["examples"] = [
                (i, r) for i, r in zip(clean, reasons, strict=True) if r is not None
            ][:10]
    from unspin.restore.estimate import document_spin

    sample = sets["clean"][:300]
    document_spin(sample[0])
    started = time.perf_counter()
    flagged = sum(document_spin(t).spin >= 0.5 for t in sample)
    out["engine_spin_estimate_on_300_clean"] = {
        "texts_per_second": round(len(sample) / (time.perf_counter() - started)),
        "spin_at_least_0.5": flagged,
    }
    return out


def main() -> None:
    if not refs_data.available():
        sys.exit("skipped: the corpora or the spinner W dev sets are absent (needs ../shared)")
    print(json.dumps(report(), indent=1))


if __name__ == "__main__":
    main()
