"""The haystack of the index-at-scale benchmark (evaluation only; nothing here is committed).

References, in the order they are added:

1. the references the queries of :mod:`bench.quality.refs_data`'s set need (the indexed
   originals of the spun copies and their same-text and version stories, the clean queries'
   originals), so that every size holds them;
2. the rest of that set's ~44,700 references (Reuters stories, ~300-word Wikipedia chunks),
   in a shuffled order;
3. beyond them, *pseudo-articles*: 12-18 Wikipedia sentences drawn at random (from the
   articles the set's chunks come from, never from the 60 its unrelated clean queries come
   from), in paragraphs of 2-5 sentences: distinct texts of ~300 words whose words, names
   and figures recur across the haystack as real text's do (each sentence appears in ~20
   of them at a million), so keys get hot the way frequent shingles do.

The queries are the set's (copies of spinner W and its heavy proxy, with and without their
original indexed; clean queries). Pseudo-articles are regenerated from a seed (block by
block), not cached: at a million they are ~1.9 GB of text.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from bench.quality import refs_data

BLOCK = 10_000


def query_set(name: str = "tune") -> tuple[list[dict], list[dict]]:
    """``(references, queries)`` of the set, with each query's accepted and version
    references as ids (``accept_ids``, ``version_ids``, ``original_id``)."""
    refs, queries = refs_data.build(name)
    for q in queries:
        q["accept_ids"] = [refs[n]["id"] for n in q["accept"]]
        q["version_ids"] = [refs[n]["id"] for n in q.get("versions", [])]
        q["original_id"] = None if q["original"] is None else refs[q["original"]]["id"]
    return refs, queries


def ordered_references(refs: list[dict], queries: list[dict], seed: int) -> list[dict]:
    """The set's references, those the queries need first, the rest shuffled."""
    needed = {i for q in queries for i in q["accept_ids"] + q["version_ids"]}
    needed |= {q["original_id"] for q in queries if q["original_id"]}
    first = [r for r in refs if r["id"] in needed]
    rest = [r for r in refs if r["id"] not in needed]
    random.Random(seed).shuffle(rest)
    return first + rest


@lru_cache(maxsize=1)
def sentences() -> list[str]:
    """Every sentence of the Wikipedia articles the set's chunks come from."""
    articles = refs_data._jsonl(refs_data.WIKI)[:-60]  # the last 60: unrelated clean queries
    out: list[str] = []
    for a in articles:
        for paragraph in a["text"].split("\n"):
            out.extend(
                s.strip() for s in refs_data._SENTENCE_END.split(paragraph) if len(s.split()) >= 4
            )
    return out


def pseudo_articles(start: int, count: int, seed: int) -> Iterator[tuple[str, str]]:
    """Pseudo-articles ``start`` .. ``start + count - 1`` as ``(id, text)`` (deterministic)."""
    pool = sentences()
    block = start // BLOCK
    made = block * BLOCK
    while made < start + count:
        rng = np.random.default_rng([seed, block])
        sizes = rng.integers(12, 19, BLOCK)
        picks = rng.integers(0, len(pool), int(sizes.sum()))
        breaks = rng.integers(2, 6, int(sizes.sum()))
        at = 0
        for size in sizes.tolist():
            if made >= start + count:
                break
            if made >= start:
                parts, para = [], []
                for j in range(at, at + size):
                    para.append(pool[picks[j]])
                    if len(para) >= breaks[j]:
                        parts.append(" ".join(para))
                        para = []
                if para:
                    parts.append(" ".join(para))
                yield f"p{made}", "\n".join(parts)
            at += size
            made += 1
        block += 1


def haystack(refs: list[dict], queries: list[dict], start: int, stop: int, seed: int = 29):
    """References ``start`` .. ``stop - 1`` of the haystack, as ``(id, text)``."""
    ordered = ordered_references(refs, queries, seed)
    for r in ordered[start:stop]:
        yield r["id"], r["text"]
    if stop > len(ordered):
        first = max(0, start - len(ordered))
        yield from pseudo_articles(first, stop - len(ordered) - first, seed)
