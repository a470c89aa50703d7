"""The n-gram trainer and the kenlm query side (plain and mixed), on tiny models trained
in tmp_path."""

from __future__ import annotations

import gzip
import math
import re
from pathlib import Path

import pytest

from unspin.errors import MissingDataError, ModelFormatError
from unspin.models.lm import LanguageModel, MixedLanguageModel, load_lm, read_header
from unspin.models.lm_adapt import MIX_WEIGHTS, train_adapted_lm
from unspin.models.lm_train import LMSummary, iter_corpus_texts, train_lm

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
    assert_span_differences_equal_score_differences(lm, sentence, i, ("judge", "law", "zebra"))


def assert_span_differences_equal_score_differences(
    model: LanguageModel | MixedLanguageModel, sentence: list[str], i: int, others: tuple
) -> None:
    """Swapping word ``i`` changes ``score_span`` exactly as it changes ``score``."""
    for other in others:
        changed = [*sentence[:i], other, *sentence[i + 1 :]]
        left, right = sentence[:i], sentence[i + 1 :]
        span = model.score_span(left, [sentence[i]], right, eos=True) - model.score_span(
            left, [other], right, eos=True
        )
        assert math.isclose(span, model.score(sentence) - model.score(changed), abs_tol=1e-4)


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


# ----------------------------------------------------------------------------- mixtures

ADAPTED_TEXTS = [
    "The tribunal ruled that the levy was valid.",
    "The tribunal said the levy would change.",
    "Shares of the bank rose on Monday.",
    "The bank said the levy was clear.",
] * 3


def _adapted(tmp_path: Path, general: Path, weight: str = "0.3", name: str = "pile") -> Path:
    """A tiny adapted model whose header mixes it with ``general`` (relative path)."""
    path = general.parent / f"{name}.arpa.gz"
    train_lm(
        ADAPTED_TEXTS,
        path,
        order=3,
        prune=(0,),
        signature=f"lm:{name}",
        comments=[f"mix-with: {general.name}", f"weight: {weight}"],
    )
    return path


def _expected_logprobs(adapted: Path, general: Path, words: list[str], w: float) -> list[float]:
    """The interpolation computed independently, straight from kenlm."""
    import kenlm

    a = list(kenlm.Model(str(adapted)).full_scores(" ".join(words)))
    g = list(kenlm.Model(str(general)).full_scores(" ".join(words)))
    return [
        math.log10(w * (0.0 if oov else 10**pa) + (1 - w) * 10**pg)
        for (pa, _, oov), (pg, _, _) in zip(a, g, strict=True)
    ]


@pytest.fixture(scope="module")
def mixture(model_path: Path) -> MixedLanguageModel:
    loaded = load_lm(_adapted(model_path.parent, model_path))
    assert isinstance(loaded, MixedLanguageModel)
    return loaded


SENTENCES = [
    ["the", "tribunal", "ruled", "that", "the", "law", "was", "valid", "."],
    ["the", "court", "said", "the", "levy", "was", "clear", "."],
    ["shares", "of", "the", "zebra", "rose", "in", "<num>", "."],  # zebra: unknown to both
]


@pytest.mark.parametrize("words", SENTENCES, ids=["both", "mixed", "unknown"])
def test_mixture_interpolates_token_probabilities(
    mixture: MixedLanguageModel, model_path: Path, words: list[str]
) -> None:
    expected = _expected_logprobs(mixture.path, model_path, words, 0.3)
    assert mixture.token_logprobs(words) == pytest.approx(expected, abs=1e-9)
    assert mixture.score(words) == pytest.approx(sum(expected), abs=1e-9)
    # each token's probability lies between its two components'
    adapted, general = mixture.component_logprobs(words)
    for p, a, g in zip(mixture.token_logprobs(words), adapted, general, strict=True):
        assert min(a, g) - 1e-9 <= p <= max(a, g) + 1e-9
        assert p >= g + math.log10(0.7) - 1e-9


