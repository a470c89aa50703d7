"""Build the reference-index benchmark's sets (evaluation only; cached under ``bench/out/``).

The hidden test's shape from our data: ~44,700 references (Reuters stories and ~300-word
Wikipedia chunks cut at sentence ends) and queries:

- 600 copies of spinner W (``light``) and 600 of its heavy proxy (``heavy``) of the same
  600 stories, whose originals are indexed (a third of those originals cut to their first
  60%; three quarters of the copies wrapped in a content farm's header and/or footer);
- 150 copies per spinner whose originals are NOT indexed (their stories, and every Reuters
  story holding the same text, are left out of the references);
- 168 clean queries: 56 indexed texts verbatim, 56 clean versions of indexed texts (cut,
  a sentence dropped, a figure changed, a farm's header or footer, two of those), 56
  unrelated clean texts that are not indexed (Reuters stories, Wikipedia chunks).

Two sets, so that what is reported was not tuned on: ``tune`` (indexed copies from spinner
W's dev stories 0-599, unindexed 600-749) and ``heldout`` (indexed 1350-1949, unindexed
1950-2037 and 750-811). A link counts as right when it goes to the true original or to a
reference holding the same text (:func:`unspin.twins.link_choice.same_text`: Reuters holds
some stories twice).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

from bench.quality.match import cut, wrap  # a content farm's header and footer; a cut original

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
SHARED = ROOT.parent / "shared"
REUTERS = SHARED / "corpus" / "reuters21578.jsonl.gz"
WIKI = SHARED / "corpus" / "wikipedia_en.jsonl.gz"
LIGHT = SHARED / "eval" / "spinner_w_dev.jsonl.gz"
HEAVY = SHARED / "eval" / "spinner_w_dev_heavy.jsonl.gz"
REFERENCES = 44_700

SETS = {
    "tune": {"indexed": range(0, 600), "alone": [range(600, 750)], "seed": 11},
    "heldout": {
        "indexed": range(1350, 1950),
        "alone": [range(1950, 2038), range(750, 812)],
        "seed": 12,
    },
}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_WORD = re.compile(r"[a-z]+")


def available() -> bool:
    """Whether the corpora and both dev sets are here (a user's clone has none)."""
    return all(p.exists() for p in (REUTERS, WIKI, LIGHT, HEAVY))


def _jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def wiki_chunks(text: str, size: int = 300) -> list[str]:
    """An article cut into chunks of about ``size`` words at sentence ends (paragraph
    breaks kept); a last piece under half that is dropped."""
    chunks, current, words = [], [], 0
    for paragraph in text.split("\n"):
        sentences = [s for s in _SENTENCE_END.split(paragraph) if s.strip()]
        line: list[str] = []
        for sentence in sentences:
            line.append(sentence)
            words += len(sentence.split())
            if words >= size:
                current.append(" ".join(line))
                chunks.append("\n".join(current))
                current, line, words = [], [], 0
        if line:
            current.append(" ".join(line))
    if current and words >= size // 2:
        chunks.append("\n".join(current))
    return chunks


def _rare(text: str, zipf: dict[str, float]) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if zipf.get(w, 0.0) < 3.0 and len(w) > 2}


_FIGURE_OR_WORD = re.compile(r"\d+(?:[.,/-]\d+)*|[^\W\d_]+")


def _contained(x: list[str], y: list[str]) -> float:
    """Share of the shorter list's items found, in order, in the longer."""
    from difflib import SequenceMatcher

    x, y = sorted((x, y), key=len)
    if not x:
        return 1.0
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(x)


def version_of(a: str, b: str) -> bool:
    """Whether two clean texts are versions of one story (the benchmark's own yardstick, not
    the matcher's): 60% of the shorter one's words and 80% of its figures found in order in
    the other (stories told with one template share words, not figures).

    >>> version_of("Peru will act today on imports.", "Peru will act Monday on imports.")
    True
    """
    ta, tb = _FIGURE_OR_WORD.findall(a.lower()), _FIGURE_OR_WORD.findall(b.lower())
    words = _contained([t for t in ta if not t[0].isdigit()], [t for t in tb if not t[0].isdigit()])
    figures = _contained([t for t in ta if t[0].isdigit()], [t for t in tb if t[0].isdigit()])
    return words >= 0.6 and figures >= 0.8


