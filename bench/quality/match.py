"""Benchmark ``unspin match`` and ``unspin restore --pile`` on scraped piles built from
spinner W's dev set (evaluation only: piles are written under ``bench/out/``, gitignored).

Two piles, so that what is reported was not tuned on (``spinner_w``'s splits):

- ``tune`` (issue 21's shape, from stories 0-1349, ``spinner_w.PILE``): 600 spun
  copies with a content farm's header and/or footer whose originals are in the pile (a
  third of those originals cut to their first 60%), 150 spun copies without an original,
  600 unrelated clean stories. Every threshold of ``unspin match`` (the swap, recurrence,
  margin and settle gates of :mod:`unspin.twins.match` and :mod:`unspin.twins.link_choice`)
  and ``restore --pile``'s small-pile fallback (a spin estimate of 0.86) were tuned on this
  pile (the pile's gate, :mod:`unspin.twins.pile_gate`, on both piles).
- ``heldout`` (the default, from stories 1350-2037, :data:`HELDOUT`, which nothing in
  ``match`` or ``restore --pile`` was tuned on; 1350-1837 are in spinner W's ``tune`` split,
  used to calibrate restore's decision model and the detector, 1838-2037 are its ``test``
  split): the same shape at half the copies (300 with original, 75 without, 300 clean
  stories) plus 975 Reuters stories from outside the dev set, 1,950 documents in all.

One exception: :data:`unspin.twins.link_choice.SAME_TEXT_SHARE` (0.97, which originals count
as one text) was set after looking at held-out links (two Reuters versions a word apart).

One ``.txt`` file each, names shuffled so nothing can be read off them::

    python -m bench.quality.match                  # held-out pile: match + restore --pile
    python -m bench.quality.match --pile tune      # the tuning pile
    python -m bench.quality.match --match-only
    python -m bench.quality.match --heavy          # copies from the heavy proxy (same stories)
    python -m bench.quality.match --scaling 250,500,1000,2000   # match time vs pile size

Reported: link recall, wrong links (and how many of them go to a text identical to the
true original, or the start of it: Reuters holds some stories twice, and match then picks
the pile's first) and time of ``unspin match`` (the CLI, one process); errors undone by
``unspin restore --pile`` for copies with a whole twin, a partial twin and none (spinner
W's scoring, :func:`bench.common.undone`, against header + original + footer), and how
many of the clean documents (originals and unrelated stories) changed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, WIKI, read_jsonl, undone_report
from bench.spinners import spinner_w as w

HELDOUT = range(1350, 2038)  # spinner W dev stories nothing in match was tuned on

_SITES = ["NewsHub Daily", "Market Pulse 24", "Biz Insider Today", "WorldWire Now", "TradeBeat"]
_HEADERS = [
    "{site} - Latest Business News\nPosted by admin on {day} {month} 2024 | Category: {cat}\n\n",
    "Home > {cat} > News\n\n",
    "{site}\nBreaking: {cat} updates\nShare on Facebook | Share on Twitter\n\n",
    "Posted in {cat} | {day} {month} 2024 | No Comments\n\n",
]
_FOOTERS = [
    "\n\nRelated posts:\n- Top 10 {cat} stocks to watch\n- Why investors love {cat}\n"
    "\nCopyright (c) 2024 {site}. All rights reserved.\n",
    "\n\nShare this:\nFacebook Twitter LinkedIn Email\nLike this: Like Loading...\n",
    "\n\nSource: {site}\nTags: {cat}, markets, economy\nLeave a comment\n",
    "\n\nSubscribe to our newsletter for the latest {cat} news. Click here to join {site} today!\n",
]
_CATS = ["Business", "Finance", "Markets", "Economy", "World", "Commodities"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        site=rng.choice(_SITES),
        cat=rng.choice(_CATS),
        day=rng.randint(1, 28),
        month=rng.choice(_MONTHS),
    )


def wrap(text: str, rng: random.Random) -> tuple[str, str, str]:
    """A content farm's header and footer around a copy: (header, text, footer); one of
    them may be empty, never both."""
    kind = rng.randrange(3)
    header = _fill(rng.choice(_HEADERS), rng) if kind != 1 else ""
    footer = _fill(rng.choice(_FOOTERS), rng) if kind != 0 else ""
    return header, text, footer


def cut(text: str, share: float = 0.6) -> str:
    """The first ``share`` of a text, cut at the last space before that point."""
    end = int(len(text) * share)
    space = text.rfind(" ", 0, end)
    return text[: space if space > 0 else end].rstrip()


def _unrelated(count: int, seed: int) -> list[str]:
    """Unrelated clean documents for big piles: Reuters stories outside spinner W's dev set,
    then chunks of about 300 words of Wikipedia articles."""
    texts = w.other_reuters(min_words=40)
    random.Random(seed).shuffle(texts)
    if len(texts) < count:
        for doc in read_jsonl(WIKI):
            words = doc["text"].split()
            for k in range(0, len(words) - 150, 300):
                texts.append(" ".join(words[k : k + 300]))
            if len(texts) >= count:
                break
    return texts[:count]


def build_pile(
    seed: int = 1,
    partnered: int = 600,
    alone: int = 150,
    clean: int = 600,
    extra: int = 0,
    stories: range | None = None,
    heavy: bool = False,
) -> tuple[Path, dict]:
    """Write (or reuse) the pile folder and its truth file; returns (folder, truth).

    ``truth["docs"][name]``: ``kind`` (spun_whole, spun_partial, spun_alone, original,
    clean), ``original`` (file name of the twin) and ``reference`` (what restoring the
    document should give: header + full original + footer for a spun copy). ``heavy``: the
    copies come from spinner W's heavy proxy (``spinner_w_dev_heavy.jsonl.gz``), the same
    stories spun harder."""
    stories = stories if stories is not None else w.PILE
    name = f"match_pile_{partnered}_{alone}_{clean}_{seed}" + (f"_x{extra}" if extra else "")
    if stories != w.PILE:
        name += f"_s{stories.start}-{stories.stop - 1}"
    if heavy:
        name += "_heavy"
    folder = OUT / name
    truth_path = folder.with_suffix(".truth.json")
    if folder.exists() and truth_path.exists():
        return folder, json.loads(truth_path.read_text())
    chosen = w.split(stories)
    if heavy:
        spun = _heavy_copies()
        chosen = [s._replace(spun=spun[s.index]) for s in chosen]
    assert len(chosen) >= partnered + alone + clean, "not enough dev stories"
    rng = random.Random(seed)
    rows: list[tuple[str, str, dict]] = []  # (key, text, truth)
    for k, s in enumerate(chosen[:partnered]):
        header, body, footer = wrap(s.spun, rng)
        partial = k % 3 == 2
        original = cut(s.original) if partial else s.original
        kind = "spun_partial" if partial else "spun_whole"
        rows.append(
            (
                f"s{k}",
                header + body + footer,
                {
                    "kind": kind,
                    "twin": f"o{k}",
                    "reference": header + s.original + footer,
                },
            )
        )
        rows.append((f"o{k}", original, {"kind": "original", "reference": original}))
    for k, s in enumerate(chosen[partnered : partnered + alone]):
        header, body, footer = wrap(s.spun, rng)
        rows.append(
            (
                f"a{k}",
                header + body + footer,
                {
                    "kind": "spun_alone",
                    "reference": header + s.original + footer,
                },
            )
        )
    for k, s in enumerate(chosen[partnered + alone : partnered + alone + clean]):
        rows.append((f"c{k}", s.original, {"kind": "clean", "reference": s.original}))
    for k, text in enumerate(_unrelated(extra, seed) if extra else []):
        rows.append((f"x{k}", text, {"kind": "clean", "reference": text}))
    return write_pile_rows(rows, folder, truth_path, rng)


def write_pile_rows(
    rows: list[tuple[str, str, dict]], folder: Path, truth_path: Path, rng: random.Random
) -> tuple[Path, dict]:
    """Write ``(key, text, truth)`` rows as one ``.txt`` file each under shuffled names
    (a truth's ``twin`` key becomes the twin's file name, ``original``), and the truth
    ``{"docs": {name: truth}}`` to ``truth_path``."""
    rng.shuffle(rows)
    names = {key: f"{n:05d}.txt" for n, (key, _, _) in enumerate(rows)}
    folder.mkdir(parents=True, exist_ok=True)
    docs = {}
    for key, text, info in rows:
        (folder / names[key]).write_text(text, encoding="utf-8")
        if "twin" in info:
            info["original"] = names[info.pop("twin")]
        docs[names[key]] = info
    truth = {"docs": docs}
    truth_path.write_text(json.dumps(truth))
    return folder, truth


def _heavy_copies() -> list[str]:
    """Spinner W's heavy proxy of every dev story, by position (the same order as the dev set)."""
    import gzip

    with gzip.open(w.SHARED / "eval" / "spinner_w_dev_heavy.jsonl.gz", "rt") as f:
        return [json.loads(line)["spun"] for line in f if line.strip()]


