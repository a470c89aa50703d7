"""Learn a spinner's swaps from its output alone: no clean copy of any story needed.

A pile of spun articles still carries the spinner's signature. For every word (and
thesaurus phrase) seen often enough, the bundled thesaurus proposes originals it may
stand for, and each (spun, original) candidate is tested against the pile itself:

* **substitution in context** — the language model's gain for putting the original in
  place of the spun word, averaged over the pile's occurrences (a sample of 60), less
  what mere frequency explains (``fit``: how much better the original fits *these*
  contexts);
* **shared contexts** — a spinner puts its word where the original stood, so the spun
  form in the original's contexts is about as fluent as the original in its own
  (``shared``, the two cross gains summed); co-hyponyms and antonyms ("months" /
  "years", "lowest" / "highest") each keep contexts of their own;
* **split frequency** — a spinner that picks uniformly among the original and its
  alternatives leaves the original in place part of the time, so the original and each
  of its spun forms (its siblings) are seen about equally often in the pile
  (``ratio``); a register word ("pct" against "percent") is not;
* **same documents** — the original survives in the stories that carry its spin
  (``together``);
* the thesaurus itself (WordNet synonyms; the best-fitting candidate of the word).

A logistic score of those (:data:`WEIGHTS`, set on a tuning pile of real spinner output)
gives the probability that the pair is a swap of this spinner; the rows it keeps carry
that probability times the share of the word's occurrences that are spins as
``p_restore``, so restore's own per-occurrence decision makes the final call. Chains
("mentioned" -> "stated", "stated" -> "said") are followed to their end.

Measured on spinner W (``python -m bench.quality.reffree``): about 55-60% of the rows are
true pairs; see the benchmark for errors undone.

>>> from unspin.learn.unpaired import pair_probability, PairFeatures
>>> f = PairFeatures(ratio=0.1, fit=1.5, wordnet=1, seen=3.9, together=0.3, gap=0.0, best=1)
>>> round(pair_probability(f), 2) > 0.5
True
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..models.table import Entry
from ..models.thesaurus import PPDB
from .phrase_stats import PileStats, pile_stats

__all__ = [
    "PairFeatures",
    "UnpairedSummary",
    "PileStats",
    "pile_stats",
    "pair_probability",
    "candidate_pairs",
    "learn_unpaired",
    "learn_from_pile",
    "wanted",
    "table_comments",
    "SOURCE",
    "WEIGHTS",
    "MODES",
    "HIT_GATE",
    "drop_common",
]

SOURCE = "pile-unpaired"
MIN_SEEN = 3  # lower-case occurrences a word needs before it is tested as a spun form
MIN_CONTEXTS = 3  # ... between that many different pairs of words (one repeated line is no test)
MAX_CANDIDATES = 20  # thesaurus candidates tested per word
MORE_CANDIDATES = 100  # ... and further down its list, those seen in one of the word's contexts
SAMPLE_SPUN = 60  # occurrences of the spun form scored (a random sample beyond that)
SAMPLE_ORIGINAL = 30  # occurrences of the original scored for the reverse test
MIN_PROBABILITY = 0.3  # pair probability a row needs to be kept
MIN_FIT = 0.1  # the original must fit the spun form's contexts better than frequency explains
MIN_SIBLING = 0.15  # pair probability at which two candidates of a word count as siblings
MIN_UNIGRAM = -3.0  # log10 unigram probability above which a word is a function word
TARGET_BONUS = 1.0  # log-odds for a candidate original that known pairs show is spun
#: Rows of a table learned without clean documents whose spun phrase is more common in
#: clean English than this (wordfreq Zipf) are dropped (:func:`drop_common`).
MAX_SPUN_ZIPF = 5.5
#: The spin gate of a table learned without clean documents (header ``hit_gate``): a
#: document counts as spun (estimate 0.5) when its weighted table hits
#: (:func:`unspin.restore.hit_gate.hit_score`)
#: lie this many standard deviations above what clean English of its length shows. Set
#: on spinner W's tuning stories outside the pile: the highest score of their 490
#: originals and seeds 001/003 (7.06, with :func:`drop_common`), rounded up.
HIT_GATE = 7.1
#: Logistic weights of :class:`PairFeatures` (and the bias), set on the tuning split of
#: spinner W's dev set (a real spinner's output; see bench/quality/reffree.py) and checked
#: on held-out words: fitted on half of the spun words, the other half's pairs at a
#: probability of 0.5 were 81% right.
WEIGHTS = {
    "ratio": -0.67,
    "fit": 1.05,
    "wordnet": 1.45,
    "seen": 0.30,
    "together": 2.3,
    "gap": -0.67,
    "best": 1.4,
    "bias": -4.85,
}


@dataclass(frozen=True)
class PairFeatures:
    """Evidence that a word seen in the pile is a spin of a thesaurus candidate.

    ``ratio``: |ln(spun count / original count)| (lower-case occurrences in the pile);
    ``fit``: mean LM gain (log10) of the original in the spun form's contexts, less the
    difference of their unigram log probabilities; ``wordnet``: 1 when WordNet lists
    them as synonyms; ``seen``: ln of the spun form's count; ``together``: share of the
    spun form's documents that also hold the original; ``gap``: ln(1 + how far the
    pair's shared-context score is below the word's best candidate's); ``best``: 1 when
    this candidate fits the contexts best of all the word's candidates.
    """

    ratio: float
    fit: float
    wordnet: int
    seen: float
    together: float
    gap: float
    best: int


def pair_probability(f: PairFeatures) -> float:
    """Probability that the pair is one of the spinner's swaps (:data:`WEIGHTS`)."""
    w = WEIGHTS
    z = w["bias"] + sum(w[name] * float(getattr(f, name)) for name in PairFeatures.__annotations__)
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class _Candidate:
    spun: str
    original: str
    features: PairFeatures
    probability: float
    spun_count: int
    original_count: int


