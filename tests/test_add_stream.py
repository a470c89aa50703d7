"""Adding a stream of references with fingerprinting in another process (issue 29): the same
index as adding batch by batch in one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.twins.add_stream import add_stream
from unspin.twins.fingerprint import reference_keys
from unspin.twins.refindex import ReferenceIndex


def _texts(count: int) -> list[tuple[str, str]]:
    places = ["Dunmore", "Kestrel", "Harrowgate", "Lindqvist", "Orsova", "Pallan", "Carvell"]
    return [
        (
            f"doc{i}",
            f"{places[i % 7]} Mills said its unit {i} in {places[(i * 3) % 7]} sold "
            f"{i * 17 % 101}.{i % 9} mln dlrs of Tillbury carpets, Alden Voss said.",
        )
        for i in range(count)
    ]


@pytest.mark.slow  # a spawned fingerprinting process: a second or two
def test_two_workers_store_what_one_process_stores(tmp_path: Path) -> None:
    stream = _texts(40)
    stream += stream[5:12]  # known texts again, under the same ids
    seen = []
    with ReferenceIndex(tmp_path / "two.unspin", create=True) as two:
        done = add_stream(two.store, iter(stream), workers=2, batch=6, progress=seen.append)
        stored_two = two.store.texts(range(1, 100))
    with ReferenceIndex(tmp_path / "one.unspin", create=True) as one:
        for k in range(0, len(stream), 6):
            one.add(stream[k : k + 6])
        stored_one = one.store.texts(range(1, 100))
    assert done == (40, 7)
    assert seen[-1] == done and len(seen) == -(-len(stream) // 6)
    assert stored_two == stored_one  # same numbers, ids and texts, in stream order
    assert [stored_two[n] for n in sorted(stored_two)] == stream[:40]


def test_stored_keys_are_the_fingerprints(tmp_path: Path) -> None:
    stream = _texts(5)
    with ReferenceIndex(tmp_path / "refs.unspin", create=True) as index:
        index.add_many(stream, batch=2)
        for number, (_, text) in enumerate(stream, start=1):
            keys = reference_keys(text)
            found = index.store.postings(keys, cap=100)
            assert all(number in found[k] for k in keys)
