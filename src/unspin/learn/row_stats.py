"""Counting a pile's aligned substitutions into table rows (:class:`_Stats`), and how
sure the rows are: which sightings are learned, ``p_restore`` and ``p_channel``, the
significance test of a pair against its parts, and the rows' precision on held-out pairs
(:func:`heldout_precision`). :mod:`unspin.learn.learner` runs them over a pile.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from ..models.table import Entry, phrase_key
from ..text.inflect import is_inflection
from ..twins.align import Alignment, Change, Prepared, Substitution

MIN_P_RESTORE = 0.05
# Rows learned from a pile need more: on spinner W (TUNE stories, a table learned from its
# aligned pile, --min-spin 0) table edits with p_restore < 0.2 were right 136 times and
# wrong 193 (0.2-0.5: 336 / 215; >= 0.5: 1,268 / 116); without them 43.5% of errors are
# undone instead of 42.3%, and no clean original is changed instead of 1 of 150.
MIN_P_RESTORE_PILE = 0.2
# A change with fewer unchanged tokens than this share around it (3 each side) sits in
# an editor's rewrite, not among a spinner's swaps: a pair seen only so is not learned.
MIN_STEADY = 0.5
# A single sighting is learned from a pile when its alignment is unambiguous: its block
# stood alone (this steady, no split needed) in a sentence pair at least this similar.
CLEAR_STEADY = 0.99
CLEAR_SIMILARITY = 0.7


_AUXILIARIES = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having"]
    + ["will", "would", "shall", "should", "can", "could", "may", "might", "must"]
    + ["do", "does", "did"]
)


def _same_lemma(spun: str, original: str) -> bool:
    """Two forms of one word ("sought" / "seeks"): a change of tense, not a swap."""
    from ..text.inflect import lemmas

    if " " in spun or " " in original or spun == original.lower():
        return False
    shared = set(lemmas(spun)) & set(lemmas(original.lower()))
    # auxiliaries ("will" / "would") are a spinner's swaps, whatever lemminflect says
    return bool(shared) and all(upos != "AUX" for _, upos in shared | set(lemmas(spun)))


def _tense_rewrite(spun: str, original: str) -> bool:
    """A verb phrase whose auxiliary changed along with its verb ("will symbolize" ->
    "is representing", "knowledgeable" -> "has informed"): an editor's rewrite of tense or
    voice. A spinner swaps a modal alone ("can" -> "will") or a whole auxiliary group
    ("have been" -> "were").

    >>> _tense_rewrite("will symbolize", "is representing"), _tense_rewrite("can", "will")
    (True, False)
    >>> _tense_rewrite("have been", "were"), _tense_rewrite("knowledgeable", "has informed")
    (False, True)
    """
    sw, ow = spun.split(), original.lower().split()

    def verb_group(words: list[str]) -> bool:  # an auxiliary, then a word that is not one
        return len(words) > 1 and words[0] in _AUXILIARIES and words[-1] not in _AUXILIARIES

    if not (verb_group(sw) or verb_group(ow)):
        return False
    return sw[0] != ow[0]


class _Stats:
    """Counts of aligned substitutions and of phrase occurrences on the clean sides."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.counts: Counter[tuple[str, str]] = Counter()
        #: sightings whose alignment was unambiguous / inside a rewrite, per pair
        self.clear: Counter[tuple[str, str]] = Counter()
        self.rewrites: Counter[tuple[str, str]] = Counter()
        self.clean_texts: list[tuple[Prepared, frozenset[int]]] = []
        self.seen = 0

    def add(self, alignment: Alignment) -> list[Change]:
        """Take in one aligned pair; returns its changes."""
        changes = alignment.changes()
        self.seen += len(changes)
        self.changes.extend(changes)
        matched = frozenset(j for _, j, _ in alignment.pairs)
        self.clean_texts.append((alignment.clean, matched))
        return changes

    def resolve(self) -> None:
        """Count substitutions, taking merged blocks apart where the parts are seen alone."""
        primary = Counter((c.substitution.spun, c.substitution.original) for c in self.changes)
        counts: Counter[tuple[str, str]] = Counter()
        for change in self.changes:
            sub = change.substitution
            block = primary[sub.spun, sub.original]
            best: tuple[int, int] = (0, 0)
            parts: tuple[Substitution, ...] = (sub,)
            for first, second in () if _has_number(sub.spun + sub.original) else change.splits:
                n1 = primary[first.spun, first.original]
                n2 = primary[second.spun, second.original]
                score = (min(n1, n2), n1 + n2)
                if score > best:
                    best, chosen = score, (first, second)
            if best[0] >= 1 and (block < 2 or best[0] >= block):
                parts = chosen
            for part in parts:
                counts[part.spun, part.original] += 1
                if change.steady < MIN_STEADY:
                    self.rewrites[part.spun, part.original] += 1
                elif (
                    len(parts) == 1
                    and change.steady >= CLEAR_STEADY
                    and change.similarity >= CLEAR_SIMILARITY
                ):
                    self.clear[part.spun, part.original] += 1
        self.counts = _decompose(counts)
        self.changes = []

    def accepted(self, min_count: int, generalise: bool) -> dict[tuple[str, str], int]:
        """The pairs worth a row, with their counts.

        A pair seen only inside rewrites is dropped, and so is a change of tense seen
        once (:func:`_tense_rewrite`); the others need ``min_count`` sightings. With
        ``generalise`` (a pile's few sightings of a real spinner's many forms), inflections
        of one (spun, original) lemma pair are pooled for that ("utilizing" -> "using" once
        and "utilized" -> "used" once make two), and a pair seen once is kept when that
        sighting was unambiguous (see :data:`CLEAR_STEADY`) and its original is a word the
        spinner is seen to replace by another form too. (Without that last condition:
        spinner W, TUNE, 44.0% of errors undone instead of 43.5%, 1,211 rows instead of
        1,012, 0.961 of them right instead of 0.964: within noise, so the cautious rule.)
        """
        from ..text.inflect import lemma_key, lemmas

        def groups(pair: tuple[str, str]) -> set[tuple]:
            """The lemma pairs this pair is a form of ("used" is a verb and an adjective)."""
            spun, original = pair[0], pair[1].lower()
            if " " in spun or " " in original:
                return {(lemma_key(tuple(spun.split())), lemma_key(tuple(original.split())))}
            found = {(ls, lo, u) for ls, u in lemmas(spun) for lo, v in lemmas(original) if u == v}
            return found or {(spun, original)}

        usable = {
            pair: n
            for pair, n in self.counts.items()
            if n > self.rewrites[pair] and not is_inflection(*pair) and not _same_lemma(*pair)
        }
        # seen once, a change of tense is an editor's (several sightings: a spinner's)
        usable = {p: n for p, n in usable.items() if n > 1 or not _tense_rewrite(*p)}
        pooled: Counter = Counter()
        spun_forms: dict[str, set[str]] = {}
        for pair, n in usable.items():
            for key in groups(pair):
                pooled[key] += n
            spun_forms.setdefault(pair[1].lower(), set()).add(pair[0])
        out = {}
        for pair, n in usable.items():
            pooled_n = max(pooled[k] for k in groups(pair)) if generalise else n
            clear = self.clear[pair] > 0 and len(spun_forms[pair[1].lower()]) > 1
            if n >= min_count or pooled_n >= min_count or (generalise and clear):
                out[pair] = self.counts[pair]
        return out

    def entries(self, min_count: int, source: str, generalise: bool = False) -> list[Entry]:
        candidates = self.accepted(min_count, generalise)
        if not candidates:
            return []
        spun_keys = {pair: phrase_key(pair[0]) for pair in candidates}
        orig_keys = {pair: tuple(k.lower() for k in phrase_key(pair[1])) for pair in candidates}
        wanted = set(spun_keys.values()) | set(orig_keys.values())
        longest = max(len(k) for k in wanted)
        kept: Counter[tuple[str, ...]] = Counter()
        in_aligned: Counter[tuple[str, ...]] = Counter()
        for prepared, matched in self.clean_texts:
            for idx, sentence in enumerate(prepared.sentences):
                keys = sentence.keys
                for i in range(len(keys)):
                    for n in range(1, min(longest, len(keys) - i) + 1):
                        gram = keys[i : i + n]
                        if gram in wanted:
                            kept[gram] += 1
                            if idx in matched:
                                in_aligned[gram] += 1
        by_spun: Counter[tuple[str, ...]] = Counter()
        for pair, n in self.counts.items():
            by_spun[phrase_key(pair[0])] += n
        out = []
        for pair, count in candidates.items():
            skey, okey = spun_keys[pair], orig_keys[pair]
            k = kept[skey]
            other = by_spun[skey] - count
            p_restore = count / (count + k + other + 1)
            p_channel = min(1.0, count / (in_aligned[okey] + 1))
            if p_restore < (MIN_P_RESTORE_PILE if generalise else MIN_P_RESTORE):
                continue
            out.append(Entry(pair[0], pair[1], count, k, p_restore, p_channel, source))
        return out


