"""Reading a document before deciding anything: its tokens and sentences, how spun it
looks (:class:`~unspin.restore.detect.SpinEvidence`), and, where it looks spun enough, the
candidates each sentence is offered (:mod:`unspin.restore.proposals`) with their feature
rows (:mod:`unspin.restore.scoring`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from ..models.table import Table
from ..options import RestoreOptions
from ..text.tokens import Token, lm_token, norm, sentence_spans, tokenize
from . import hit_gate
from .candidates import Candidate, table_candidates
from .detect import SpinEvidence, spin_evidence, word_counts
from .proposals import name_positions, name_words, open_candidates, unique, without_names
from .scoring import feature_rows, local_gains, pair_totals, swap
from .spin_features import document_signals

__all__ = ["Scored", "Analysis", "analyse", "TABLE_ONLY_METHODS"]

# A table learned by aligning spun copies with their originals is the spinner's own
# dictionary: by default unspin restores what it knows and proposes no zero-shot guesses
# (reversals, thesaurus) beside it. Spinner W, an aligned pile's table, stories held out
# from calibration: 47.0% of errors undone with the guesses, 48.7% without.
TABLE_ONLY_METHODS = frozenset({"aligned"})
# Table hits counted per phrase as written: a story that says "dual listing" seven times
# is one piece of evidence, not seven (1,000 clean Reuters stories: 6 changed -> 3).
_HITS_PER_PHRASE = 2


@dataclass
class Scored:
    """A sentence's words and its candidates with their features."""

    first: int
    words: list[str]
    candidates: list[Candidate]
    features: list[list[float]]


@dataclass
class Analysis:
    """Everything the engine learned about a document before deciding."""

    tokens: list[Token]
    sentences: list[Scored]
    evidence: SpinEvidence


class _Offered(NamedTuple):
    """A sentence's candidates with their LM gains, before the document-wide features."""

    first: int
    words: list[str]
    candidates: list[Candidate]
    gains: list[float]
    logprobs: Sequence[float]


# LM gains already computed, by (sentence start, candidate): the spin evidence computes
# some, the decisions reuse them.
_Gains = dict[tuple[int, Candidate], float]


def analyse(
    text: str,
    table: Table,
    scorer: Any,
    options: RestoreOptions,
    clean_hits: tuple[float, float] | None = None,
) -> Analysis:
    """Tokenize ``text``, measure how spun it looks, and (unless it looks less spun than
    ``options.min_spin``) propose candidates and score each against the LM ``scorer``.
    ``clean_hits`` (:func:`~unspin.restore.hit_gate.clean_expectation`) turns on the
    table's hit gate, if it has one."""
    tokens = tokenize(text)
    keys = [norm(t.text) for t in tokens]
    lm_words = [lm_token(t) for t in tokens]
    spans = sentence_spans(tokens, text)
    counts = word_counts(keys)
    tabled = [table_candidates(tokens[a:b], keys[a:b], text, table) for a, b in spans]
    known: _Gains = {}
    hit_gated = clean_hits is not None and table.hit_gate is not None
    hits, restorable = _table_hits(keys, lm_words, spans, tabled, scorer, known, hit_gated)
    # The language model's view of every sentence (reused below) and the signs of
    # spinning it gives with the thesaurus (unspin.restore.spin_features).
    sent_logprobs = [scorer.token_logprobs(lm_words[a:b]) for a, b in spans]
    signals = document_signals(tokens, keys, lm_words, spans, sent_logprobs, scorer)
    words_total = sum(1 for t in tokens if t.kind == "word")
    evidence = spin_evidence(counts, words_total, hits, table.spin_gate, signals)
    if hit_gated:
        assert clean_hits is not None
        no_hits = spin_evidence(counts, words_total, 0, None, signals)
        evidence = _hit_gated(evidence, no_hits, restorable, words_total, table, clean_hits)
    if evidence.spin < options.min_spin:
        return Analysis(tokens, [], evidence)  # left alone: nothing to decide
    looks_spun = evidence.spin >= 0.5
    thorough = options.thorough
    if thorough is None:
        thorough = looks_spun and table.method not in TABLE_ONLY_METHODS
    names = name_words(tokens, spans)
    offered = []
    for (a, b), cands, logprobs in zip(spans, tabled, sent_logprobs, strict=True):
        blocked = name_positions(tokens[a:b], names)
        if thorough:
            cands = cands + open_candidates(
                text, tokens[a:b], keys[a:b], blocked, counts, logprobs, options
            )
        cands = without_names(unique(cands), blocked)
        if cands:
            gains = _gains(a, lm_words[a:b], cands, scorer, known)
            offered.append(_Offered(a, lm_words[a:b], cands, gains, logprobs))
    raw = [t.text for t in tokens]
    scored = _scored(offered, raw, counts, evidence, not looks_spun)
    return Analysis(tokens, scored, evidence)


