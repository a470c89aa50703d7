"""``unspin index add`` as real processes: killed or interrupted mid-add and run again,
and four at once on overlapping halves of one set (SQLite file and PostgreSQL alike)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import unspin
from unspin.twins.backends import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_index_cli import story  # noqa: E402

pytestmark = pytest.mark.slow  # real processes, thousands of references: seconds each

SRC = str(Path(unspin.__file__).resolve().parents[1])


def unspin_process(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=SRC)
    return subprocess.Popen(
        [sys.executable, "-m", "unspin.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a test run in the background inherits Ctrl-C ignored: the CLI gets it back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def write_jsonl(path: Path, items: list[tuple[str, str]]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for ref_id, text in items:
            f.write(json.dumps({"id": ref_id, "text": text}) + "\n")


def stored_texts(location: str) -> list[str]:
    with open_store(location, readonly=True) as store:
        last = int(store.stats()["last_number"])
        return [text for _, text in store.texts(range(1, last + 1)).values()]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_an_interrupted_add_completes_when_run_again(tmp_path: Path, how: int) -> None:
    texts = [story(n, words=60) for n in range(5000)]
    items = [(f"r{n}", t) for n, t in enumerate(texts)]
    items += [(f"again{n}", texts[n]) for n in range(0, 5000, 10)]  # the same texts, other ids
    source = tmp_path / "refs.jsonl"
    write_jsonl(source, items)
    index = str(tmp_path / "refs.unspin")
    add = ("index", "add", str(source), "--index", index, "--quiet")
    writer = unspin_process(*add)
    seen = 0
    deadline = time.monotonic() + 120
    while seen < 1000 and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        if os.path.exists(index):
            try:
                with open_store(index, readonly=True) as store:
                    seen = int(store.stats()["documents"])
            except Exception:  # noqa: BLE001 - the file is being created: look again
                seen = 0
    assert writer.poll() is None, "the add finished before it could be interrupted"
    writer.send_signal(how)
    _, err = writer.communicate(timeout=60)
    if how == signal.SIGINT:
        assert writer.returncode == 130 and "unspin: interrupted" in err
    else:
        assert writer.returncode == -signal.SIGKILL
    kept = stored_texts(index)
    assert 1000 <= len(kept) < 5000 and len(kept) % 1000 == 0  # whole batches, no half one
    assert set(kept) <= set(texts)
    again = unspin_process(*add)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    final = stored_texts(index)
    assert len(final) == len(set(final)) == 5000
    assert set(final) == set(texts)


def test_four_adds_at_once_store_every_text_once(index_location: str, tmp_path: Path) -> None:
    texts = [story(n, words=40) for n in range(4000)]
    halves = [
        range(0, 2000),
        range(1000, 3000),
        range(2000, 4000),
        [*range(3000, 4000), *range(1000)],
    ]
    sources = []
    for k, half in enumerate(halves):
        path = tmp_path / f"half{k}.jsonl"
        write_jsonl(path, [(f"p{k}-{n}", texts[n]) for n in half])
        sources.append(path)
    writers = [
        unspin_process(
            "index", "add", str(path), "--index", index_location, "--workers", "0", "--quiet"
        )
        for path in sources
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err
    stats = unspin_process("index", "stats", "--index", index_location)
    out, err = stats.communicate(timeout=60)
    assert stats.returncode == 0, err
    assert json.loads(out)["documents"] == 4000
    stored = stored_texts(index_location)
    assert len(stored) == 4000 and set(stored) == set(texts)