def match_report(folder: Path, truth: dict, output: Path, extra: list[str] = ()) -> dict:
    """``unspin match`` as a user runs it (timed), scored against the pile's truth."""
    started = time.perf_counter()
    subprocess.run(["unspin", "match", str(folder), "-o", str(output), "-q", *extra], check=True)
    seconds = time.perf_counter() - started
    links = [json.loads(line) for line in output.read_text().splitlines() if line.strip()]
    docs = truth["docs"]
    expected = {n: d["original"] for n, d in docs.items() if "original" in d}
    right = wrong = same_text = right_text = 0
    wrong_links = []
    for link in links:
        spun, original = Path(link["spun"]).name, Path(link["original"]).name
        if expected.get(spun) == original:
            right += 1
            continue
        wrong += 1
        if spun in expected:
            same = _same_text(
                (folder / expected[spun]).read_text(encoding="utf-8"), folder / original
            )
        else:  # a copy without an original in the pile: is the text linked its original's?
            same = _same_text(docs[spun]["reference"], folder / original)
        same = same and docs[original]["kind"] in ("original", "clean")
        same_text += same
        right_text += same and spun in expected
        wrong_links.append(
            (spun, docs[spun]["kind"], original, docs[original]["kind"], "same text" * same)
        )
    by_kind: dict[str, list[int]] = {}
    linked = {Path(link["spun"]).name for link in links}
    for n, d in docs.items():
        if "original" in d:
            by_kind.setdefault(d["kind"], [0, 0])[0] += n in linked
            by_kind[d["kind"]][1] += 1
    return {
        "documents": len(docs),
        "links": len(links),
        "right": right,
        "recall": round(right / max(len(expected), 1), 4),
        "recall_same_text": round((right + right_text) / max(len(expected), 1), 4),
        "wrong_links": wrong,
        "wrong_to_same_text": same_text,
        "wrong_examples": sorted(wrong_links, key=lambda w: bool(w[4]))[:12],
        "linked_by_kind": by_kind,
        "seconds": round(seconds, 1),
    }


