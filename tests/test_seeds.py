"""The seed articles, restored with the bundled table, model and thesaurus."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from unspin import RestoreOptions, restore, restore_and_explain

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.quality.restore import evaluate_seeds  # noqa: E402

FLOORS = Path(__file__).with_name("quality_floors.json")


def seed(prefix: str) -> str:
    """The text of the seed article whose name starts with ``prefix``."""
    (path,) = (ROOT / "seeds").glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def restored() -> dict[str, tuple[str, list]]:
    out = {}
    for prefix in ("000", "001", "002", "003", "004"):
        r = restore_and_explain(seed(prefix))
        out[prefix] = (r.text, list(r.edits))
    return out


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_clean_seeds_come_back_byte_identical(restored: dict, prefix: str) -> None:
    text, edits = restored[prefix]
    assert edits == []
    assert text == seed(prefix)


def test_spun_seed_000_court_docket_means_court(restored: dict) -> None:
    text, edits = restored["000"]
    pairs = {(e.found.lower(), e.restored.lower()) for e in edits}
    assert ("court docket", "court") in pairs
    assert "in federal court in California" in text
    assert "court docket" not in text


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_spun_seeds_get_many_restorations(restored: dict, prefix: str) -> None:
    text, edits = restored[prefix]
    assert len(edits) >= 10
    assert text != seed(prefix)


@pytest.mark.parametrize("prefix", ["000", "002", "004"])
def test_idempotent_on_seeds(restored: dict, prefix: str) -> None:
    once = restored[prefix][0]
    assert restore(once) == once


def test_quality_floors_hold() -> None:
    """Measured quality may not drop below the pinned floors (tests/quality_floors.json)."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    seeds = evaluate_seeds(RestoreOptions())
    measured = {
        "seed_000_vs_001_undone": seeds["seed_000_vs_001"],
        "seed_004_vs_reconstruction_undone": seeds["seed_004_vs_reconstruction"],
        "seed_001_003_false_per_1000": -seeds["clean_seeds_wrong_per_1000"],
    }
    for name, value in measured.items():
        assert value >= floors[name]["floor"], (
            f"{name}: {value:.3f} < floor {floors[name]['floor']}"
        )


def test_floors_are_never_lowered_silently() -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    for name, entry in floors.items():
        if entry["floor"] < max(entry.get("history", [entry["floor"]])):
            assert entry.get("lowered_because"), f"{name} was lowered without a reason"
