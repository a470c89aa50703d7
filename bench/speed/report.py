"""Review-page benchmark: how the time and size of building ``unspin explain --html``'s
page grow with the number of documents (the page itself, not restoring: the five seeds
are reviewed once, then repeated up to 1,000 or more documents).

    python -m bench.speed.report                 # 10, 100, 1,000 documents
    python -m bench.speed.report --docs 10 100 1000 10000
"""

from __future__ import annotations

import argparse
import time

from bench.common import SEEDS
from unspin.report import review, to_html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args()
    start = time.perf_counter()
    reviews = [review(p.read_text(encoding="utf-8"), p.name) for p in sorted(SEEDS.glob("*.txt"))]
    print(f"reviewed {len(reviews)} seeds in {time.perf_counter() - start:.1f} s")
    print("documents\tbuild s\tpage MB\tKB/document")
    for n in args.docs:
        docs = [reviews[k % len(reviews)] for k in range(n)]
        start = time.perf_counter()
        page = to_html(docs)
        took = time.perf_counter() - start
        size = len(page.encode("utf-8"))
        print(f"{n}\t{took:.3f}\t{size / 1e6:.2f}\t{size / n / 1e3:.1f}")


if __name__ == "__main__":
    main()