HELD_OUT_FOLDS = 5


def heldout_precision(
    documents: Sequence[Sequence[Change]],
    min_count: int,
    generalise: bool,
    folds: int = HELD_OUT_FOLDS,
) -> float | None:
    """Estimated precision of a table, from the pile alone: the aligned pairs are cut into
    ``folds`` parts; a table learned from all parts but one meets the swaps of the part
    left out. Each held-out swap whose spun phrase the table holds counts right when the
    table's first original for it (the most often seen) is the one in the held-out text.
    None with too few pairs to hold some out.

    >>> heldout_precision([], 2, True) is None
    True
    """
    if len(documents) < 2 * folds:
        return None
    checked = right = 0
    for fold in range(folds):
        train = _Stats()
        held: list[Substitution] = []
        for k, changes in enumerate(documents):
            if k % folds == fold:
                held.extend(change.substitution for change in changes)
            else:
                train.changes.extend(changes)
        train.resolve()
        first: dict[str, tuple[int, str]] = {}
        for (spun, original), n in train.accepted(min_count, generalise).items():
            if (n, original.lower()) > first.get(spun, (0, "")):
                first[spun] = (n, original.lower())
        for sub in held:
            if sub.spun in first:
                checked += 1
                right += first[sub.spun][1] == sub.original.lower()
    return round(right / checked, 3) if checked else None