def _contexts(
    stats: PileStats, occurrences: Sequence[tuple[int, int]], length: int
) -> list[tuple[list[str], list[str], bool]]:
    out = []
    for s, k in occurrences:
        words = stats.sentences[s]
        out.append((words[max(0, k - 2) : k], words[k + length : k + length + 2], k < 2))
    return out


def _spun_forms(stats: PileStats, words: Iterable[str] | None, has_entry, prior) -> list[str]:
    """Phrases to test as spun forms: words seen :data:`MIN_SEEN` times in
    :data:`MIN_CONTEXTS` different contexts that are not function words; longer phrases
    seen as often that the thesaurus knows.

    Phrases the pile uses far more than clean English does ("credit score") with one of
    their words as the original were tried and left out: the newswire's own collocations
    ("mln dlrs", "analysts said") look the same (precision 0.1 on spinner W's pile)."""
    pool = []
    for phrase in stats.occurrences if words is None else words:
        n = stats.count(phrase)
        if n < MIN_SEEN or len(stats.context_set(phrase)) < MIN_CONTEXTS:
            continue
        if " " not in phrase:
            if prior(phrase) <= MIN_UNIGRAM:
                pool.append(phrase)
        elif has_entry(phrase):
            pool.append(phrase)
    return sorted(pool)


