"""``unspin match`` with the pair checking on Dask: the same links as one process.

The pile is read and indexed once where this runs (:class:`~unspin.twins.match.PileIndex`:
MinHash signatures, bigram sketch, texts spooled to disk); the candidate pairs, cut into
groups of :data:`GROUP_SIZE` in sorted order, go to ``dask.bag`` tasks with their texts,
and each task aligns and judges its pairs (:func:`~unspin.twins.match.check_pair`, with
the pile's sketch and the worker's language model). Results come back in the pairs' order,
so the side decisions, votes and links that follow are those of one process. Aligning the
candidates is what grows faster than the pile (see ``bench/quality/match.py --scaling``);
reading and indexing stay linear.

From Python::

    from unspin.twins.match_distributed import match_pile_dask
    result = match_pile_dask(["pile/"], scheduler="processes")   # or a distributed Client

or ``python -m unspin.twins.match_distributed PILE -o links.jsonl [--scheduler ...]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .match import Checked, MatchResult, PileIndex, Problem, check_pair, write_links
from .pairing import BigramSketch, _load_lm

__all__ = ["GROUP_SIZE", "dask_checker", "match_pile_dask", "main"]

GROUP_SIZE = 500  # candidate pairs per task, at most

Group = list[tuple[int, int, str, str]]


@lru_cache(maxsize=1)
def _worker_lm():  # noqa: ANN202 - the worker's language model, loaded once per process
    return _load_lm()


def _check_group(group: Group, bigrams: BigramSketch) -> list[Checked]:
    """Check one group of pairs (each document prepared once per group)."""
    from .verify import prepare_text as prepare

    lm = _worker_lm()
    prepared: dict[int, Any] = {}
    out: list[Checked] = []
    for a, b, text_a, text_b in group:
        pa = prepared.setdefault(a, prepare(text_a))
        pb = prepared.setdefault(b, prepare(text_b))
        out.append((a, b, *check_pair(pa, pb, lm, bigrams)))
    return out


def dask_checker(scheduler: Any = None, group_size: int = GROUP_SIZE) -> Callable[..., list]:
    """A ``check`` for :class:`~unspin.twins.match.PileIndex` that runs on ``dask.bag``
    (``scheduler``: a name such as ``"sync"`` or ``"processes"``, a distributed Client,
    or None for Dask's default)."""

    def check(
        pairs: Sequence[tuple[int, int]], text: Callable[[int], str], bigrams: BigramSketch
    ) -> Iterable[Checked]:
        import dask.bag as db

        if not pairs:
            return []
        groups: list[Group] = [
            [(a, b, text(a), text(b)) for a, b in pairs[k : k + group_size]]
            for k in range(0, len(pairs), group_size)
        ]
        bag = db.from_sequence(groups, npartitions=len(groups))
        done = bag.map(_check_group, bigrams).compute(scheduler=scheduler)
        return [row for part in done for row in part]

    return check


def match_pile_dask(
    paths: Sequence[Path],
    *,
    field: str = "text",
    id_field: str = "id",
    scheduler: Any = None,
    group_size: int = GROUP_SIZE,
    progress: bool = False,
    problem: Problem | None = None,
) -> MatchResult:
    """:func:`unspin.twins.match.match_pile` with the candidate pairs checked on Dask."""
    started = time.perf_counter()
    pile = PileIndex(
        paths,
        field=field,
        id_field=id_field,
        progress=progress,
        problem=problem,
        check=dask_checker(scheduler, group_size),
    )
    return MatchResult(
        pile.links(), pile.documents, pile.skipped, round(time.perf_counter() - started, 2)
    )


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m unspin.twins.match_distributed PILE -o links.jsonl``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=None)
    parser.add_argument("--field", default="text")
    parser.add_argument("--id-field", default="id")
    parser.add_argument(
        "--scheduler", default="processes", help="sync, threads, processes or tcp://host:port"
    )
    args = parser.parse_args(argv)
    scheduler: Any = args.scheduler
    if scheduler.startswith("tcp://"):
        from dask.distributed import Client

        scheduler = Client(scheduler)
    result = match_pile_dask(
        args.paths,
        field=args.field,
        id_field=args.id_field,
        scheduler=scheduler,
        progress=True,
        problem=lambda m: print(f"unspin: {m}; skipped", file=sys.stderr),
    )
    if args.output is None:
        write_links(result.links, sys.stdout)
    else:
        with args.output.open("w", encoding="utf-8") as f:
            write_links(result.links, f)
    print(result.format(), file=sys.stderr)


if __name__ == "__main__":
    main()
