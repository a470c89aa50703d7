"""The decision model: how much evidence a candidate restoration needs.

A logistic model over a candidate's evidence (LM gain, where it came from, how
often the table saw it, word frequencies, how spun the document looks), fitted by
``python -m bench.calibrate`` on synthetic spins of Wikipedia and shipped as
``data/decision.json``. The decoder uses it in LM units: a candidate's prior is
its logit without the LM term, divided by the LM weight.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ModelFormatError

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
    "zipf_drop",
    "observed_logprob",
    "doc_rate",  # share of the document's words covered by table phrases
    "length_change",
    "lead_over_rivals",
    "log_rivals",
    "a_excess",
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
) -> list[float]:
    """The feature vector of one candidate, in the order of :data:`FEATURES`."""
    table, rev = source == "table", source == "reversal"
    zipf_drop = _zipf(original[0]) - _zipf(observed[0]) if observed and original else 0.0
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
        max(-4.0, min(4.0, zipf_drop)),
        max(-8.0, observed_logprob),
        doc_rate,
        float(len(observed) - len(original)),
        max(-5.0, min(5.0, lead)),
        math.log1p(rivals),
        a_excess,
    ]


@dataclass(frozen=True)
class DecisionModel:
    """When a candidate is worth applying.

    Table candidates: the LM gain plus the table's log-odds P(original | spun) must
    exceed ``table_margin`` (``quiet_offset`` more in a document with no other sign of
    spinning). Other candidates: a logistic model over their features (weights from
    ``bench.calibrate``) must reach ``threshold``.
    """

    name: str
    bias: float
    weights: tuple[float, ...]
    threshold: float
    table_margin: float = 1.0
    quiet_offset: float = 2.0

    @property
    def lm_weight(self) -> float:
        """The weight of the LM gain (positive: the model trusts the LM)."""
        return self.weights[0]

    def logit(self, features: Sequence[float]) -> float:
        """log-odds that a (non-table) candidate is the right restoration."""
        return self.bias + math.fsum(map(operator.mul, self.weights, features))

    def prior(self, features: Sequence[float]) -> float:
        """The candidate's evidence apart from the LM, in LM log10 units, relative to
        :attr:`margin` (what a hypothesis's total must exceed)."""
        if features[1]:
            table_bar = self.table_margin + self.quiet_offset * features[4]
            return features[2] - table_bar + self.margin
        rest = self.logit(features) - self.weights[0] * features[0]
        return rest / self.lm_weight

    @property
    def margin(self) -> float:
        """The threshold in LM log10 units (what a change's total must exceed)."""
        return self.threshold / self.lm_weight

    def to_json(self) -> str:
        """The model as the data file's JSON."""
        return json.dumps(
            {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "name": self.name,
                "features": list(FEATURES),
                "bias": self.bias,
                "weights": list(self.weights),
                "threshold": self.threshold,
                "table_margin": self.table_margin,
                "quiet_offset": self.quiet_offset,
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
            "rebuild it with python -m bench.calibrate"
        )
    if tuple(data.get("features", ())) != FEATURES or len(data["weights"]) != len(FEATURES):
        raise ModelFormatError(f"{origin}: features differ from this unspin's {FEATURES}")
    if data["weights"][0] <= 0:
        raise ModelFormatError(f"{origin}: the LM weight must be positive")
    return DecisionModel(data["name"], float(data["bias"]),
                         tuple(float(w) for w in data["weights"]), float(data["threshold"]),
                         float(data["table_margin"]), float(data["quiet_offset"]))


@lru_cache(maxsize=4)
def load_decision_model(path: Path | None = None) -> DecisionModel:
    """The decision model (None: the bundled ``decision.json``), loaded once."""
    if path is None:
        from .resources import data_path

        try:
            path = data_path("decision.json")
        except FileNotFoundError:
            return DEFAULT_MODEL
    return parse_decision_model(Path(path).read_text(encoding="utf-8"), str(path))


# Hand-set starting point, used only until ``python -m bench.calibrate`` has been run.
DEFAULT_MODEL = DecisionModel(
    "hand-set",
    -3.0,
    (1.0, 0.0, 0.0, 0.0, 0.0, -1.0, 1.0, -2.0, -0.3, 0.2, -0.1, 5.0, 0.0, 0.5, -0.2, 1.0),
    2.0,
)
