"""Shared fixtures: paths to the seeds, a small hand-written table, ../shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def seed(prefix: str) -> str:
    """The text of the seed article whose name starts with ``prefix``."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def small_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny table written in the real format (independent of the bundled one)."""
    rows = [
        ("court docket", "court", 9, 0, 0.97, 0.3),
        ("in keeping with", "according to", 7, 0, 0.96, 0.4),
        ("primary modification", "First Amendment", 2, 0, 0.95, 0.5),
        ("flip over", "turn over", 3, 0, 0.9, 0.2),
    ]
    path = tmp_path_factory.mktemp("tables") / "small.tsv"
    lines = ["#unspin-table\t1\tname=small", "spun\toriginal\tcount\tkept\tp_restore\tp_channel\tsource"]
    lines += ["\t".join(map(str, (*r, "test"))) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shared_file(relative: str) -> Path:
    """A file under ../shared, or skip the test when this clone has none."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"needs ../shared/{relative} (not present in this clone)")
    return path
