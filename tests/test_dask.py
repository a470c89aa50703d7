"""Dask for real: a LocalCluster of two worker processes restores and learns exactly
as one process does, and each worker loads the table and model once."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from unspin import restore

pytest.importorskip("dask.bag")
pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """Two single-threaded worker processes on this machine."""
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _paragraphs(key: str) -> list[str]:
    return [p for p in SEEDS[key].split("\n\n") if p.strip()]


def _texts() -> list[str]:
    """A spun seed (000) and a clean one (001) whole, and the paragraphs of spun seed 004."""
    return [SEEDS["000"], SEEDS["001"], *_paragraphs("004")]


@cache
def _restored(text: str) -> str:
    """The single-process output (each text restored once in this module)."""
    return restore(text)


# ---------------------------------------------------------------- restoring


def test_restore_bag_on_cluster_is_the_single_process_output(client: object) -> None:
    import dask.bag as db

    from unspin.pipelines import restore_bag

    texts = [*_texts(), None]
    out = restore_bag(db.from_sequence(texts, npartitions=8)).compute()
    assert out == [_restored(t) if t is not None else None for t in texts]
    assert out[0] != texts[0] and out[1] == texts[1]  # seed 000 spun, 001 clean


def test_restore_bag_records_on_cluster(client: object) -> None:
    import dask.bag as db

    from unspin.pipelines import restore_bag

    texts = [*_paragraphs("004"), *_paragraphs("001")[:4]]
    records = [{"id": i, "body": t, "keep": t} for i, t in enumerate(texts)]
    records += [{"id": -1}, {"id": -2, "body": 7}]
    out = restore_bag(db.from_sequence(records, npartitions=6), field="body").compute()
    assert len(out) == len(records)
    for record, got in zip(records, out, strict=True):
        body = record.get("body")
        want = {**record, "body": _restored(body)} if isinstance(body, str) else record
        assert got == want


def test_restore_dataframe_on_cluster(client: object) -> None:
    import dask.dataframe as dd
    import pandas as pd

    from unspin.pipelines import restore_dataframe

    texts = [*_paragraphs("004"), *_paragraphs("001")[:4]]
    frame = pd.DataFrame({"n": range(len(texts)), "text": texts})
    out = restore_dataframe(dd.from_pandas(frame, npartitions=4), "text").compute()
    assert out["n"].tolist() == list(range(len(texts)))
    assert out["text"].tolist() == [_restored(t) for t in texts]


def test_each_worker_loads_table_and_model_once(client: object) -> None:
    import dask.bag as db

    from unspin.learn.distributed import cache_report
    from unspin.pipelines import restore_bag

    texts = _paragraphs("004") * 2
    workers = sorted(client.scheduler_info()["workers"])  # type: ignore[attr-defined]
    for k, worker in enumerate(workers):  # each worker restores them all (twice over)
        bag = restore_bag(db.from_sequence(texts, npartitions=3 + k))  # a graph of its own
        done = client.compute(bag, workers=[worker], allow_other_workers=False)  # type: ignore[attr-defined]
        assert done.result() == [_restored(t) for t in texts]
    reports = client.run(cache_report)  # type: ignore[attr-defined]
    assert len(reports) == 2
    pids = {r["pid"] for r in reports.values()}
    assert len(pids) == 2 and os.getpid() not in pids
    for report in reports.values():
        # one options object in this module: one engine, table and LM per process
        assert report["engine"]["misses"] == 1 and report["engine"]["currsize"] == 1
        assert report["tables"]["misses"] == 1
        assert report["lm"]["misses"] == 1
        assert report["engine"]["hits"] >= len(texts) - 1  # all restored with that engine


# ---------------------------------------------------------------- learning

_SWAPS = {
    "court": "court docket",
    "government": "authorities",
    "said": "stated",
    "users": "customers",
    "request": "petition",
    "order": "directive",
    "account": "profile",
    "lawsuit": "go well with",
    "rights": "privileges",
    "records": "facts",
    "anonymous": "nameless",
    "according to": "in keeping with",
    "agency": "enterprise",
    "department": "branch",
    "identify": "discover",
    "judge": "choose",
    "lawyers": "attorneys",
}
_SWAP = re.compile(r"\b(" + "|".join(sorted(_SWAPS, key=len, reverse=True)) + r")\b", re.I)


def _spin(text: str) -> str:
    """A toy spinner: the same swap for a word every time (case kept)."""

    def swap(m: re.Match[str]) -> str:
        new = _SWAPS[m.group(0).lower()]
        return new[0].upper() + new[1:] if m.group(0)[0].isupper() else new

    return _SWAP.sub(swap, text)


@pytest.fixture(scope="module")
def pile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds as .txt files, spun copies of three of them (one cut in half, one
    retitled) in JSONL and .txt, and an unrelated story."""
    root = tmp_path_factory.mktemp("pile")
    (root / "seeds").mkdir()
    for key, text in SEEDS.items():
        (root / "seeds" / f"{key}.txt").write_text(text, encoding="utf-8")
    rows = [{"id": f"spun-{k}", "text": _spin(SEEDS[k])} for k in ("001", "002", "003")]
    rows.append({"id": "other", "text": "Oil prices rose in Asian trading as supplies fell."})
    rows.append({"id": "half", "text": _spin(SEEDS["002"][: len(SEEDS["002"]) // 2])})
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    (root / "more.jsonl").write_text(lines, encoding="utf-8")
    copy = _spin(SEEDS["001"]).replace("Twitter", "The company")
    (root / "z-copy.txt").write_text(copy, encoding="utf-8")
    return root


def test_jsonl_byte_ranges_read_the_documents_one_reader_reads(tmp_path: Path) -> None:
    from unspin.learn.distributed import _jsonl_range
    from unspin.text.corpus import iter_documents

    lines = [
        '{"text": "one ünï"}\n',
        "\n",
        '{"id": 2, "text": "two"}\r\n',
        "  \u00a0 \n",
        '{"text": "three"}\r{"text": "four"}\n',
        '{"text": "five \\u2028 end"}',
    ]
    path = tmp_path / "x.jsonl"
    path.write_bytes("".join(lines).encode("utf-8"))
    whole = [d.text for d in iter_documents([path])]
    assert len(whole) == 5
    size = path.stat().st_size
    for cut in range(size + 1):
        parts = [list(_jsonl_range(str(path), a, b, "text")) for a, b in ((0, cut), (cut, size))]
        assert parts[0] + parts[1] == whole, cut


def test_pile_chunks_cut_big_jsonl_files_in_reading_order(pile: Path) -> None:
    from unspin.learn.distributed import _piece_texts, _pieces
    from unspin.text.corpus import _expand, iter_documents

    files = [str(f) for f in _expand([pile])]
    chunks = _pieces(files, 6)
    assert 4 <= len(chunks) <= 8
    assert any(end is not None for chunk in chunks for _, _, end in chunk)  # more.jsonl was cut
    texts = [t for chunk in chunks for t in _piece_texts(chunk, "text")]
    assert texts == [d.text for d in iter_documents([pile])]


def test_candidate_pairs_on_cluster_are_the_one_process_index(client: object, pile: Path) -> None:
    from unspin.learn.distributed import candidate_pairs_distributed
    from unspin.text.corpus import iter_documents
    from unspin.twins.neardup import candidate_pairs

    docs = list(iter_documents([pile]))
    expected = sorted(candidate_pairs((n, d.text) for n, d in enumerate(docs)))
    documents, found, *_ = candidate_pairs_distributed([pile], client, partitions=3)
    assert documents == len(docs) == 11
    assert found == expected and len(expected) >= 5


def test_learn_on_cluster_writes_the_table_unspin_learn_writes(
    client: object, pile: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app
    from unspin.learn.distributed import learn_distributed
    from unspin.learn.gates import write_learned_table
    from unspin.learn.learner import table_comments

    one, dist = tmp_path / "one" / "pile.tsv", tmp_path / "dist" / "pile.tsv"
    one.parent.mkdir()
    dist.parent.mkdir()
    done = CliRunner().invoke(app, ["learn", str(pile), "-o", str(one), "-q"])
    assert done.exit_code == 0, done.output
    result = learn_distributed([pile], client, partitions=3, group_size=2)
    rows, _, _ = write_learned_table(result, [pile], dist, "pile", table_comments(result))
    assert result.summary.pairs_found >= 4 and rows >= 20
    assert dist.read_bytes() == one.read_bytes()


def test_learn_command_on_a_scheduler_address(client: object, pile: Path, tmp_path: Path) -> None:
    from unspin.learn.distributed import main
    from unspin.learn.gates import write_learned_table
    from unspin.learn.learner import learn, table_comments

    one, dist = tmp_path / "one" / "t.tsv", tmp_path / "dist" / "t.tsv"
    one.parent.mkdir()
    dist.parent.mkdir()
    result = learn([pile], pile_min_count=1)
    write_learned_table(result, [pile], one, "t", table_comments(result))
    address = client.scheduler.address  # type: ignore[attr-defined]
    main([str(pile), "-o", str(dist), "--scheduler", address, "--pile-min-count", "1"])
    assert dist.read_bytes() == one.read_bytes()
