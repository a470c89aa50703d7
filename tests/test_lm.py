"""The n-gram trainer and the kenlm query side, on a tiny model trained in tmp_path."""

from __future__ import annotations

import gzip
import math
import re
from pathlib import Path

import pytest

from unspin.errors import MissingDataError, ModelFormatError
from unspin.lm import LanguageModel, load_lm, read_header
from unspin.lm_train import LMSummary, iter_corpus_texts, train_lm

TEXTS = [
    "The court ruled that the law was valid.",
    "The court said that the law was clear.",
    "A judge ruled on the case in 2019.",
    "The government said the court was wrong.",
    "The judge said that the case was closed.",
    "Officials said the law would change.",
] * 3


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lm") / "tiny-3g.arpa.gz"
    train_lm(TEXTS, path, order=3, prune=(0,), signature="lm:tiny-3g-test")
    return path


@pytest.fixture(scope="module")
def lm(model_path: Path) -> LanguageModel:
    return load_lm(model_path)


def _arpa_text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def test_summary_and_header_counts_match(tmp_path: Path) -> None:
    path = tmp_path / "m.arpa"
    summary = train_lm(TEXTS, path, order=3, prune=(0, 0, 1))
    assert isinstance(summary, LMSummary)
    assert summary.sentences == len(TEXTS)
    assert summary.bytes == path.stat().st_size
    text = path.read_text(encoding="utf-8")
    declared = [int(n) for n in re.findall(r"^ngram \d+=(\d+)$", text, re.M)]
    sections = re.split(r"^\\\d-grams:$", text, flags=re.M)[1:]
    listed = [sum(1 for line in s.splitlines() if "\t" in line) for s in sections]
    assert declared == listed == list(summary.ngrams)


def test_seen_sentence_beats_scrambled(lm: LanguageModel) -> None:
    seen = ["the", "court", "ruled", "that", "the", "law", "was", "valid", "."]
    assert lm.score(seen) > lm.score(seen[::-1]) + 3
    swapped = ["the", "law", "ruled", "that", "the", "court", "was", "valid", "."]
    assert lm.score(seen) > lm.score(swapped)


def test_numbers_are_one_token(lm: LanguageModel) -> None:
    assert lm.score(["a", "judge", "ruled", "on", "the", "case", "in", "<num>", "."]) > -8


def test_token_logprobs_sum_to_score(lm: LanguageModel) -> None:
    words = ["the", "judge", "said", "that", "the", "law", "was", "wrong", "."]
    probs = lm.token_logprobs(words)
    assert len(probs) == len(words) + 1
    assert math.isclose(sum(probs), lm.score(words), abs_tol=1e-4)
    assert len(lm.token_logprobs(words, eos=False)) == len(words)


@pytest.mark.parametrize("i", [0, 1, 3, 7])
def test_score_span_differences_equal_score_differences(lm: LanguageModel, i: int) -> None:
    sentence = ["the", "court", "said", "that", "the", "case", "was", "closed", "."]
    for other in ("judge", "law", "zebra"):
        changed = [*sentence[:i], other, *sentence[i + 1 :]]
        left, right = sentence[:i], sentence[i + 1 :]
        span = lm.score_span(left, [sentence[i]], right, eos=True) - lm.score_span(
            left, [other], right, eos=True
        )
        assert math.isclose(span, lm.score(sentence) - lm.score(changed), abs_tol=1e-4)


def test_score_span_at_sentence_end_needs_eos(lm: LanguageModel) -> None:
    left, right = ["the", "court", "said", "that", "the", "law", "was"], ["."]
    whole = lm.score([*left, "clear", "."]) - lm.score([*left, "valid", "."])
    span = lm.score_span(left, ["clear"], right, eos=True) - lm.score_span(
        left, ["valid"], right, eos=True
    )
    assert math.isclose(span, whole, abs_tol=1e-4)
    assert lm.score_spans(left, [["clear"], ["valid"]], right) == [
        lm.score_span(left, ["clear"], right),
        lm.score_span(left, ["valid"], right),
    ]


def test_signature_order_and_cache(lm: LanguageModel, model_path: Path) -> None:
    assert lm.signature == "lm:tiny-3g-test"
    assert lm.order == 3
    assert load_lm(str(model_path)) is lm
    assert read_header(model_path)["format"] == "unspin-lm 1"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="does not exist"):
        load_lm(tmp_path / "nope.arpa")


def test_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.arpa"
    bad.write_text("this is not an ARPA file\n", encoding="utf-8")
    with pytest.raises(ModelFormatError, match="lm_train"):
        load_lm(bad)


def test_other_format_version(tmp_path: Path, model_path: Path) -> None:
    future = tmp_path / "future.arpa"
    future.write_text(_arpa_text(model_path).replace("unspin-lm 1", "unspin-lm 9"), "utf-8")
    with pytest.raises(ModelFormatError, match="unspin-lm 9"):
        load_lm(future)


def test_plain_arpa_without_header_loads(tmp_path: Path, model_path: Path) -> None:
    plain = tmp_path / "plain.arpa"
    body = _arpa_text(model_path)
    plain.write_text(body[body.index("\\data\\") :], encoding="utf-8")
    assert load_lm(plain).signature == "lm:plain"


def test_model_is_normalized(lm: LanguageModel, model_path: Path) -> None:
    text = _arpa_text(model_path)
    unigrams = text.split("\\1-grams:")[1].split("\\2-grams:")[0]
    words = [line.split("\t")[1] for line in unigrams.splitlines() if "\t" in line]
    for context in ([], ["the"], ["the", "court"], ["said", "zebra"]):
        total = sum(10 ** lm.score_span(context, [w], []) for w in words if w != "<s>")
        assert math.isclose(total, 1.0, abs_tol=1e-3), context


def test_iter_corpus_texts(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b'{"body": "Second."}\n\n'))
    texts = iter_corpus_texts([tmp_path / "docs", tmp_path / "b.jsonl.gz"], field="body")
    assert list(texts) == ["First.", "Second."]
    with pytest.raises(ValueError, match="no text field"):
        list(iter_corpus_texts(tmp_path / "b.jsonl.gz"))


def test_empty_corpus_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty"):
        train_lm([""], tmp_path / "x.arpa")


def test_gzipped_models_are_byte_reproducible(tmp_path: Path) -> None:
    texts = ["The cat sat on the mat.", "The dog sat on the rug."]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "m.arpa.gz", tmp_path / "b" / "m.arpa.gz"
    train_lm(texts, a, prune=(0,))
    train_lm(texts, b, prune=(0,))
    assert a.read_bytes() == b.read_bytes()