def candidate_pairs(
    stats: PileStats,
    lm,
    sources_with_flags,
    *,
    words: Iterable[str] | None = None,
    has_entry=None,
    progress: bool = False,
    seed: int = 0,
) -> list[_Candidate]:
    """Every (spun phrase, candidate original) pair of the pile, scored.

    ``sources_with_flags(phrase, limit)`` gives the thesaurus candidates (the bundled
    thesaurus's :meth:`~unspin.models.thesaurus.Thesaurus.sources_with_flags`): its first
    :data:`MAX_CANDIDATES`, and up to :data:`MORE_CANDIDATES` of those seen between the
    same two words as the spun form somewhere in the pile. ``words`` limits the spun
    forms tested (default: see :func:`_spun_forms`); ``has_entry(phrase)`` says whether
    the thesaurus knows a phrase.
    """
    from tqdm import tqdm

    from ..restore.candidates import is_abbreviation
    from ..text.inflect import is_inflection

    rng = random.Random(seed)
    priors: dict[str, float] = {}

    def prior(phrase: str) -> float:
        v = priors.get(phrase)
        if v is None:
            v = priors[phrase] = lm.score_span([], phrase.split(), [], bos=False)
        return v

    docs: dict[str, set[int]] = {}

    def docs_of(w: str) -> set[int]:
        d = docs.get(w)
        if d is None:
            d = docs[w] = stats.docs_of(w)
        return d

    pool = _spun_forms(stats, words, has_entry or (lambda _p: False), prior)
    out: list[_Candidate] = []
    for spun in tqdm(pool, desc="unpaired", unit=" phrases", disable=not progress, file=sys.stderr):
        spun_words = spun.split()
        # Moby and WordNet links only: the weights were fitted on those (PPDB adds loose
        # paraphrases such as "date" -> "see" that the pile cannot tell apart).
        linked = [(o, f) for o, f in sources_with_flags(spun, MORE_CANDIDATES) if f & ~PPDB]
        cands = [
            (o, flags)
            for rank, (o, flags) in enumerate(linked)
            if o.replace(" ", "").isalpha()
            and o != spun
            and not is_abbreviation(spun, o)
            and not is_abbreviation(o, spun)
            and not is_inflection(spun, o)
            and (rank < MAX_CANDIDATES or stats.shares_context(spun, o))
        ]
        if not cands:
            continue
        occ = stats.occurrences[spun]
        sample = occ if len(occ) <= SAMPLE_SPUN else rng.sample(occ, SAMPLE_SPUN)
        ctx = _contexts(stats, sample, len(spun_words))
        base = [lm.score_span(left, spun_words, right, bos=b) for left, right, b in ctx]
        rows = []
        for original, flags in cands:
            orig_words = original.split()
            gains = [
                lm.score_span(left, orig_words, right, bos=b) - x
                for (left, right, b), x in zip(ctx, base, strict=True)
            ]
            gain = sum(gains) / len(gains)
            fit = gain - (prior(original) - prior(spun))
            oocc = stats.occurrences.get(original, ())
            # the original's own count, without its occurrences inside the spun phrase
            inside = len(occ) * spun_words.count(original) if len(orig_words) == 1 else 0
            n_orig = max(0, len(oocc) - inside)
            together = 0.0
            reverse = -3.0
            if n_orig >= 2:
                osample = (
                    oocc if len(oocc) <= SAMPLE_ORIGINAL else rng.sample(oocc, SAMPLE_ORIGINAL)
                )
                octx = _contexts(stats, osample, len(orig_words))
                reverse = sum(
                    lm.score_span(left, spun_words, right, bos=b)
                    - lm.score_span(left, orig_words, right, bos=b)
                    for left, right, b in octx
                ) / len(octx)
                mine = docs_of(spun)
                together = len(mine & docs_of(original)) / len(mine)
            rows.append((original, flags, fit, gain + reverse, together, n_orig))
        best_fit = max(r[2] for r in rows)
        best_shared = max(r[3] for r in rows)
        for original, flags, fit, shared, together, n_orig in rows:
            f = PairFeatures(
                ratio=abs(math.log(len(occ) / (n_orig + 0.5))),
                fit=fit,
                wordnet=int(bool(flags & 4)),
                seen=math.log(len(occ)),
                together=together,
                gap=math.log1p(best_shared - shared),
                best=int(fit == best_fit),
            )
            out.append(_Candidate(spun, original, f, pair_probability(f), len(occ), n_orig))
    return out


@dataclass(frozen=True)
class UnpairedSummary:
    """What :func:`learn_unpaired` read and kept."""

    documents: int = 0
    words_tested: int = 0
    pairs_scored: int = 0
    rows: int = 0
    seconds: float = 0.0