def reuters_groups(docs: list[dict]) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Each Reuters id's group (stories holding the same text, ``same_text``, share one)
    and its versions (:func:`version_of`, by id)."""
    from wordfreq import get_frequency_dict, zipf_frequency

    from unspin.twins.link_choice import same_text

    freq = get_frequency_dict("en")
    zipf = {w: zipf_frequency(w, "en") for w in freq if freq[w] > 1e-6}
    rare = [_rare(d["text"], zipf) for d in docs]
    versions: dict[str, set[str]] = {d["id"]: set() for d in docs}
    postings: dict[str, list[int]] = {}
    for n, words in enumerate(rare):
        for w in words:
            postings.setdefault(w, []).append(n)
    parent = list(range(len(docs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for n, words in enumerate(rare):
        counts: dict[int, int] = {}
        for w in words:
            if len(postings[w]) > 200:
                continue
            for m in postings[w]:
                if m > n:
                    counts[m] = counts.get(m, 0) + 1
        for m, c in counts.items():
            if c < 0.3 * min(len(words), len(rare[m])):
                continue
            if (
                c >= 0.5 * min(len(words), len(rare[m]))
                and find(n) != find(m)
                and same_text(docs[n]["text"], docs[m]["text"])
            ):
                parent[find(m)] = find(n)
            if version_of(docs[n]["text"], docs[m]["text"]):
                versions[docs[n]["id"]].add(docs[m]["id"])
                versions[docs[m]["id"]].add(docs[n]["id"])
    return {d["id"]: find(n) for n, d in enumerate(docs)}, versions


def version_pairs() -> list[tuple[str, str]]:
    """Pairs of Reuters ids that are versions of one story but not the same text (cached)."""
    path = OUT / "reuters_version_pairs.json"
    if path.exists():
        return [tuple(p) for p in json.loads(path.read_text())]
    group, versions = reuters_groups(_jsonl(REUTERS))
    pairs = sorted(
        {tuple(sorted((a, b))) for a, vs in versions.items() for b in vs if group[a] != group[b]}
    )
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pairs))
    return pairs


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def clean_version(text: str, rng: random.Random, farm) -> tuple[str, str]:  # noqa: ANN001
    """A clean version of ``text`` as another site or an editor makes it: (text, how)."""
    how = rng.choice(["cut", "drop", "figure", "farm", "cut+farm", "drop+figure"])
    out = text
    for step in how.split("+"):
        if step == "cut":
            sentences = _sentences(out)
            keep = max(2, round(len(sentences) * rng.uniform(0.4, 0.8)))
            out = " ".join(sentences[:keep]) if len(sentences) > 2 else cut(out, 0.6)
        elif step == "drop":
            sentences = _sentences(out)
            if len(sentences) > 3:
                del sentences[rng.randrange(1, len(sentences) - 1)]
                out = " ".join(sentences)
        elif step == "figure":
            figures = list(re.finditer(r"\b\d+\b", out))
            if figures:
                m = rng.choice(figures)
                out = out[: m.start()] + str(int(m.group()) + 1) + out[m.end() :]
            else:
                words = list(re.finditer(r"\b[a-z]{5,}\b", out))
                m = rng.choice(words)
                out = out[: m.start()] + out[m.end() + 1 :]  # a word deleted
        elif step == "farm":
            header, _, footer = farm(out, rng)
            out = header + out + footer
    return out, how


def build(name: str) -> tuple[list[dict], list[dict]]:
    """The references ``{"id", "text"}`` (numbered by position) and queries ``{"qid",
    "text", "kind", "spinner", "original", "accept"}`` of set ``name`` (cached)."""
    refs_path = OUT / f"refs_{name}.refs.jsonl.gz"
    queries_path = OUT / f"refs_{name}.queries.jsonl.gz"
    if refs_path.exists() and queries_path.exists():
        return _jsonl(refs_path), _jsonl(queries_path)
    spec = SETS[name]
    rng = random.Random(spec["seed"])
    reuters = _jsonl(REUTERS)
    by_id = {d["id"]: d for d in reuters}
    light, heavy = _jsonl(LIGHT), _jsonl(HEAVY)
    group, versions = reuters_groups(reuters)
    members: dict[int, list[str]] = {}
    for rid, g in group.items():
        members.setdefault(g, []).append(rid)

    indexed = [k for k in spec["indexed"] if light[k]["reuters_id"] in by_id]
    # a story is indexed with its versions: a left-out story has none in the references
    indexed_groups = {
        group[v]
        for k in indexed
        for v in versions[light[k]["reuters_id"]] | {light[k]["reuters_id"]}
    }
    alone = [
        k
        for r in spec["alone"]
        for k in r
        if light[k]["reuters_id"] in by_id and group[light[k]["reuters_id"]] not in indexed_groups
    ][:150]
    dev_ids = {d["reuters_id"] for d in light}
    outside = [
        d["id"]
        for d in reuters
        if d["id"] not in dev_ids
        and group[d["id"]] not in indexed_groups
        and len(d["text"].split()) >= 60
    ]
    rng.shuffle(outside)
    unrelated_reuters = outside[:28]
    left_out = {group[v] for k in alone for v in versions[light[k]["reuters_id"]]}
    left_out |= {group[light[k]["reuters_id"]] for k in alone}
    left_out |= {group[v] for r in unrelated_reuters for v in versions[r] | {r}}

    refs: list[dict] = []
    ref_of: dict[str, int] = {}  # reuters id -> ref number
    for k, story in enumerate(indexed):
        rid = light[story]["reuters_id"]
        text = by_id[rid]["text"]
        if k % 3 == 2:
            text = cut(text, 0.6)
        ref_of[rid] = len(refs)
        refs.append({"id": f"r{rid}", "text": text})
    for d in reuters:
        if d["id"] not in ref_of and group[d["id"]] not in left_out:
            ref_of[d["id"]] = len(refs)
            refs.append({"id": f"r{d['id']}", "text": d["text"]})
    articles = _jsonl(WIKI)
    reserved, articles = articles[-60:], articles[:-60]
    for a in articles:
        for c, chunk in enumerate(wiki_chunks(a["text"])):
            if len(refs) >= REFERENCES:
                break
            refs.append({"id": f"w{a['id']}.{c}", "text": chunk})
    order = list(range(len(refs)))
    rng.shuffle(order)  # nothing to read off a reference's number
    refs = [refs[n] for n in order]
    number = {old: new for new, old in enumerate(order)}
    ref_of = {rid: number[n] for rid, n in ref_of.items()}

    def accept(rid: str) -> list[int]:
        return sorted(ref_of[m] for m in members[group[rid]] if m in ref_of)

    def other_versions(rid: str) -> list[int]:
        return sorted(set(ref_of[v] for v in versions[rid] if v in ref_of) - set(accept(rid)))

    queries: list[dict] = []
    for spinner, source in (("light", light), ("heavy", heavy)):
        for k, story in enumerate(indexed):
            rid = source[story]["reuters_id"]
            text = source[story]["spun"]
            if k % 4:
                header, body, footer = wrap(text, rng)
                text = header + body + footer
            kind = "spun_partial" if k % 3 == 2 else "spun_whole"
            queries.append(
                {
                    "text": text,
                    "kind": kind,
                    "spinner": spinner,
                    "original": ref_of[rid],
                    "accept": accept(rid),
                    "versions": other_versions(rid),
                    "story": story,
                }
            )
        for k, story in enumerate(alone):
            text = source[story]["spun"]
            if k % 4:
                header, body, footer = wrap(text, rng)
                text = header + body + footer
            queries.append(
                {
                    "text": text,
                    "kind": "spun_alone",
                    "spinner": spinner,
                    "original": None,
                    "accept": [],
                    "story": story,
                }
            )
    dev_refs = [light[k]["reuters_id"] for k in indexed]
    other_refs = [r for r in ref_of if r not in set(dev_refs)]
    wiki_refs = [n for n, r in enumerate(refs) if r["id"].startswith("w")]
    picks = rng.sample(dev_refs, 28 + 28) + rng.sample(other_refs, 14 + 14)
    for n, rid in enumerate(picks):
        text = refs[ref_of[rid]]["text"]
        kind = "clean_original" if n % 2 == 0 else "clean_version"
        how = "verbatim"
        if kind == "clean_version":
            text, how = clean_version(text, rng, wrap)
        queries.append(
            {
                "text": text,
                "kind": kind,
                "spinner": None,
                "original": ref_of[rid],
                "accept": accept(rid),
                "versions": other_versions(rid),
                "how": how,
            }
        )
    for n in rng.sample(wiki_refs, 28):
        text = refs[n]["text"]
        kind = "clean_original" if len(queries) % 2 == 0 else "clean_version"
        how = "verbatim"
        if kind == "clean_version":
            text, how = clean_version(text, rng, wrap)
        queries.append(
            {"text": text, "kind": kind, "spinner": None, "original": n, "accept": [n], "how": how}
        )
    for rid in unrelated_reuters:
        queries.append(
            {
                "text": by_id[rid]["text"],
                "kind": "clean_unrelated",
                "spinner": None,
                "original": None,
                "accept": [],
            }
        )
    spare = [c for a in reserved for c in wiki_chunks(a["text"])]
    for text in rng.sample(spare, 28):
        queries.append(
            {
                "text": text,
                "kind": "clean_unrelated",
                "spinner": None,
                "original": None,
                "accept": [],
            }
        )
    for n, q in enumerate(queries):
        q["qid"] = n
    OUT.mkdir(parents=True, exist_ok=True)
    for path, rows in ((refs_path, refs), (queries_path, queries)):
        with gzip.open(path, "wt", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")
    return refs, queries