def _table_hits(
    keys: Sequence[str],
    lm_words: Sequence[str],
    spans: Sequence[tuple[int, int]],
    tabled: Sequence[list[Candidate]],
    scorer: Any,
    known: _Gains,
    weighted: bool = False,
) -> tuple[int, dict[tuple[str, ...], set[int]]]:
    """Spin evidence from the table: words covered by table phrases that are usually spins
    *and* whose restoration the LM prefers here (clean text reads better as it stands),
    each phrase counted at most :data:`_HITS_PER_PHRASE` times; and, for a ``weighted``
    (hit-gated) table, where each of its phrases the LM would restore, usual spin or not.
    The gains go into ``known``."""
    hits = 0
    per_phrase: Counter[tuple[str, ...]] = Counter()
    restorable: dict[tuple[str, ...], set[int]] = {}
    for (a, b), cands in zip(spans, tabled, strict=True):
        strong = [c for c in cands if (weighted or c.evidence > 0) and c.words != ("the",)]
        gains = local_gains(scorer, lm_words[a:b], strong)
        known.update(zip([(a, c) for c in strong], gains, strict=True))
        for c, g in zip(strong, gains, strict=True):
            phrase = tuple(keys[a + c.i : a + c.j])
            if weighted and g > 0:
                restorable.setdefault(phrase, set()).add(a + c.i)
            if g > 0 and c.evidence > 0 and per_phrase[phrase] < _HITS_PER_PHRASE:
                per_phrase[phrase] += 1
                hits += c.j - c.i
    return hits, restorable


def _hit_gated(
    evidence: SpinEvidence,
    no_hits: SpinEvidence,
    restorable: dict[tuple[str, ...], set[int]],
    words: int,
    table: Table,
    clean_hits: tuple[float, float],
) -> SpinEvidence:
    """The evidence with the table's hit gate in place of the share of hits: the estimate
    is the larger of :func:`~unspin.restore.hit_gate.gate_spin` of the document's weighted
    hits (each phrase's best ``p_restore``, at most :data:`_HITS_PER_PHRASE` per phrase)
    and ``no_hits``'s (the estimate without table hits)."""
    assert table.hit_gate is not None
    total = sum(
        min(len(at), _HITS_PER_PHRASE) * table.lookup(phrase)[0].p_restore
        for phrase, at in restorable.items()
    )
    score = hit_gate.hit_score(total, words, *clean_hits)
    table_spin = max(hit_gate.gate_spin(score, table.hit_gate), no_hits.table_spin)
    return replace(evidence, spin=max(table_spin, no_hits.lm_spin), table_spin=table_spin)


def _gains(
    first: int, words: Sequence[str], cands: Sequence[Candidate], scorer: Any, known: _Gains
) -> list[float]:
    """The LM gains of a sentence's candidates, computing only those not ``known`` yet."""
    fresh = [c for c in cands if (first, c) not in known]
    known.update(zip([(first, c) for c in fresh], local_gains(scorer, words, fresh), strict=True))
    return [known[(first, c)] for c in cands]


def _scored(
    offered: Sequence[_Offered],
    raw: Sequence[str],
    counts: Counter[str],
    evidence: SpinEvidence,
    quiet: bool,
) -> list[Scored]:
    """The offered sentences with each candidate's feature row, which looks at the whole
    document: the same swap offered elsewhere, the candidate's words written elsewhere."""
    pairs = pair_totals((o.words, o.candidates, o.gains) for o in offered)
    sentences = []
    for o in offered:
        document = [(pairs[swap(o.words, c)], counts[" ".join(c.words)] > 0) for c in o.candidates]
        rows = feature_rows(
            o.words,
            raw[o.first : o.first + len(o.words)],
            o.candidates,
            o.gains,
            o.logprobs,
            evidence.hit_rate,
            evidence.a_the_excess,
            quiet,
            document,
        )
        sentences.append(Scored(o.first, o.words, o.candidates, rows))
    return sentences
