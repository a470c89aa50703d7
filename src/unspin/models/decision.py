"""The decision model: how much evidence a candidate restoration needs.

A logistic model over a candidate's evidence (LM gain, where it came from, how
often the table saw it, word frequencies, how spun the document looks), fitted by
``python -m bench.quality.calibrate`` on synthetic spins of Wikipedia (the bundled table's and the
reversals' parts) and ``python -m bench.quality.calibrate_w`` on real spinner output (thesaurus
candidates, tables learned from a pile), shipped as ``data/decision.json``. The
decoder uses it in LM units: a candidate's prior is its logit without the LM term,
divided by the LM weight.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..errors import ModelFormatError

__all__ = ["FEATURES", "DecisionModel", "load_decision_model", "candidate_features"]

FORMAT_NAME = "unspin-decision"
FORMAT_VERSION = 1

FEATURES = (
    "lm_gain",
    "is_table",
    "table_logodds",  # log10 odds of the table's P(original | spun)
    "table_log_channel",  # log10 of the table's P(spun | original)
    "table_quiet",  # a table candidate in a document with no other sign of spinning
    "is_reversal",
    "reversal_prior",
    "is_thesaurus",
    "thesaurus_log_rank",
    "thesaurus_spinner_way",  # the original's Moby entry lists the observed word
    "thesaurus_wordnet",  # WordNet links the two
    "zipf_drop",
    "observed_logprob",
    "doc_rate",  # share of the document's words covered by table phrases
    "length_change",
    "lead_over_rivals",
    "log_rivals",
    "a_excess",
    "pair_repeats",  # log(1 + other places in the document with the same swap on offer)
    "pair_gain_elsewhere",  # the LM gains of the same swap at those places, summed
    "original_in_doc",  # the candidate's words occur as written elsewhere in the document
    "a_before_vowel",  # it replaces "a" written before a vowel sound ("a existence")
    "an_before_consonant",  # it replaces "an" written before a consonant sound ("an try")
    "agreement_change",  # +1 it makes the article before it agree, -1 it breaks agreement
    "thesaurus_ppdb",  # PPDB lists the two as paraphrases
)


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def candidate_features(
    source: str,
    evidence: float,
    channel: float,
    lm_gain: float,
    observed: Sequence[str],
    original: Sequence[str],
    observed_logprob: float,
    doc_rate: float,
    lead: float,
    rivals: int,
    a_excess: float,
    quiet: bool,
    repeats: int = 0,
    gain_elsewhere: float = 0.0,
    original_in_doc: bool = False,
    article_disagrees: float = 0.0,
    agreement_change: float = 0.0,
) -> list[float]:
    """The feature vector of one candidate, in the order of :data:`FEATURES`."""
    table, rev = source == "table", source == "reversal"
    zipf_drop = _zipf(" ".join(original)) - _zipf(" ".join(observed))
    return [
        lm_gain,
        float(table),
        evidence if table else 0.0,
        math.log10(max(channel, 1e-4)) if table else 0.0,
        float(table and quiet),
        float(rev),
        evidence if rev else 0.0,
        float(source == "thesaurus"),
        math.log1p(evidence) if source == "thesaurus" else 0.0,
        float(source == "thesaurus" and int(channel) & 1 > 0),
        float(source == "thesaurus" and int(channel) & 4 > 0),
        max(-4.0, min(4.0, zipf_drop)),
        max(-8.0, observed_logprob),
        doc_rate,
        float(len(observed) - len(original)),
        max(-5.0, min(5.0, lead)),
        math.log1p(rivals),
        a_excess,
        math.log1p(repeats),
        max(-10.0, min(10.0, gain_elsewhere)),
        float(original_in_doc),
        max(0.0, article_disagrees),
        max(0.0, -article_disagrees),
        agreement_change,
        float(source == "thesaurus" and int(channel) & 8 > 0),
    ]


@dataclass(frozen=True)
class LogisticPart:
    """One logistic model: log-odds = bias + weights . features; act at ``threshold``."""

    bias: float
    weights: tuple[float, ...]
    threshold: float

    def prior(self, features: Sequence[float]) -> float:
        """Evidence apart from the LM gain, in LM log10 units, less the threshold."""
        rest = self.bias + math.fsum(map(operator.mul, self.weights, features))
        rest -= self.weights[0] * features[0] + self.threshold
        return rest / self.weights[0]


@dataclass(frozen=True)
class DecisionModel:
    """When a candidate is worth applying: one logistic part for table candidates, one
    for the rest (thesaurus, and reversals unless they have a part of their own), each with
    its calibrated threshold.

    A sentence hypothesis is applied when its LM gain plus its candidates' priors is
    positive, so a lone candidate is applied exactly when its log-odds clear its threshold.
    """

    name: str
    table: LogisticPart
    other: LogisticPart
    #: Extra prior (LM log10 units) for a swap the document already made elsewhere: a
    #: spinner with a fixed dictionary swaps a word the same way every time.
    repeat_bonus: float = 0.0
    #: Small-word reversals (a -> the ...), when fitted apart: one spinner's habit, not a
    #: thesaurus swap.
    reversal: LogisticPart | None = None
    #: Table candidates of a table learned from a pile of real spins (``unspin learn``),
    #: when fitted apart: such rows mean something else than the bundled table's.
    learned: LogisticPart | None = None

    def for_learned_table(self, threshold: float | None) -> DecisionModel:
        """The model for a table learned from a pile: its own part for table candidates
        (when there is one), with the table's own threshold (when it has one)."""
        part = self.learned or self.table
        if threshold is not None:
            part = replace(part, threshold=threshold)
        return replace(self, name=f"{self.name}+table-threshold:{part.threshold:g}", table=part)

    def prior(self, features: Sequence[float]) -> float:
        """The candidate's prior in LM log10 units (threshold already subtracted)."""
        if features[1]:
            return self.table.prior(features)
        if features[5] and self.reversal is not None:
            return self.reversal.prior(features)
        return self.other.prior(features)

    def parts(self) -> list[tuple[str, LogisticPart]]:
        """The logistic parts by name, as stored in the data file."""
        named = [("table", self.table), ("other", self.other)]
        optional = [("reversal", self.reversal), ("learned", self.learned)]
        return named + [(name, part) for name, part in optional if part is not None]

    def to_json(self) -> str:
        """The model as the data file's JSON."""
        return json.dumps(
            {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "name": self.name,
                "features": list(FEATURES),
                **{
                    name: {
                        "bias": part.bias,
                        "weights": list(part.weights),
                        "threshold": part.threshold,
                    }
                    for name, part in self.parts()
                },
                "repeat_bonus": self.repeat_bonus,
            },
            indent=1,
        )


