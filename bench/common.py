"""What the benchmarks share: where the data is, reading it, scoring restorations as they
are judged, writing piles, and fitting a logistic model.

Scoring is the judges' (``../shared/DATA.md``): word-level Levenshtein distance over tokens
``\\w+(?:'\\w+)*`` and single punctuation marks, case-sensitive, curly quotes and dashes
folded to straight ones; errors undone = 1 - errors(restored) / errors(spun), summed over
documents; wrong changes on clean text = errors per 1,000 of its tokens.

>>> errors("The court docket ruled.", "The court ruled.")
1
>>> undone([("a supervision said", "the government said", "the government said")])
(1.0, 2, 0)
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = Path(os.environ.get("CORPUS", SHARED / "corpus"))
REUTERS = CORPUS / "reuters21578.jsonl.gz"
WIKI = CORPUS / "wikipedia_en.jsonl.gz"
OUT = ROOT / "bench" / "out"  # gitignored: anything derived from Reuters stays here
SEEDS = ROOT / "seeds"

_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})
_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


def seed(prefix: str) -> str:
    """The text of seed ``prefix`` ("000" ... "004")."""
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """The records of a JSONL(.gz) file."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        yield from (json.loads(line) for line in f if line.strip())


def chunks(text: str, max_words: int) -> list[str]:
    """Whole paragraphs grouped into pieces of about ``max_words`` words (0: one piece).

    >>> chunks("a b\\nc d\\ne", 3)
    ['a b', 'c d\\ne']
    """
    if max_words <= 0:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for para in text.split("\n"):
        n = len(para.split())
        if current and size + n > max_words:
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(para)
        size += n
    if current:
        pieces.append("\n".join(current))
    return pieces


def wiki_chunks(count: int, seed: int, skip_articles: int = 5000) -> list[str]:
    """Chunks of about 250 words of the Wikipedia articles after the first
    ``skip_articles`` (which trained the bundled data), shuffled."""
    texts = []
    for n, doc in enumerate(read_jsonl(WIKI)):
        if n >= skip_articles:
            texts.extend(c for c in chunks(doc["text"], 250) if len(c.split()) > 80)
    random.Random(seed).shuffle(texts)
    return texts[:count]


def reuters_texts(min_words: int = 0, exclude: Iterable[str] = ()) -> list[str]:
    """Reuters story texts (evaluation only) of at least ``min_words`` words, in file order,
    without the stories whose ids are in ``exclude``."""
    skip = set(exclude)
    return [
        d["text"]
        for d in read_jsonl(REUTERS)
        if d["id"] not in skip and d["text"].strip() and len(d["text"].split()) >= min_words
    ]


def tokens(text: str) -> list[str]:
    """The judges' tokens: words and single punctuation marks, quotes and dashes folded.

    >>> tokens("Twitter’s lawyers—2017!")
    ["Twitter's", 'lawyers', '-', '2017', '!']
    """
    return _TOKEN.findall(text.translate(_FOLD))


def errors(hyp: str, ref: str) -> int:
    """Word-level Levenshtein distance, as judged.

    >>> errors("a federal choose said", "a federal judge said")
    1
    """
    return Levenshtein.distance(tokens(hyp), tokens(ref))


def error_reduction(spun: str, restored: str, original: str) -> tuple[int, int]:
    """Errors against ``original`` before and after restoring: ``(before, after)``."""
    return errors(spun, original), errors(restored, original)


def fraction_undone(pairs: Iterable[tuple[int, int]]) -> float:
    """Share of errors undone over ``(before, after)`` pairs, summed (0.0 when nothing was
    spun; negative when restoring made things worse).

    >>> fraction_undone([(4, 1), (6, 2)])
    0.7
    """
    before = after = 0
    for b, a in pairs:
        before += b
        after += a
    return 1.0 - after / before if before else 0.0


def undone(triples: Iterable[tuple[str, str, str]]) -> tuple[float, int, int]:
    """Share of errors undone over ``(spun, restored, original)`` triples, summed over
    documents, with the error totals before and after."""
    pairs = [error_reduction(*t) for t in triples]
    return fraction_undone(pairs), sum(b for b, _ in pairs), sum(a for _, a in pairs)


def undone_report(triples: Sequence[tuple[str, str, str]]) -> dict:
    """:func:`undone` of ``(spun, restored, original)`` triples as a report's entry:
    documents, errors undone (%), error totals before and after."""
    share, before, after = undone(triples)
    return {
        "documents": len(triples),
        "errors_undone": round(100 * share, 1),
        "errors_before": before,
        "errors_after": after,
    }


def wrong_per_1000(pairs: Iterable[tuple[str, str]]) -> float:
    """Wrong changes per 1,000 tokens of clean text over ``(clean, restored)`` pairs.

    >>> wrong_per_1000([("one two three four", "one two three for")])
    250.0
    """
    wrong = total = 0
    for clean, restored in pairs:
        wrong += errors(restored, clean)
        total += len(tokens(clean))
    return 1000.0 * wrong / total if total else 0.0


def restore_report(
    restore: Callable[[str], str], spun: Sequence[tuple[str, str]], clean: Sequence[str]
) -> dict:
    """Restore ``(spun, original)`` pairs and ``clean`` texts with ``restore``: errors
    undone (%), error totals, spun and clean documents changed."""
    restored = [restore(s) for s, _ in spun]
    share, before, after = undone((s, r, o) for (s, o), r in zip(spun, restored, strict=True))
    return {
        "errors_undone": round(100 * share, 1),
        "errors_before": before,
        "errors_after": after,
        "spun_changed": sum(r != s for (s, _), r in zip(spun, restored, strict=True)),
        "clean_changed": sum(restore(c) != c for c in clean),
        "clean_documents": len(clean),
    }


def write_pile(texts: Sequence[str], folder: Path) -> Path:
    """Write ``texts`` as one ``.txt`` file each into ``folder`` (for ``unspin learn``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(texts):
        (folder / f"{k:05d}.txt").write_text(text, encoding="utf-8")
    return folder


def write_jsonl(records: Iterable[dict], path: Path) -> int:
    """Write ``records`` as JSON lines; returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(record) + "\n" for record in records]
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def fit_logistic(x, y, l2: float = 1.0, steps: int = 30):  # noqa: ANN001, ANN201
    """Newton-Raphson logistic regression with an L2 penalty (numpy arrays); returns
    ``[bias, *weights]``."""
    import numpy as np

    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = l2 * np.eye(xb.shape[1])
    reg[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + reg
        w -= np.linalg.solve(hess, grad)
    return w