def _same_text(text: str, path: Path) -> bool:
    """Whether a pile file holds ``text``'s text (as :func:`unspin.twins.link_choice.same_text`
    says: identical, cut or a word apart)."""
    from unspin.twins.link_choice import same_text

    return same_text(text, path.read_text(encoding="utf-8"))


def restore_report(folder: Path, truth: dict, out_dir: Path, extra: list[str] = ()) -> dict:
    """``unspin restore --pile`` on every pile document, scored by kind."""
    files = sorted(str(p) for p in folder.glob("*.txt"))
    started = time.perf_counter()
    subprocess.run(
        ["unspin", "restore", "--pile", str(folder), *files, "-o", str(out_dir), "-q", *extra],
        check=True,
    )
    seconds = time.perf_counter() - started
    report: dict = {"seconds": round(seconds, 1)}
    triples: dict[str, list] = {}
    changed = clean = 0
    for name, d in truth["docs"].items():
        given = (folder / name).read_text(encoding="utf-8")
        restored = (out_dir / name).read_text(encoding="utf-8")
        if d["kind"] in ("original", "clean"):
            clean += 1
            changed += restored != given
        else:
            triples.setdefault(d["kind"], []).append((given, restored, d["reference"]))
    for kind, rows in sorted(triples.items()):
        report[kind] = undone_report(rows)
    report["clean_changed"] = changed
    report["clean_documents"] = clean
    return report


def scaling_report(sizes: list[int], seed: int) -> dict:
    """Match time per pile size: up to 1,950 documents the issue's shape scaled down
    (600:150:600 of 1,350 dev stories); above, the 1,950-document pile plus unrelated
    clean documents (Reuters stories from outside the dev set, then Wikipedia chunks)."""
    out = {}
    for size in sizes:
        scale = min(1.0, size / 1950)
        partnered, alone = round(600 * scale), round(150 * scale)
        clean = min(600, size - 2 * partnered - alone)
        extra = size - 2 * partnered - alone - clean
        folder, truth = build_pile(seed, partnered, alone, clean, extra)
        report = match_report(folder, truth, OUT / f"links_{size}.jsonl")
        out[size] = {
            "documents": report["documents"],
            "seconds": report["seconds"],
            "per_1000_docs": round(1000 * report["seconds"] / size, 2),
            "recall": report["recall"],
            "wrong": report["wrong_links"],
        }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--match-only", action="store_true")
    parser.add_argument("--restore-only", action="store_true")
    parser.add_argument("--scaling", default="", help="comma-separated pile sizes")
    parser.add_argument("--pile", choices=("heldout", "tune"), default="heldout")
    parser.add_argument("--heavy", action="store_true", help="copies from spinner W's heavy proxy")
    args = parser.parse_args(argv)
    if not w.available():
        sys.exit("skipped: the spinner W dev set or Reuters corpus is absent (needs ../shared)")
    if args.scaling:
        sizes = [int(x) for x in args.scaling.split(",")]
        print(json.dumps(scaling_report(sizes, args.seed), indent=1))
        return
    if args.pile == "tune":
        folder, truth = build_pile(args.seed, heavy=args.heavy)
    else:
        folder, truth = build_pile(args.seed, 300, 75, 300, 975, HELDOUT, heavy=args.heavy)
    label = args.pile + ("_heavy" if args.heavy else "")
    report: dict = {"pile": str(folder)}
    if not args.restore_only:
        report["match"] = match_report(folder, truth, OUT / f"links_{label}.jsonl")
        print(json.dumps(report["match"], indent=1), file=sys.stderr)
    if not args.match_only:
        report["restore"] = restore_report(folder, truth, OUT / f"restored_{label}")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