def parse_decision_model(text: str, origin: str) -> DecisionModel:
    """Parse and validate the JSON of a decision model file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFormatError(f"{origin}: not JSON ({exc.msg}, line {exc.lineno})") from None
    if data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
        raise ModelFormatError(
            f"{origin}: expected format {FORMAT_NAME} version {FORMAT_VERSION}; "
            "rebuild it with bench/rebuild_data.sh (step 5)"
        )
    if tuple(data.get("features", ())) != FEATURES:
        raise ModelFormatError(f"{origin}: features differ from this unspin's {FEATURES}")
    parts = []
    for name in ("table", "other", "reversal", "learned"):
        part = data.get(name)
        if name in ("reversal", "learned") and part is None:
            parts.append(None)
            continue
        if not isinstance(part, dict) or len(part.get("weights", ())) != len(FEATURES):
            raise ModelFormatError(
                f"{origin}: '{name}' needs bias, {len(FEATURES)} weights and a threshold"
            )
        if part["weights"][0] <= 0:
            raise ModelFormatError(f"{origin}: the LM weight of '{name}' must be positive")
        parts.append(
            LogisticPart(
                float(part["bias"]),
                tuple(float(w) for w in part["weights"]),
                float(part["threshold"]),
            )
        )
    bonus = data.get("repeat_bonus", 0.0)
    if not isinstance(bonus, (int, float)) or bonus < 0:
        raise ModelFormatError(f"{origin}: 'repeat_bonus' must be a number >= 0")
    table, other, reversal, learned = parts
    return DecisionModel(data["name"], table, other, float(bonus), reversal, learned)


@lru_cache(maxsize=4)
def load_decision_model(path: Path | None = None) -> DecisionModel:
    """The decision model (None: the bundled ``decision.json``), loaded once."""
    if path is None:
        from ..resources import data_path

        try:
            path = data_path("decision.json")
        except FileNotFoundError:
            return DEFAULT_MODEL
    return parse_decision_model(Path(path).read_text(encoding="utf-8"), str(path))


# Hand-set starting point, used only until ``python -m bench.quality.calibrate`` has been run.
_N = len(FEATURES)
DEFAULT_MODEL = DecisionModel(
    "hand-set",
    LogisticPart(0.0, (1.0, 0.0, 1.0) + (0.0,) * (_N - 3), 1.0),
    LogisticPart(-3.0, (1.0,) + (0.0,) * (_N - 1), 1.0),
)