def test_mixture_shifts_towards_the_adapted_text(mixture: MixedLanguageModel) -> None:
    pile_word = ["the", "bank", "said", "the", "levy", "was", "clear", "."]
    general_word = ["the", "bank", "said", "the", "law", "was", "clear", "."]
    assert mixture.score(pile_word) > mixture.general.score(pile_word) + 1
    # "law" is not in the pile: only the general model's share of it is left
    law = general_word.index("law")
    assert mixture.token_logprobs(general_word)[law] == pytest.approx(
        mixture.general.token_logprobs(general_word)[law] + math.log10(0.7)
    )
    assert mixture.score(pile_word) - mixture.score(general_word) > mixture.general.score(
        pile_word
    ) - mixture.general.score(general_word)


@pytest.mark.parametrize("i", [0, 1, 3, 6])
def test_mixture_score_span_matches_score(mixture: MixedLanguageModel, i: int) -> None:
    sentence = ["the", "tribunal", "said", "that", "the", "levy", "was", "clear", "."]
    assert_span_differences_equal_score_differences(mixture, sentence, i, ("court", "law", "zebra"))
    assert mixture.score_spans(sentence[:i], [["court"]], sentence[i + 1 :]) == [
        mixture.score_span(sentence[:i], ["court"], sentence[i + 1 :])
    ]


def test_mixture_signature_names_both_models(mixture: MixedLanguageModel) -> None:
    assert mixture.signature == "lm:tiny-3g-test+pile@0.3"
    assert mixture.order == 3 and mixture.weight == 0.3
    assert load_lm(mixture.path) is mixture


@pytest.mark.parametrize("weight", ["1.5", "0", "heavy", ""])
def test_bad_mixture_weight_is_a_clear_error(tmp_path: Path, model_path: Path, weight: str) -> None:
    general = tmp_path / model_path.name
    general.write_bytes(model_path.read_bytes())
    bad = _adapted(tmp_path, general, weight=weight, name=f"bad{len(weight)}")
    with pytest.raises(ModelFormatError, match=r"weight: W.* 0 < W < 1"):
        load_lm(bad)


def test_mixture_with_missing_or_mixed_general_model(tmp_path: Path, model_path: Path) -> None:
    general = tmp_path / "general.arpa.gz"
    general.write_bytes(model_path.read_bytes())
    first = _adapted(tmp_path, general, name="first")
    second = _adapted(tmp_path, first, name="second")
    with pytest.raises(ModelFormatError, match="itself an adapted model"):
        load_lm(second)
    general.unlink()
    with pytest.raises(MissingDataError, match="mix-with: bundled"):
        load_lm(first)


def test_cli_reports_a_bad_mixture_header(tmp_path: Path, model_path: Path) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app

    general = tmp_path / model_path.name
    general.write_bytes(model_path.read_bytes())
    bad = _adapted(tmp_path, general, weight="2")
    result = CliRunner().invoke(app, ["restore", "--lm", str(bad)], input="The court ruled.\n")
    assert result.exit_code == 1
    assert "0 < W < 1" in result.output
    assert "Traceback" not in result.output and result.exception is not None


def test_train_adapted_lm_picks_the_weight_on_held_out_text(
    tmp_path: Path, model_path: Path
) -> None:
    general = tmp_path / "general.arpa.gz"
    general.write_bytes(model_path.read_bytes())
    texts = [f"{t} It was case {k}." for k, t in enumerate(ADAPTED_TEXTS * 2)]
    out = tmp_path / "adapted.arpa.gz"
    trained = train_adapted_lm(texts, out, mix_with=general.name, prune=(0,))
    assert set(trained.perplexity) == {0.0, *MIX_WEIGHTS}
    best = min(MIX_WEIGHTS, key=trained.perplexity.__getitem__)
    assert trained.weight == best
    assert trained.perplexity[best] < trained.perplexity[0.0]  # the pile's own text is easier
    header = read_header(out)
    assert (header["mix-with"], float(header["weight"])) == (general.name, best)
    assert isinstance(load_lm(out), MixedLanguageModel)
    with pytest.raises(ValueError, match="between 0 and 1"):
        train_adapted_lm(texts, out, weight=1.0)
