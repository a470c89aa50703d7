"""Building and matching a reference index on a Dask cluster (issue 29): every worker shares
one index, an SQLite file or a PostgreSQL server (``index_location``: both, the server a
real one started by ``pgserver``).

Texts are written here: 50 earnings stories told with one template, each with its own
invented names and figures, and copies spun the way heavy spinners spin (common words
swapped in lower case, figures written as words).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed", reason="dask is not installed: pip install -e '.[test]'")

from unspin.pipelines.dask_index import index_bag, match_bag  # noqa: E402
from unspin.twins.refindex import ReferenceIndex  # noqa: E402

TEMPLATE = (
    "{company} Inc said its fourth-quarter net profit rose to {a}.{b} mln dlrs from "
    "{c}.{d} mln dlrs a year earlier, helped by strong demand for its {brand} carpets.\n"
    "The {city}-based company said sales in the quarter climbed {e}.{f} pct to {g} mln dlrs, "
    "and it expects the {plant} plant in {region} to reach full output by June.\n"
    "Chief executive {first} {last} told analysts the company would raise its dividend to "
    "{h} cts a share and would spend {i} mln dlrs on new looms over the next two years."
)

SWAPS = {
    "said": "stated",
    "net profit": "internet benefit",
    "a year earlier": "a 12 months previous",
    "strong demand": "robust call for",
    "The ": "the ",
    "company": "corporate",
    "sales": "gross sales",
    "reach full output by June": "succeed in complete output by means of June",
    "Chief executive": "leader government",
    "told analysts": "advised analysts",
    "raise": "elevate",
    "a share": "a proportion",
    "next two years": "following two years",
}
DIGITS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six"}


def _name(rng: random.Random) -> str:
    syllables = ["har", "row", "gate", "kes", "trel", "dun", "more", "vos", "lind", "qvist"]
    syllables += ["brack", "en", "ridge", "till", "bury", "car", "vell", "pal", "lan", "ors"]
    return "".join(rng.choice(syllables) for _ in range(3)).capitalize()


def stories(count: int, seed: int = 29) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        fields = {k: _name(rng) for k in ("company", "brand", "city", "plant", "region")}
        fields.update(first=_name(rng), last=_name(rng))
        fields.update({k: rng.randint(10, 99) for k in "acegi"})
        fields.update({k: rng.randint(1, 6) for k in "bdfh"})
        out.append(TEMPLATE.format(**fields))
    return out


def spin(text: str) -> str:
    for old, new in SWAPS.items():
        text = text.replace(old, new)
    for digit, word in DIGITS.items():  # "19.6" -> "19.six": the decimals written as words
        text = text.replace(f".{digit} ", f".{word} ")
    return text


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


def test_workers_build_one_index_storing_each_distinct_text_once(
    client, index_location: str
) -> None:
    import dask.bag as db

    texts = stories(50)
    # overlapping halves in 6 partitions: the same text reaches different workers
    pairs = [(f"s{i}", t) for i, t in enumerate(texts[:30])]
    pairs += [(f"again{i}", t) for i, t in enumerate(texts[20:], start=20)]
    done = index_bag(db.from_sequence(pairs, npartitions=6), index_location, scheduler=client)
    assert done.added == 50 and done.known == 10
    with ReferenceIndex(index_location, readonly=True) as index:
        assert index.stats()["documents"] == 50
        stored = index.store.texts(range(1, 200))
    assert sorted(t for _, t in stored.values()) == sorted(texts)


def test_workers_link_spun_copies_to_their_originals_only(
    client, index_location: str, tmp_path: Path
) -> None:
    import dask.bag as db

    texts = stories(50)
    indexed, left_out = texts[:40], texts[40:]
    index_bag(
        db.from_sequence([(f"ref{i}", t) for i, t in enumerate(indexed)], npartitions=4),
        index_location,
        scheduler=client,
    )
    queries = [(f"copy{i}", spin(t)) for i, t in enumerate(indexed)]
    queries += [(f"alone{i}", spin(t)) for i, t in enumerate(left_out)]
    queries += [("clean3", indexed[3])]
    output = tmp_path / "links.jsonl"
    links = match_bag(
        db.from_sequence(queries, npartitions=5), index_location, scheduler=client, output=output
    )
    assert {r["spun"]: r["original"] for r in links} == {f"copy{i}": f"ref{i}" for i in range(40)}
    assert all(0.9 <= r["coverage"] <= 1.0 and 0.5 < r["similarity"] < 1.0 for r in links)
    assert [json.loads(line) for line in output.read_text().splitlines()] == links


def test_paths_jsonl_and_folders_are_read_on_the_workers(client, tmp_path: Path) -> None:
    texts = stories(12, seed=3)
    folder = tmp_path / "refs"
    (folder / "deep").mkdir(parents=True)
    for i, t in enumerate(texts[:4]):
        (folder / "deep" / f"{i}.txt").write_text(t, encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    rows = [{"key": f"j{i}", "body": t} for i, t in enumerate(texts[4:], start=4)]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    location = str(tmp_path / "refs.unspin")
    done = index_bag([folder, jsonl], location, field="body", id_field="key", scheduler=client)
    assert done == (12, 0)
    copies = tmp_path / "copies.jsonl"
    copies.write_text(
        "".join(json.dumps({"text": spin(t)}) + "\n" for t in (texts[1], texts[7])),
        encoding="utf-8",
    )
    links = match_bag([copies], location, scheduler=client)
    assert [r["original"] for r in links] == [str(folder / "deep" / "1.txt"), "j7"]
    assert links[0]["spun"] == f"{copies}@0"


@pytest.mark.slow  # a local cluster of worker processes: seconds
def test_the_module_entry_adds_and_matches_on_a_local_cluster(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    import unspin

    texts = stories(10, seed=5)
    refs = tmp_path / "refs.jsonl"
    refs.write_text(
        "".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    )
    copies = tmp_path / "copies.jsonl"
    copies.write_text(
        "".join(
            json.dumps({"id": f"q{i}", "text": spin(t)}) + "\n" for i, t in enumerate(texts[:3])
        )
    )
    index, links = tmp_path / "refs.unspin", tmp_path / "links.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(unspin.__file__).resolve().parents[1])}
    run = [sys.executable, "-m", "unspin.pipelines.dask_index"]
    common = ["--index", str(index), "--workers", "1"]
    added = subprocess.run(
        [*run, "add", str(refs), *common], env=env, capture_output=True, text=True, timeout=300
    )
    assert added.returncode == 0, added.stderr[-2000:]
    assert json.loads(added.stdout) == {"added": 10, "known": 0}
    matched = subprocess.run(
        [*run, "match", str(copies), *common, "-o", str(links)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert matched.returncode == 0, matched.stderr[-2000:]
    found = [json.loads(line) for line in links.read_text().splitlines()]
    assert [(r["spun"], r["original"]) for r in found] == [("q0", "r0"), ("q1", "r1"), ("q2", "r2")]


@pytest.mark.slow  # a local cluster of worker processes: seconds
def test_the_cli_adds_and_matches_on_dask_leaving_out_references_that_look_spun(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app

    texts = stories(8, seed=11)
    folder = tmp_path / "refs"
    folder.mkdir()
    for i, t in enumerate(texts[:6]):
        (folder / f"{i}.txt").write_text(t, encoding="utf-8")
    (folder / "copy.txt").write_text(spin(texts[6]), encoding="utf-8")  # "mln dlrs" as "19.six"
    index = str(tmp_path / "refs.unspin")
    runner = CliRunner()
    added = runner.invoke(app, ["index", "add", str(folder), "--index", index, "--dask", "local"])
    assert added.exit_code == 3, added.output
    assert "copy.txt" in added.output and "looks spun" in added.output
    with ReferenceIndex(index, readonly=True) as refs:
        assert refs.stats()["documents"] == 6
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "a.txt").write_text(spin(texts[2]), encoding="utf-8")
    (queries / "b.txt").write_text(texts[4], encoding="utf-8")  # a reference itself
    links_path = tmp_path / "links.jsonl"
    matched = runner.invoke(
        app,
        ["match", "--refs", index, str(queries), "-o", str(links_path), "--dask", "local"],
    )
    assert matched.exit_code == 0, matched.output
    links = [json.loads(line) for line in links_path.read_text().splitlines()]
    assert [(r["spun"], r["original"]) for r in links] == [
        (str(queries / "a.txt"), str(folder / "2.txt"))
    ]
    refused = runner.invoke(app, ["index", "add", "-", "--index", index, "--dask", "local"])
    assert refused.exit_code == 2
