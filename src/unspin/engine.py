"""The restore engine: table + candidates + language model -> edits in input coordinates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .articles import agreement_change, article_disagreement
from .candidates import Candidate, reversal_candidates, table_candidates, thesaurus_candidates
from .decode import Scorer, decide
from .detect import SpinEvidence, confirmed, reversal_prior, spin_evidence, word_counts
from .options import RestoreOptions
from .scoring import DecisionModel, _zipf, candidate_features, load_decision_model
from .spin_features import document_signals
from .table import Table, bundled_table, load_merged
from .tokens import OPENERS, Token, lm_token, norm, sentence_spans, tokenize, transfer_case

__all__ = ["Edit", "Engine", "get_engine", "engine_for"]


class Edit(NamedTuple):
    """One change: ``text[start:end] == found`` becomes ``restored``."""

    start: int
    end: int
    found: str
    restored: str
    score: float
    source: str


def _is_name(tokens: Sequence[Token], i: int, first: int) -> bool:
    """A capitalised word inside a sentence (a name, a title word): left alone."""
    text = tokens[i].text
    if not text[:1].isupper() or text.isupper() and len(text) > 1 and _all_caps_run(tokens, i):
        return False
    if i == first:
        return False
    return tokens[i - 1].text not in OPENERS


def _all_caps_run(tokens: Sequence[Token], i: int) -> bool:
    """Whether the neighbours are in capitals too (a shouted line, not an acronym)."""
    near = [t for t in tokens[max(0, i - 2) : i + 3] if t.kind == "word" and len(t.text) > 1]
    return len(near) >= 3 and all(t.text.isupper() for t in near)


@lru_cache(maxsize=8)
def _load_tables(paths: tuple[Path, ...]) -> Table:
    return load_merged(paths) if paths else bundled_table()


def _load_scorer(options: RestoreOptions) -> Scorer:
    if not options.use_lm:
        from .unigram import UnigramScorer

        return UnigramScorer()
    from .lm import load_lm

    return load_lm(options.lm)


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


# A table learned by aligning spun copies with their originals is the spinner's own
# dictionary: by default unspin restores what it knows and proposes no zero-shot guesses
# (reversals, thesaurus) beside it. Spinner W, an aligned pile's table, stories held out
# from calibration: 47.0% of errors undone with the guesses, 48.7% without.
TABLE_ONLY_METHODS = frozenset({"aligned"})
_FUNCTION_ZIPF = 6.3  # observed words this common (the, of, said...) get no thesaurus candidates
_THESAURUS_LIMIT = 20
_SURPRISE = -3.0  # the thesaurus is asked only about words the LM finds this unlikely
_PRUNE_SLACK = 1.0  # candidates this far below the threshold on their own are not searched
# Table hits counted per phrase as written: a story that says "dual listing" seven times
# is one piece of evidence, not seven (1,000 clean Reuters stories: 6 changed -> 3).
_HITS_PER_PHRASE = 2


def _unique(cands: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per (span, words). A small-word reversal wins (its prior follows the
    document), then a table candidate, then a thesaurus one."""
    rank = {"reversal": 0, "table": 1, "thesaurus": 2}
    unique: dict[tuple[int, int, tuple[str, ...]], Candidate] = {}
    for c in cands:
        key = (c.i, c.j, c.words)
        if key not in unique or rank[c.kind] < rank[unique[key].kind]:
            unique[key] = c
    return list(unique.values())


def _open_word(token: Token, key: str) -> bool:
    """A word the thesaurus may propose originals for: a content word, not a function word."""
    if token.kind != "word" or token.protected or len(token.text) < 3 or not token.text.isalpha():
        return False
    return _zipf(key) < _FUNCTION_ZIPF


def _blocked(tokens: Sequence[Token], names: set[str]) -> set[int]:
    """Positions of names: capitalised inside a sentence here or anywhere in the document."""
    return {k for k in range(len(tokens)) if tokens[k].text in names or _is_name(tokens, k, 0)}


def _drop_blocked(cands: Sequence[Candidate], blocked: set[int]) -> list[Candidate]:
    """Candidates that touch no name (see :func:`_blocked`)."""
    return [c for c in cands if not blocked.intersection(range(c.i, c.j))]


def _name_words(tokens: Sequence[Token], sentences: Sequence[tuple[int, int]]) -> set[str]:
    """Words written with a capital inside a sentence somewhere in the document."""
    names = set()
    for a, b in sentences:
        for k in range(a + 1, b):
            if _is_name(tokens, k, a):
                names.add(tokens[k].text)
    return names


