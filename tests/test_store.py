"""The reference index's storage: the same behaviour from the SQLite file and PostgreSQL.

Every test that takes ``index_location`` runs on both backends (PostgreSQL through a real
server started by ``pgserver``; skipped with the reason where it cannot start).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from unspin.twins import store_postings as sp
from unspin.twins.backends import open_store
from unspin.twins.store import (
    IndexConnectionError,
    IndexDriverError,
    IndexFingerprintError,
    IndexFormatError,
    IndexNotFoundError,
    IndexPermissionError,
    ReferenceStore,
    is_server_url,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FP = "test-fingerprint:1"


def keys_of(text: str, n: int = 8) -> list[int]:
    """Deterministic 63-bit keys of a text (stand-ins for the real fingerprint)."""
    return [
        int.from_bytes(hashlib.blake2b(f"{j}:{text}".encode(), digest_size=8).digest(), "little")
        >> 1
        for j in range(n)
    ]


def expected_postings(refs: dict[int, list[int]]) -> dict[int, list[int]]:
    """key -> ascending numbers, from {number: keys}."""
    out: dict[int, set[int]] = {}
    for number, keys in refs.items():
        for k in keys:
            out.setdefault(k, set()).add(number)
    return {k: sorted(v) for k, v in out.items()}


def test_opens_the_backend_its_location_names(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP) as store:
        assert isinstance(store, ReferenceStore)
        assert store.stats()["backend"] == (
            "postgresql" if is_server_url(index_location) else "sqlite"
        )
        assert store.stats()["documents"] == 0


def test_a_text_is_stored_once_under_whatever_id(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP) as store:
        first = store.add(
            [
                ("a.txt", "Same words.", keys_of("x")),
                ("b.txt", "Other words.", keys_of("y")),
                ("c.txt", "Same words.", keys_of("z")),
            ]
        )
        assert first[0] is not None and first[1] is not None and first[2] is None
        again = store.add([("d.txt", "Other words.", [1]), ("e.txt", "New words.", [2])])
        assert again[0] is None and again[1] is not None
        assert store.stats()["documents"] == 3
        assert store.texts([first[0]]) == {first[0]: ("a.txt", "Same words.")}
        # the keys of the copy that added nothing were not stored either
        assert store.postings(keys_of("z") + [1], cap=5) == {}


def test_texts_come_back_exactly(index_location: str) -> None:
    odd = [
        "Crème brûlée — “quoted” ½\u00a0µ\t\r\n end ",
        "emoji 👍🏽 and CJK 漢字",
        " ",
        "x" * 70_000,
    ]
    with open_store(index_location, create=True, fingerprint=FP) as store:
        numbers = store.add([(f"id{i}", t, keys_of(t)) for i, t in enumerate(odd)])
        assert None not in numbers
        got = store.texts([*numbers, 10**9])
        assert {n: got[n][1] for n in got} == dict(zip(numbers, odd, strict=True))
        assert all(store.find_text(t) == n for n, t in zip(numbers, odd, strict=True))
        assert store.contains_text(odd[1]) and not store.contains_text(odd[1] + " ")
        assert store.stats()["text_bytes"] == sum(len(t.encode()) for t in odd)


def test_postings_are_exact_before_and_after_merging(index_location: str) -> None:
    rng = random.Random(5)
    shared = [rng.getrandbits(63) for _ in range(20)]  # keys several references hold
    refs: dict[int, list[int]] = {}
    with open_store(index_location, create=True, fingerprint=FP) as store:
        for batch in range(3):
            items = []
            for i in range(100):
                text = f"reference {batch}-{i}"
                items.append((text, text, keys_of(text, 6) + rng.sample(shared, 3)))
            for n, (_, _, keys) in zip(store.add(items), items, strict=True):
                refs[n] = keys
            if batch == 1:
                assert store.merge()  # leaves one batch pending, two merged
        want = expected_postings(refs)
        probe = list(want) + [rng.getrandbits(63) for _ in range(50)]
        assert store.postings(probe, cap=1000 - 1) == want
        assert store.merge() and not store.merge()
        assert store.postings(probe, cap=1000 - 1) == want
        assert store.stats()["postings_merged"] == sum(len(v) for v in want.values())


def test_postings_cap_tells_a_hot_key(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP) as store:
        numbers = store.add([(f"r{i}", f"text {i}", [7, 1000 + i]) for i in range(30)])
        for _ in range(2):  # pending, then merged
            assert store.postings([7], cap=10) == {7: sorted(numbers)[:11]}
            assert store.postings([7], cap=29) == {7: sorted(numbers)}
            assert store.postings([7, 1003], cap=30) == {7: sorted(numbers), 1003: [numbers[3]]}
            store.merge()
        with pytest.raises(ValueError, match="cap"):
            store.postings([7], cap=sp.HOT_LIMIT)


def test_a_merged_key_keeps_its_lowest_numbers_up_to_the_hot_limit(index_location: str) -> None:
    count = sp.HOT_LIMIT + 40
    with open_store(index_location, create=True, fingerprint=FP) as store:
        numbers = store.add([(f"r{i}", f"t{i}", [99, i + 10**6]) for i in range(count)])
        store.merge()
        assert store.postings([99], cap=sp.HOT_LIMIT - 1) == {99: sorted(numbers)[: sp.HOT_LIMIT]}
        assert store.stats()["postings_merged"] == count + sp.HOT_LIMIT + 1


def test_remove_by_id(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP) as store:
        a, b, c = store.add(
            [("same-id", "first", [1, 5]), ("same-id", "second", [2, 5]), ("kept", "third", [3, 5])]
        )
        assert store.remove("same-id") == 2
        assert store.remove("same-id") == 0 and store.remove("never") == 0
        assert store.stats()["documents"] == 1
        assert store.texts([a, b, c]) == {c: ("kept", "third")}
        assert store.find_text("first") is None
        for _ in range(2):  # before and after the purge
            assert store.postings([1, 2, 3, 5], cap=10) == {3: [c], 5: [c]}
            store.merge()
        assert store.stats()["removed_unpurged"] == 0
        (d,) = store.add([("again", "first", [1])])  # a removed text can come back
        assert d is not None and d not in (a, b, c)
        assert store.postings([1], cap=10) == {1: [d]}


def test_fingerprint_is_recorded_by_the_first_add_and_checked(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP) as store:
        assert store.get_meta("fingerprint") is None
        store.add([("a", "text", [1])])
        assert store.get_meta("fingerprint") == FP
    with pytest.raises(
        IndexFingerprintError, match="built with fingerprint test-fingerprint:1.*rebuild it"
    ):
        open_store(index_location, fingerprint="other:2")
    with open_store(index_location) as store:  # reading needs no fingerprint...
        assert store.fingerprint == FP and store.postings([1], cap=1) == {1: [1]}
        with pytest.raises(ValueError, match="fingerprint="):  # ...adding does
            store.add([("b", "more", [2])])


def test_meta_strings(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP) as store:
        store.set_meta("params", "k=40")
        store.set_meta("params", "k=48")
        assert store.get_meta("params") == "k=48" and store.get_meta("unset") is None
        with pytest.raises(ValueError, match="index's own"):
            store.set_meta("format_version", "9")
        assert store.stats()["format_version"] == 1


def test_readonly_refuses_writes(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP) as store:
        store.add([("a", "text", [1])])
    with open_store(index_location, readonly=True, fingerprint=FP) as store:
        assert store.stats()["documents"] == 1
        for write in (
            lambda: store.add([("b", "x", [2])]),
            lambda: store.remove("a"),
            lambda: store.set_meta("x", "y"),
        ):
            with pytest.raises(ValueError, match="read-only"):
                write()


def test_missing_index_without_create(index_location: str) -> None:
    with pytest.raises(IndexNotFoundError, match="unspin index add"):
        open_store(index_location)


def test_another_format_version_is_refused(index_location: str) -> None:
    with open_store(index_location, create=True, fingerprint=FP):
        pass
    if is_server_url(index_location):
        import psycopg

        with psycopg.connect(index_location, autocommit=True) as conn:
            conn.execute("UPDATE unspin_meta SET value = '2' WHERE name = 'format_version'")
    else:
        with sqlite3.connect(index_location) as conn:
            conn.execute("UPDATE unspin_meta SET value = '2' WHERE name = 'format_version'")
    with pytest.raises(
        IndexFormatError,
        match="index format 2, this unspin reads format 1: rebuild it with `unspin index add`",
    ):
        open_store(index_location)


def test_not_an_index_sqlite(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n")
    with pytest.raises(IndexFormatError, match="notes.txt: not an unspin index .not an SQLite"):
        open_store(text, create=True)
    assert text.read_text() == "just some notes\n"  # never written over
    with pytest.raises(IndexFormatError, match="a folder"):
        open_store(tmp_path)
    foreign = tmp_path / "app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
    conn.close()
    for create in (False, True):
        with pytest.raises(IndexFormatError, match="app.db: not an unspin index"):
            open_store(foreign, create=create)
    with sqlite3.connect(foreign) as conn:  # untouched, down to its journal mode
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["users"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_server_errors_name_the_url_without_its_password(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    url = f"postgresql://ann:s3cret@/nowhere?host={tmp_path}&connect_timeout=2"
    with pytest.raises(IndexConnectionError, match="ann:\\*\\*\\*@/nowhere.*cannot connect") as e:
        open_store(url)
    assert "s3cret" not in str(e.value)


def test_missing_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(IndexDriverError, match=r"pip install 'unspin\[postgres\]'"):
        open_store("postgresql://localhost/refs")


@pytest.mark.slow
def test_sqlite_file_is_smaller_than_the_raw_text(tmp_path: Path) -> None:
    corpus = SHARED / "corpus" / "wikipedia_en.jsonl.gz"
    if not corpus.exists():
        pytest.skip(f"{corpus} is absent (only in the project's shared data folder)")
    texts: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            words = json.loads(line)["text"].split(" ")
            texts += [" ".join(words[i : i + 300]) for i in range(0, len(words) - 299, 300)]
            if len(texts) >= 6000:
                break
    rng = random.Random(1)
    path = tmp_path / "refs.unspin"
    with open_store(path, create=True, fingerprint=FP) as store:
        for i in range(0, len(texts), 1000):
            store.add(
                [
                    (f"w{j}", t, [rng.getrandbits(63) for _ in range(48)])
                    for j, t in enumerate(texts[i : i + 1000], start=i)
                ]
            )
        raw = store.stats()["text_bytes"]
    assert os.path.getsize(path) <= raw  # measured: 0.76 of it


def test_postgres_roles_as_documented(pg_server) -> None:  # type: ignore[no-untyped-def]
    """The grants store_postgres's docstring gives: an owner creates, a writer adds and
    merges, a reader only reads (and is told what it lacks when it writes)."""
    import uuid

    import psycopg

    tag = uuid.uuid4().hex[:8]
    owner, writer, reader, schema = (f"{r}_{tag}" for r in ("owner", "writer", "reader", "s"))
    with psycopg.connect(pg_server.get_uri(), autocommit=True) as conn:
        for role in (owner, writer, reader):
            conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {owner}")
        conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {writer}, {reader}")
        conn.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {writer}"
        )
        conn.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT SELECT ON TABLES TO {reader}"
        )

    def url(role: str) -> str:
        base = pg_server.get_uri().replace("postgres:@", f"{role}:@", 1)
        return f"{base}&options=-csearch_path%3D{schema}"

    with open_store(url(owner), create=True, fingerprint=FP) as store:
        store.add([("a", "text a", [1, 2])])
    with open_store(url(writer), fingerprint=FP) as store:
        store.add([("b", "text b", [2, 3])])
        assert store.merge() and store.remove("a") == 1
    with open_store(url(reader), fingerprint=FP) as store:
        assert store.postings([2, 3], cap=5) == {2: [2], 3: [2]}
        with pytest.raises(IndexPermissionError, match="not allowed .permission denied"):
            store.add([("c", "text c", [4])])
