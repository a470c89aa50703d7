"""The restore engine: table + candidates + language model -> edits in input coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .candidates import Candidate, reversal_candidates, table_candidates, thesaurus_candidates
from .decode import Scorer, decide
from .detect import SpinEvidence, reversal_prior, spin_evidence, word_counts
from .options import RestoreOptions
from .table import Table, bundled_table, load_table
from .tokens import Token, lm_token, norm, sentence_spans, tokenize, transfer_case

__all__ = ["Edit", "Engine", "get_engine"]


class Edit(NamedTuple):
    """One change: ``text[start:end] == found`` becomes ``restored``."""

    start: int
    end: int
    found: str
    restored: str
    score: float
    source: str


_OPENERS = frozenset("\"'“‘(—–-:[")


def _is_name(tokens: Sequence[Token], i: int, first: int) -> bool:
    """A capitalised word inside a sentence (a name, a title word): left alone."""
    text = tokens[i].text
    if not text[:1].isupper() or text.isupper() and len(text) > 1 and _all_caps_run(tokens, i):
        return False
    if i == first:
        return False
    return tokens[i - 1].text not in _OPENERS


def _all_caps_run(tokens: Sequence[Token], i: int) -> bool:
    """Whether the neighbours are in capitals too (a shouted line, not an acronym)."""
    near = [t for t in tokens[max(0, i - 2) : i + 3] if t.kind == "word" and len(t.text) > 1]
    return len(near) >= 3 and all(t.text.isupper() for t in near)


@lru_cache(maxsize=8)
def _load_tables(paths: tuple[Path, ...]) -> Table:
    if not paths:
        return bundled_table()
    table = load_table(paths[0])
    for path in paths[1:]:
        table = table.merged(load_table(path))
    return table


def _load_scorer(options: RestoreOptions) -> Scorer:
    if not options.use_lm:
        from .unigram import UnigramScorer

        return UnigramScorer()
    from .lm import load_lm

    return load_lm(options.lm)


@dataclass
class Engine:
    """A loaded table and scorer, with the options that steer decisions."""

    table: Table
    scorer: Any
    options: RestoreOptions

    @property
    def signature(self) -> str:
        """Reproducibility signature: versions of package, table and model."""
        from . import __version__

        extra = "".join(f"|{k}:{v}" for k, v in sorted(self.options.signature_parts().items()))
        return f"unspin:{__version__}|table:{self.table.name}|{self.scorer.signature}{extra}"

    def evidence(self, tokens: Sequence[Token], keys: Sequence[str], text: str,
                 sentences: Sequence[tuple[int, int]], lm_words: Sequence[str]) -> SpinEvidence:
        """Measure how spun the document looks."""
        words = sum(1 for t in tokens if t.kind == "word")
        hits = 0.0
        for c in table_candidates(tokens, keys, text, self.table, 1.0):
            if c.prior > 0:
                hits += (c.j - c.i) * min(1.0, c.prior / 2)
        lm_per_token = None
        if self.options.use_lm and words:
            total = sum(self.scorer.score(lm_words[a:b]) for a, b in sentences)
            lm_per_token = total / max(len(tokens), 1)
        return spin_evidence(word_counts(keys), words, hits, lm_per_token)

    def spin(self, text: str) -> SpinEvidence:
        """The document spin evidence for ``text``."""
        tokens = tokenize(text)
        keys = [norm(t.text) for t in tokens]
        lm_words = [lm_token(t) for t in tokens]
        return self.evidence(tokens, keys, text, sentence_spans(tokens, text), lm_words)

    def edits(self, text: str) -> list[Edit]:
        """All edits the engine makes to ``text``, in order."""
        tokens = tokenize(text)
        if not tokens:
            return []
        keys = [norm(t.text) for t in tokens]
        lm_words = [lm_token(t) for t in tokens]
        sentences = sentence_spans(tokens, text)
        evidence = self.evidence(tokens, keys, text, sentences, lm_words)
        spin = self.options.spin if self.options.spin is not None else evidence.spin
        counts = word_counts(keys)
        out: list[Edit] = []
        for a, b in sentences:
            out.extend(self._sentence_edits(text, tokens, keys, lm_words, a, b, spin, counts))
        return out

    def _sentence_edits(self, text: str, tokens: Sequence[Token], keys: Sequence[str],
                        lm_words: Sequence[str], a: int, b: int, spin: float,
                        counts: Any) -> list[Edit]:
        sent_tokens, sent_keys = tokens[a:b], keys[a:b]
        words = lm_words[a:b]
        cands = self._candidates(text, sent_tokens, sent_keys, words, spin, counts)
        cands = [c for c in cands if not any(_is_name(sent_tokens, k, 0) for k in range(c.i, c.j))]
        out = []
        for cand, gain in decide(words, cands, self.scorer, self.options.margin):
            first, last = sent_tokens[cand.i], sent_tokens[cand.j - 1]
            found = text[first.start : last.end]
            out.append(Edit(first.start, last.end, found, transfer_case(found, cand.text),
                            round(gain, 3), cand.source))
        return out

    def _candidates(self, text: str, tokens: Sequence[Token], keys: Sequence[str],
                    words: Sequence[str], spin: float, counts: Any) -> list[Candidate]:
        opts = self.options
        bold = spin >= opts.gate
        cands = table_candidates(tokens, keys, text, self.table, opts.table_weight)
        if opts.reversals and bold:
            cands += reversal_candidates(
                tokens, keys, text, lambda o, t: reversal_prior(counts, o, t, spin)
            )
        if opts.thesaurus and bold:
            from .thesaurus import load_thesaurus

            positions = self._suspicious(tokens, words)
            cands += thesaurus_candidates(tokens, positions, load_thesaurus().sources_of,
                                          opts.thesaurus_cost)
        return cands

    def _suspicious(self, tokens: Sequence[Token], words: Sequence[str]) -> list[int]:
        """Content words the model finds surprising in their place."""
        logprobs = self.scorer.token_logprobs(words)
        out = []
        for i, tok in enumerate(tokens):
            if tok.kind != "word" or tok.protected or len(tok.text) < 3 or not tok.text.isalpha():
                continue
            surprise = logprobs[i] + 0.5 * logprobs[i + 1]
            if surprise < -3.5:
                out.append(i)
        return out


@lru_cache(maxsize=8)
def get_engine(options: RestoreOptions) -> Engine:
    """The engine for these options (tables and model are loaded once and cached)."""
    return Engine(_load_tables(options.tables), _load_scorer(options), options)
