"""The reference index under real processes: killed writers, readers beside a writer,
several writers at once (SQLite file and PostgreSQL alike, no mocks).

Writers are separate Python processes running :data:`WRITER` (the store as a user's
``unspin index add`` would drive it: batches, each one transaction). They merge far more
often than the default (``merge_at``), so merges run while others add and merge.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import unspin
from unspin.twins import store_postings as sp
from unspin.twins.backends import open_store

pytestmark = pytest.mark.slow  # real processes: seconds each

FP = "test-fingerprint:1"
SRC = str(Path(unspin.__file__).resolve().parents[1])

KEYS = '''
import hashlib
def keys_of(text):
    """Eight keys of its own and one every text shares (a hot key)."""
    own = [int.from_bytes(hashlib.blake2b(f"{j}:{text}".encode(), digest_size=8).digest(),
                          "little") >> 1 for j in range(8)]
    return own + [42]
'''

WRITER = (
    KEYS
    + """
import json, os, sys, time
from unspin.twins import store_postings
from unspin.twins.backends import open_store
location, items_path, batch, merge_at, start_at = sys.argv[1:6]
store_postings.MERGE_AT = int(merge_at)
items = json.load(open(items_path))
while time.time() < float(start_at):  # start together with the other writers
    time.sleep(0.001)
with open_store(location, create=True, fingerprint="test-fingerprint:1") as store:
    for i in range(0, len(items), int(batch)):
        part = items[i:i + int(batch)]
        store.add([(ref_id, text, keys_of(text)) for ref_id, text in part])
        print("committed", i + len(part), flush=True)
"""
)

namespace: dict[str, object] = {}
exec(KEYS, namespace)  # the same keys the writers compute
keys_of = namespace["keys_of"]


def texts(count: int, tag: str = "") -> list[str]:
    return [
        f"Reference text {tag}{i}: " + hashlib.sha256(str(i).encode()).hexdigest() * 3
        for i in range(count)
    ]


def writer(
    tmp_path: Path,
    location: str,
    items: list[tuple[str, str]],
    *,
    batch: int,
    merge_at: int,
    start_at: float = 0.0,
    name: str = "w",
) -> subprocess.Popen:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(items))
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRITER,
            location,
            str(path),
            str(batch),
            str(merge_at),
            str(start_at),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # a parent started in the background ignores Ctrl-C; the writer must not inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
    )


def check_consistent(location: str, all_texts: list[str]) -> dict[str, int]:
    """Every stored text whole and with all its postings; each text at most once."""
    with open_store(location) as store:
        own = {k: t for t in all_texts for k in keys_of(t)[:-1]}
        found = store.postings(own, cap=5)
        assert all(len(numbers) == 1 for numbers in found.values())
        numbers = {own[k]: numbers[0] for k, numbers in found.items()}
        assert len(found) == 8 * len(numbers)  # a stored text has all its keys...
        assert len(set(numbers.values())) == len(numbers)  # ...and is stored once
        assert store.stats()["documents"] == len(numbers)
        got = store.texts(numbers.values())
        assert {n: text for n, (_, text) in got.items()} == {n: t for t, n in numbers.items()}
        for t in all_texts[::40]:
            assert store.find_text(t) == numbers.get(t)
        hot = store.postings([42], cap=sp.HOT_LIMIT - 1).get(42, [])
        assert hot == sorted(numbers.values())[: sp.HOT_LIMIT]
    return numbers


def test_an_interrupted_or_killed_add_keeps_what_it_committed(
    index_location: str, tmp_path: Path
) -> None:
    all_texts = texts(1500)
    items = [(f"doc{i}", t) for i, t in enumerate(all_texts)]
    for stop, after in ((signal.SIGINT, 300), (signal.SIGKILL, 800)):  # Ctrl-C, then kill -9
        proc = writer(tmp_path, index_location, items, batch=50, merge_at=2000)
        committed = 0
        assert proc.stdout is not None
        for line in proc.stdout:  # let it commit some batches and merges, then stop it
            committed = int(line.split()[1])
            if committed >= after:
                break
        proc.send_signal(stop)
        proc.wait()
        numbers = check_consistent(index_location, all_texts)
        assert committed <= len(numbers) < len(all_texts)  # nothing committed lost
        assert len(numbers) % 50 == 0  # and no half batch
    rerun = writer(tmp_path, index_location, items, batch=50, merge_at=2000, name="rerun")
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read() if rerun.stderr else ""
    assert len(check_consistent(index_location, all_texts)) == len(all_texts)


def test_a_reader_sees_only_whole_batches(index_location: str, tmp_path: Path) -> None:
    all_texts = texts(1200)
    with open_store(index_location, create=True, fingerprint=FP):
        pass
    proc = writer(
        tmp_path,
        index_location,
        [(f"d{i}", t) for i, t in enumerate(all_texts)],
        batch=40,
        merge_at=2000,
    )
    seen = set()
    with open_store(index_location, readonly=True) as reader:
        while proc.poll() is None or len(seen) < 2:
            count = reader.stats()["documents"]
            seen.add(count)
            assert count % 40 == 0
            found = reader.postings([42], cap=sp.HOT_LIMIT - 1).get(42, [])
            assert len(found) >= min(count, sp.HOT_LIMIT)  # its postings came with it
            if proc.poll() is not None:
                break
    assert proc.wait() == 0, proc.stderr.read() if proc.stderr else ""
    assert len(seen) > 2  # it really read while the writer wrote
    check_consistent(index_location, all_texts)


def test_four_writers_on_overlapping_halves_store_each_text_once(
    index_location: str, tmp_path: Path
) -> None:
    all_texts = texts(2000)
    start_at = time.time() + 1.5
    procs = []
    for p in range(4):  # writer p adds half of the texts, from its own starting point
        half = [
            (f"w{p}/{(p * 500 + j) % 2000}", all_texts[(p * 500 + j) % 2000]) for j in range(1000)
        ]
        procs.append(
            writer(
                tmp_path,
                index_location,
                half[::-1] if p % 2 else half,
                batch=100,
                merge_at=3000,
                start_at=start_at,
                name=f"w{p}",
            )
        )
    for proc in procs:
        assert proc.wait(timeout=180) == 0, proc.stderr.read() if proc.stderr else ""
    numbers = check_consistent(index_location, all_texts)
    assert len(numbers) == len(all_texts)
    with open_store(index_location) as store:
        store.merge()
        assert store.stats()["documents"] == len(all_texts)
    check_consistent(index_location, all_texts)