def _has_number(phrase: str) -> bool:
    return any(ch.isdigit() for ch in phrase)


def _decompose(counts: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Take apart multi-word pairs made of two swaps when one part is common on its own.

    ``("pronounced a", "said the")`` becomes ``("pronounced", "said")`` + ``("a", "the")``
    when one of those is seen at least as often; the other part inherits the count.

    >>> c = Counter({("pronounced a", "said the"): 3, ("a", "the"): 50})
    >>> sorted(_decompose(c).items())
    [(('a', 'the'), 53), (('pronounced', 'said'), 3)]
    """
    out: Counter[tuple[str, str]] = Counter(counts)
    lower: Counter[tuple[str, str]] = Counter()
    for (sp, orig), n in counts.items():
        lower[sp, orig.lower()] += n
    for (sp, orig), n in sorted(counts.items(), key=lambda kv: -len(kv[0][0]) - len(kv[0][1])):
        sw, ow = sp.split(" "), orig.split(" ")
        if len(sw) < 2 or len(ow) < 2 or _has_number(sp) or _has_number(orig):
            continue  # a phrase with a number ("final 12 months") is one swap
        best = None
        for i in range(1, len(sw)):
            for j in range(1, len(ow)):
                p1 = (" ".join(sw[:i]), " ".join(ow[:j]))
                p2 = (" ".join(sw[i:]), " ".join(ow[j:]))
                n1 = lower[p1[0], p1[1].lower()]
                n2 = lower[p2[0], p2[1].lower()]
                if max(n1, n2) >= n and (best is None or n1 + n2 > best[0]):
                    best = (n1 + n2, p1, p2)
        if best is not None:
            _, p1, p2 = best
            del out[sp, orig]
            for part in (p1, p2):
                if part[0] != part[1].lower():
                    out[part] += n
    return out


def _significant(entries: list[Entry], counts: Counter[tuple[str, str]]) -> list[Entry]:
    """Keep pairs whose association beats chance (Dunning log-likelihood ratio)."""
    total = sum(counts.values())
    by_spun: Counter[str] = Counter()
    by_orig: Counter[str] = Counter()
    for (s, o), n in counts.items():
        by_spun[s] += n
        by_orig[o] += n
    kept = []
    for e in entries:
        k11 = e.count
        k12 = by_spun[e.spun] - k11
        k21 = by_orig[e.original] - k11
        k22 = max(total - k11 - k12 - k21, 0)
        if _llr(k11, k12, k21, k22) >= 3.84 or k11 >= 3:
            kept.append(e)
    return kept


def _llr(k11: int, k12: int, k21: int, k22: int) -> float:
    def h(*ks: int) -> float:
        n = sum(ks)
        return sum(k * math.log(k / n) for k in ks if k > 0)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))