def _with_target_bonus(c: _Candidate) -> _Candidate:
    z = math.log(c.probability / (1 - c.probability)) + TARGET_BONUS
    return replace(c, probability=1 / (1 + math.exp(-z)))


def _drop_siblings(scored: list[_Candidate]) -> list[_Candidate]:
    """Drop ``s -> t`` where ``t`` looks like another spun form of one of ``s``'s own
    candidates ``o`` (``t -> o`` scored at least :data:`MIN_SIBLING`): "nameless" and
    "unnamed" both stand for "anonymous" and share its contexts, so each looks like a
    spin of the other; the pair to learn is the one with their common original."""
    probability = {(c.spun, c.original): c.probability for c in scored}
    originals: dict[str, set[str]] = defaultdict(set)
    for c in scored:
        originals[c.spun].add(c.original)
    return [
        c
        for c in scored
        if not any(
            probability.get((c.original, o), 0.0) >= MIN_SIBLING
            for o in originals[c.spun]
            if o != c.original
        )
    ]


def _follow_chains(kept: dict[str, list[_Candidate]]) -> dict[str, list[_Candidate]]:
    """Drop ``s -> o`` where ``o`` is itself more surely a spin, of ``s`` (one direction
    of a pair only) or of something else: the chain "mentioned" -> "stated" -> "said"
    ends at "said", which the pile tests directly when the thesaurus links them; a row
    pointing at a spun form would undo one spin by another."""
    best = {s: max(c.probability for c in cands) for s, cands in kept.items()}
    out: dict[str, list[_Candidate]] = {}
    for s, cands in kept.items():
        rest = [c for c in cands if best.get(c.original, 0.0) < c.probability]
        if rest:
            out[s] = rest
    return out


def learn_unpaired(
    texts: Iterable[str],
    *,
    lm=None,
    thesaurus=None,
    known: Iterable[str] = (),
    targets: Iterable[str] = (),
    min_probability: float = MIN_PROBABILITY,
    progress: bool = False,
) -> tuple[list[Entry], UnpairedSummary]:
    """Learn table rows from spun texts alone (no clean copies).

    ``known``: spun phrases already learned another way (aligned pairs); they are not
    tested again, nor taken for originals. ``targets``: originals this spinner is known
    to replace (from those pairs); a candidate pointing at one gains
    :data:`TARGET_BONUS` in log-odds (its other spun forms are the siblings the pairs
    did not show). Rows get source :data:`SOURCE`; ``count`` is the estimated number of
    spun occurrences in the pile, ``kept`` the rest of the word's occurrences.
    """
    started = time.perf_counter()
    if lm is None:
        from ..models.lm import load_lm

        lm = load_lm()
    if thesaurus is None:
        from ..models.thesaurus import load_thesaurus

        thesaurus = load_thesaurus()
    stats = pile_stats(texts)
    skip = {k.lower() for k in known}
    words = [w for w in stats.occurrences if w not in skip]
    scored = candidate_pairs(
        stats,
        lm,
        thesaurus.sources_with_flags,
        words=words,
        has_entry=thesaurus.__contains__,
        progress=progress,
    )
    wanted_targets = {t.lower() for t in targets}
    scored = [_with_target_bonus(c) if c.original in wanted_targets else c for c in scored]
    scored = [c for c in scored if c.original not in skip]
    kept: dict[str, list[_Candidate]] = defaultdict(list)
    for c in _drop_siblings(scored):
        if c.probability >= min_probability and c.features.fit >= MIN_FIT:
            kept[c.spun].append(c)
    kept = _follow_chains(kept)
    entries = []
    for s, cands in kept.items():
        for c in sorted(cands, key=lambda c: -c.probability)[:3]:
            # a uniform spinner gives the original and each spun form about equal shares,
            # so about min(1, original / spun) of the spun form's occurrences are spins
            share = min(1.0, (c.original_count + 1) / c.spun_count)
            spins = max(1, round(share * c.spun_count))
            entries.append(
                Entry(
                    s,
                    c.original,
                    spins,
                    c.spun_count - spins,
                    round(c.probability * share, 4),
                    round(min(1.0, spins / (spins + c.original_count + 1)), 4),
                    SOURCE,
                )
            )
    summary = UnpairedSummary(
        documents=stats.documents,
        words_tested=len({c.spun for c in scored}),
        pairs_scored=len(scored),
        rows=len(entries),
        seconds=round(time.perf_counter() - started, 2),
    )
    return entries, summary


