"""Build synthetic (spun, clean) pairs or an unlabelled "pile" of documents.

Pairs (JSONL, one ``{"spun", "clean", "id", "style"}`` per article or paragraph chunk)::

    python -m bench.make_pairs --corpus ../shared/corpus/wikipedia_en.jsonl.gz \\
        --n 3000 --output bench/out/wiki_pairs.jsonl --seed 1

Pile (a folder of .txt files: clean originals, spun copies of some of them, unrelated
articles, shuffled; the answer key is written *next to* the folder, not inside it)::

    python -m bench.make_pairs --corpus ... --pile bench/out/pile --n 50 --seed 1

Reuters is evaluation-only: outputs derived from it must stay in gitignored folders
(``bench/out/`` or ``work/``), and this tool refuses other destinations.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path

from bench.spinner import Spinner

__all__ = ["read_corpus", "chunks", "make_pairs", "make_pile", "main"]

_SCRATCH = ("bench/out", "work")


def read_corpus(path: str | Path) -> Iterator[dict]:
    """Documents of a ``{"id", "title", "text"}`` JSONL(.gz) corpus."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


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


def _spinners(styles: list[str], rate: float, seed: int, part: int | None) -> dict[str, Spinner]:
    return {s: Spinner.from_moby(rate=rate, seed=seed, style=s, part=part) for s in styles}


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


def make_pile(
    docs: list[dict],
    folder: Path,
    n: int,
    spinners: dict[str, Spinner],
    spun_fraction: float,
    unrelated: int,
    seed: int,
) -> Path:
    """Write the pile into ``folder`` and its answer key to ``<folder>.key.json``."""
    rng = random.Random(seed)
    picked = rng.sample(docs, min(len(docs), n + unrelated))
    originals, others = picked[:n], picked[n:]
    entries: list[tuple[str, dict]] = []
    for doc in originals:
        entries.append((doc["text"], {"kind": "clean", "source_id": doc["id"]}))
        if rng.random() < spun_fraction:
            style = rng.choice(sorted(spinners))
            spun = spinners[style].spin(doc["text"])
            entries.append((spun, {"kind": "spun", "source_id": doc["id"], "style": style}))
    entries += [(d["text"], {"kind": "unrelated", "source_id": d["id"]}) for d in others]
    rng.shuffle(entries)
    folder.mkdir(parents=True, exist_ok=True)
    key: dict[str, dict] = {}
    for i, (text, info) in enumerate(entries):
        name = f"doc_{i:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        key[name] = info
    _link_copies(key)
    key_path = folder.parent / f"{folder.name}.key.json"
    key_path.write_text(json.dumps({"files": key}, indent=1), encoding="utf-8")
    return key_path


def _link_copies(key: dict[str, dict]) -> None:
    """Point each spun file's key entry at the file holding its clean original."""
    clean = {v["source_id"]: name for name, v in key.items() if v["kind"] == "clean"}
    for info in key.values():
        if info["kind"] == "spun":
            info["original_file"] = clean[info["source_id"]]


def _check_destination(corpus: str, output: Path) -> None:
    """Refuse to write Reuters-derived data outside the gitignored scratch folders."""
    if "reuters" not in Path(corpus).name.lower():
        return
    resolved = output.resolve()
    root = Path(__file__).resolve().parents[1]
    scratch = [(root / s).resolve() for s in _SCRATCH]
    if not any(resolved.is_relative_to(s) for s in scratch):
        raise SystemExit(
            f"Reuters is evaluation-only: write {output} under {' or '.join(_SCRATCH)} "
            "in the repository (gitignored), not elsewhere"
        )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", required=True, help="JSONL(.gz) with id/title/text")
    p.add_argument("--n", type=int, default=3000, help="pairs (or pile originals) to write")
    p.add_argument("--output", default="bench/out/pairs.jsonl", help="pairs JSONL path")
    p.add_argument("--pile", help="write a pile folder here instead of pairs")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=float, default=0.3)
    p.add_argument("--styles", default="A,B", help="comma-separated: A, B, plain")
    p.add_argument("--part", type=int, choices=(0, 1), help="dictionary half (holdout split)")
    p.add_argument("--max-words", type=int, default=300, help="chunk size; 0 = whole article")
    p.add_argument("--spun-fraction", type=float, default=0.5, help="pile: originals spun")
    p.add_argument("--unrelated", type=int, default=None, help="pile: unrelated docs (def. n)")
    return p


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    args = _parser().parse_args(argv)
    out = Path(args.pile or args.output)
    _check_destination(args.corpus, out)
    docs = [d for d in read_corpus(args.corpus) if d.get("text", "").strip()]
    spinners = _spinners(args.styles.split(","), args.rate, args.seed, args.part)
    if args.pile:
        extra = args.n if args.unrelated is None else args.unrelated
        key = make_pile(docs, out, args.n, spinners, args.spun_fraction, extra, args.seed)
        print(f"wrote {len(list(out.glob('*.txt')))} files to {out}, key {key}")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        count = 0
        for record in make_pairs(docs, args.n, spinners, args.max_words, args.seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    print(f"wrote {count} pairs to {out}")


if __name__ == "__main__":
    main()
