"""Shared fixtures: a small hand-written table in the real format."""

from __future__ import annotations

from pathlib import Path

import pytest


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
    lines = [
        "#unspin-table\t1\tname=small",
        "spun\toriginal\tcount\tkept\tp_restore\tp_channel\tsource",
    ]
    lines += ["\t".join(map(str, (*r, "test"))) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