def _swap(words: Sequence[str], cand: Candidate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The swap ``cand`` would undo, (observed words, candidate words): the same swap
    anywhere in a document has the same key."""
    return tuple(words[cand.i : cand.j]), cand.words


def _pair_totals(pending: Sequence[tuple]) -> dict[tuple, tuple[int, float]]:
    """For each (observed words, candidate words) pair: how often the document offers it
    and the sum of its LM gains there (a spinner swaps a word the same way every time)."""
    totals: dict[tuple, tuple[int, float]] = {}
    for _, words, cands, gains, _ in pending:
        for c, g in zip(cands, gains, strict=True):
            key = _swap(words, c)
            n, total = totals.get(key, (0, 0.0))
            totals[key] = (n + 1, total + g)
    return totals


@dataclass
class Engine:
    """A loaded table, scorer and decision model, with the options that steer decisions."""

    table: Table
    scorer: Any
    options: RestoreOptions
    model: DecisionModel
    #: Clean English's weighted table hits per word, (mean, variance), for a table with
    #: a ``hit_gate`` (:func:`unspin.learn_unpaired.clean_expectation`).
    clean_hits: tuple[float, float] | None = None

    @property
    def signature(self) -> str:
        """Reproducibility signature: versions of package, table and model."""
        from . import __version__

        extra = "".join(f"|{k}:{v}" for k, v in sorted(self.options.signature_parts().items()))
        return (
            f"unspin:{__version__}|table:{self.table.name}|{self.scorer.signature}"
            f"|decision:{self.model.name}{extra}"
        )

    def spin(self, text: str) -> SpinEvidence:
        """The document spin evidence for ``text``."""
        return self.analyse(text).evidence

    def edits(self, text: str) -> list[Edit]:
        """All edits the engine makes to ``text``, in order."""
        return self.edits_from(text, self.analyse(text))

    def edits_from(self, text: str, analysis: Analysis) -> list[Edit]:
        """Decide edits from a finished analysis of ``text``; none when the gate is on
        (``min_spin`` above 0) and too few of them bear out the spin estimate."""
        out = self.decided(text, analysis)
        if self.options.min_spin > 0 and not confirmed(analysis.evidence, len(out)):
            return []
        return out

    def decided(self, text: str, analysis: Analysis) -> list[Edit]:
        """The edits decided from a finished analysis of ``text``, however few."""
        tokens = analysis.tokens
        out: list[Edit] = []
        margin = self.options.margin
        bonus = self.model.repeat_bonus
        # Candidates worth searching: (candidate with its prior, its LM gain alone), kept
        # down to where the repeat bonus could still carry them.
        pruned: list[list[tuple[Candidate, float]]] = []
        for sent in analysis.sentences:
            cands = []
            for c, f in zip(sent.candidates, sent.features, strict=True):
                prior = self.model.prior(f)
                if prior + f[0] > margin - _PRUNE_SLACK - bonus:
                    cands.append((replace(c, prior=prior), f[0]))
            pruned.append(cands)
        floor = margin - _PRUNE_SLACK
        chosen = [
            decide(s.words, [c for c, g in cands if c.prior + g > floor], self.scorer, margin)
            for s, cands in zip(analysis.sentences, pruned, strict=True)
        ]
        if bonus > 0:
            chosen = self._decide_again(analysis.sentences, pruned, chosen)
        for sent, decisions in zip(analysis.sentences, chosen, strict=True):
            for cand, gain in decisions:
                first, last = tokens[sent.first + cand.i], tokens[sent.first + cand.j - 1]
                found = text[first.start : last.end]
                out.append(
                    Edit(
                        first.start,
                        last.end,
                        found,
                        transfer_case(found, cand.text),
                        round(gain, 3),
                        cand.source,
                    )
                )
        return out

    def _decide_again(
        self,
        sentences: Sequence[Scored],
        pruned: list[list[tuple[Candidate, float]]],
        chosen: list[list[tuple[Candidate, float]]],
    ) -> list[list[tuple[Candidate, float]]]:
        """Decide once more where a swap made elsewhere in the document is on offer but was
        not made, with :attr:`DecisionModel.repeat_bonus` added to its prior."""
        made = {
            _swap(s.words, c)
            for s, decisions in zip(sentences, chosen, strict=True)
            for c, _ in decisions
        }
        floor = self.options.margin - _PRUNE_SLACK
        out = []
        for sent, cands, decisions in zip(sentences, pruned, chosen, strict=True):
            taken = {c for c, _ in decisions}
            again, boosted = [], False
            for c, gain in cands:
                if c not in taken and _swap(sent.words, c) in made:
                    c, boosted = replace(c, prior=c.prior + self.model.repeat_bonus), True
                if c.prior + gain > floor:
                    again.append(c)
            if boosted:
                decisions = decide(sent.words, again, self.scorer, self.options.margin)
            out.append(decisions)
        return out

    def analyse(self, text: str) -> Analysis:
        """Tokenize, propose candidates, score each against the LM, measure the document."""
        tokens = tokenize(text)
        keys = [norm(t.text) for t in tokens]
        lm_words = [lm_token(t) for t in tokens]
        spans = sentence_spans(tokens, text)
        counts = word_counts(keys)
        names = _name_words(tokens, spans)
        words_total = sum(1 for t in tokens if t.kind == "word")
        tabled = [table_candidates(tokens[a:b], keys[a:b], text, self.table) for a, b in spans]
        # Spin evidence: words covered by table phrases that are usually spins *and* whose
        # restoration the LM prefers here (clean text reads better as it stands).
        # The gains are kept for the decisions below, not computed twice.
        known: dict[tuple[int, Candidate], float] = {}  # (sentence start, candidate)
        hits = 0
        per_phrase: Counter[tuple[str, ...]] = Counter()
        # a table with a hit gate weighs every row's hits (where the LM restores them)
        weighted = self.clean_hits is not None
        restorable: dict[tuple[str, ...], set[int]] = {}
        for (a, b), cands in zip(spans, tabled, strict=True):
            strong = [c for c in cands if (weighted or c.evidence > 0) and c.words != ("the",)]
            gains = self._local_gains(lm_words[a:b], strong)
            known.update(zip([(a, c) for c in strong], gains, strict=True))
            for c, g in zip(strong, gains, strict=True):
                phrase = tuple(keys[a + c.i : a + c.j])
                if weighted and g > 0:
                    restorable.setdefault(phrase, set()).add(a + c.i)
                if g > 0 and c.evidence > 0 and per_phrase[phrase] < _HITS_PER_PHRASE:
                    per_phrase[phrase] += 1
                    hits += c.j - c.i
        # The language model's view of every sentence (reused below) and the signs of
        # spinning it gives with the thesaurus (unspin.spin_features).
        sent_logprobs = [self.scorer.token_logprobs(lm_words[a:b]) for a, b in spans]
        signals = document_signals(tokens, keys, lm_words, spans, sent_logprobs, self.scorer)
        evidence = spin_evidence(counts, words_total, hits, self.table.spin_gate, signals)
        if self.clean_hits is not None and self.table.hit_gate is not None:
            no_hits = spin_evidence(counts, words_total, 0, None, signals)
            evidence = self._hit_gated(evidence, no_hits, restorable, words_total)
        if evidence.spin < self.options.min_spin:
            return Analysis(tokens, [], evidence)  # left alone: nothing to decide
        hit_rate = evidence.hit_rate
        looks_spun = evidence.spin >= 0.5
        thorough = self.options.thorough
        if thorough is None:
            thorough = looks_spun and self.table.method not in TABLE_ONLY_METHODS
        pending = []
        for (a, b), cands, logprobs in zip(spans, tabled, sent_logprobs, strict=True):
            sent_words = lm_words[a:b]
            blocked = _blocked(tokens[a:b], names)
            if thorough:
                cands = cands + self._open_candidates(
                    text, tokens[a:b], keys[a:b], blocked, counts, logprobs
                )
            cands = _drop_blocked(_unique(cands), blocked)
            if not cands:
                continue
            fresh = [c for c in cands if (a, c) not in known]
            gains_fresh = self._local_gains(sent_words, fresh)
            known.update(zip([(a, c) for c in fresh], gains_fresh, strict=True))
            pending.append((a, sent_words, cands, [known[(a, c)] for c in cands], logprobs))
        pairs = _pair_totals(pending)
        sentences = []
        for a, sent_words, cands, gains, logprobs in pending:
            document = [(pairs[_swap(sent_words, c)], counts[" ".join(c.words)] > 0) for c in cands]
            sentences.append(
                Scored(
                    a,
                    sent_words,
                    cands,
                    self._features(
                        sent_words,
                        [t.text for t in tokens[a : a + len(sent_words)]],
                        cands,
                        gains,
                        logprobs,
                        hit_rate,
                        evidence.a_the_excess,
                        not looks_spun,
                        document,
                    ),
                )
            )
        return Analysis(tokens, sentences, evidence)

    def _hit_gated(
        self,
        evidence: SpinEvidence,
        no_hits: SpinEvidence,
        restorable: dict[tuple[str, ...], set[int]],
        words: int,
    ) -> SpinEvidence:
        """The evidence with the table's hit gate in place of the share of hits: the
        estimate is the larger of :func:`unspin.learn_unpaired.gate_spin` of the
        document's weighted hits (each phrase's best ``p_restore``, at most
        :data:`_HITS_PER_PHRASE` per phrase) and ``no_hits``'s (the estimate without
        table hits)."""
        from .learn_unpaired import gate_spin, hit_score

        assert self.clean_hits is not None and self.table.hit_gate is not None
        total = sum(
            min(len(at), _HITS_PER_PHRASE) * self.table.lookup(phrase)[0].p_restore
            for phrase, at in restorable.items()
        )
        gate = gate_spin(hit_score(total, words, *self.clean_hits), self.table.hit_gate)
        table_spin = max(gate, no_hits.table_spin)
        return replace(evidence, spin=max(table_spin, no_hits.lm_spin), table_spin=table_spin)

    def _features(
        self,
        words: Sequence[str],
        raw: Sequence[str],
        cands: Sequence[Candidate],
        gains: Sequence[float],
        logprobs: Sequence[float],
        hit_rate: float,
        a_excess: float,
        quiet: bool,
        document: Sequence[tuple[tuple[int, float], bool]],
    ) -> list[list[float]]:
        # Per start position: number of candidates and the two best gains (keep counts as 0).
        tops: dict[int, list[float]] = {}
        for c, g in zip(cands, gains, strict=True):
            top = tops.setdefault(c.i, [0, 0.0, 0.0])
            top[0] += 1
            if g > top[1]:
                top[1], top[2] = g, top[1]
            elif g > top[2]:
                top[2] = g
        feats = []
        for c, g, ((seen, total), in_doc) in zip(cands, gains, document, strict=True):
            n, best, second = tops[c.i]
            best_other = second if g >= best else best
            feats.append(
                candidate_features(
                    c.kind,
                    c.evidence,
                    c.channel,
                    g,
                    words[c.i : c.j],
                    c.words,
                    logprobs[c.i],
                    hit_rate,
                    g - best_other,
                    n - 1,
                    a_excess,
                    quiet,
                    seen - 1,
                    total - g,
                    in_doc,
                    article_disagreement(raw, c.i, c.j),
                    agreement_change(raw, c.i, c.words),
                )
            )
        return feats

    def _local_gains(self, words: Sequence[str], cands: Sequence[Candidate]) -> list[float]:
        """LM gain of each candidate over the words as they stand."""
        keep: dict[tuple[int, int], float] = {}
        gains = []
        span = getattr(self.scorer, "score_span", None)
        for c in cands:
            left, right = words[: c.i], words[c.j :]
            if span is None:
                alt = list(words[: c.i]) + list(c.words) + list(words[c.j :])
                gains.append(self.scorer.score(alt) - self.scorer.score(words))
                continue
            if (c.i, c.j) not in keep:
                keep[(c.i, c.j)] = span(left, words[c.i : c.j], right, eos=True)
            gains.append(span(left, c.words, right, eos=True) - keep[(c.i, c.j)])
        return gains

    def _open_candidates(
        self,
        text: str,
        tokens: Sequence[Token],
        keys: Sequence[str],
        blocked: set[int],
        counts: Any,
        logprobs: Sequence[float],
    ) -> list[Candidate]:
        """Candidates beyond the table: small-word reversals and thesaurus synonyms (none
        at the ``blocked`` positions, names)."""
        opts = self.options
        cands: list[Candidate] = []
        if opts.reversals:
            cands += reversal_candidates(
                tokens, keys, text, lambda o, t: reversal_prior(counts, o, t)
            )
        if opts.thesaurus:
            from .thesaurus import load_thesaurus

            thesaurus = load_thesaurus()
            positions = [
                k
                for k in range(len(tokens))
                if k not in blocked and _open_word(tokens[k], keys[k]) and logprobs[k] < _SURPRISE
            ]
            cands += thesaurus_candidates(
                tokens, positions, lambda w: thesaurus.sources_with_flags(w, _THESAURUS_LIMIT)
            )
        return cands


def engine_for(table: Table, options: RestoreOptions) -> Engine:
    """An engine over an already loaded ``table`` (not cached); a table learned from a pile
    (one with its own threshold) is decided by the model's part for learned tables."""
    model = load_decision_model()
    if table.threshold is not None:
        model = model.for_learned_table(table.threshold)
    clean_hits = None
    if table.hit_gate is not None:
        from .learn_unpaired import clean_expectation

        clean_hits = clean_expectation(table.entries)
    return Engine(table, _load_scorer(options), options, model, clean_hits)


@lru_cache(maxsize=8)
def get_engine(options: RestoreOptions) -> Engine:
    """The engine for these options (tables and model are loaded once and cached)."""
    return engine_for(_load_tables(options.tables), options)
