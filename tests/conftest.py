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


# ------------------------------------------------ reference index backends (twins/store*.py)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real PostgreSQL for the session (``pgserver``), or a skip saying why not."""
    pgserver = pytest.importorskip(
        "pgserver", reason="pgserver is not installed: pip install -e '.[test]'"
    )
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test]'")
    data = tmp_path_factory.mktemp("pg") / "data"
    for attempt in range(2):  # a loaded machine can outlast pg_ctl's 10 s: look again once
        try:
            server = pgserver.get_server(data, cleanup_mode="stop")
            break
        except Exception as error:  # noqa: BLE001 - any failure to start is a reason to skip
            if attempt:
                pytest.skip(f"pgserver could not start a PostgreSQL here: {error!r:.200}")
    yield server
    server.cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def index_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where to put a new, empty reference index: an SQLite path, or a PostgreSQL URL
    whose ``search_path`` is a schema of its own (the way users share one database)."""
    if request.param == "sqlite":
        return str(tmp_path / "refs.unspin")
    import uuid

    import psycopg

    server = request.getfixturevalue("pg_server")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{server.get_uri()}&options=-csearch_path%3D{schema}"