def drop_common(entries: Iterable[Entry]) -> list[Entry]:
    """The rows whose spun phrase is rarer in clean English than :data:`MAX_SPUN_ZIPF`
    (wordfreq), and the given pairs' rows (source ``pairs``) whatever their phrase.

    A table learned without clean documents cannot tell when such a word is written as
    it is (nearly always): "around" -> "about", "days" -> "years", and the reversed pairs
    that two spun copies of one story give ("last" -> "final"). Spinner W's pile: 19 of
    378 rows dropped (7 of them true pairs), TUNE errors undone 6.9% -> 7.6%, no clean
    story changed (hit gate refitted for it).

    >>> [e.spun for e in drop_common([Entry("around", "about", 9, 1, 0.5, 0.4, SOURCE),
    ...                                Entry("stated", "said", 9, 1, 0.6, 0.4, SOURCE)])]
    ['stated']
    """
    from wordfreq import zipf_frequency

    return [
        e
        for e in entries
        if "pairs" in e.source.split("+") or zipf_frequency(e.spun, "en") <= MAX_SPUN_ZIPF
    ]


MODES = ("auto", "on", "off")
AUTO_MAX_PARTNERED = (
    0.25  # "auto" learns from the pile itself when fewer of its documents have a partner
)
AUTO_MIN_DOCUMENTS = 50  # ... and at least this many documents are left to learn from


def wanted(mode: str, documents: int, partnered: int) -> bool:
    """Whether ``unspin learn`` should also learn from the pile itself.

    ``on``/``off`` say so; ``auto`` does when the pile has at least
    :data:`AUTO_MIN_DOCUMENTS` documents and under a quarter of them were paired
    (a pile of spun copies, or a few known pairs in a large spun pile).

    >>> wanted("auto", 1350, 0), wanted("auto", 1950, 1200), wanted("off", 1350, 0)
    (True, False, False)
    """
    if mode not in MODES:
        raise ValueError(f"reference-free mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode != "auto":
        return mode == "on"
    return (
        documents - partnered >= AUTO_MIN_DOCUMENTS and partnered < AUTO_MAX_PARTNERED * documents
    )


def learn_from_pile(
    paths: Sequence,
    field: str = "text",
    *,
    skip: Iterable[int] = (),
    known: Iterable[str] = (),
    targets: Iterable[str] = (),
    progress: bool = False,
) -> list[Entry]:
    """:func:`learn_unpaired` on the documents of ``paths`` (numbered in reading order)
    except ``skip`` (the clean sides of aligned pairs); ``known`` spun phrases and
    ``targets`` originals come from known pairs."""
    from ..text.corpus import iter_documents

    skipped = set(skip)
    texts = (d.text for n, d in enumerate(iter_documents(paths, field)) if n not in skipped)
    entries, _summary = learn_unpaired(texts, known=known, targets=targets, progress=progress)
    return entries


def table_comments(entries: Iterable[Entry]) -> list[str]:
    """Header comment lines describing the reference-free rows among ``entries``.

    >>> table_comments([Entry("stated", "said", 9, 1, 0.6, 0.4, SOURCE)])[0][:40]
    '1 rows learned from the pile itself (sou'
    """
    n = sum(1 for e in entries if SOURCE in e.source.split("+"))
    if not n:
        return []
    return [
        f"{n} rows learned from the pile itself (source '{SOURCE}', no clean copies): "
        "p_restore = P(spinner's swap | pile evidence) x share of the word's occurrences "
        "that are spins"
    ]
