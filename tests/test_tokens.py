"""Lossless tokenization and case transfer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unspin.text.tokens import sentence_spans, tokenize, transfer_case


@given(st.text())
def test_tokens_are_spans_of_the_input(text: str) -> None:
    for tok in tokenize(text):
        assert text[tok.start : tok.end] == tok.text
        assert not tok.text.isspace()


@given(st.text())
def test_only_whitespace_lies_between_tokens(text: str) -> None:
    pos = 0
    for tok in tokenize(text):
        assert text[pos : tok.start].strip() == ""
        pos = tok.end
    assert text[pos:].strip() == ""


def test_clitics_and_abbreviations() -> None:
    assert [t.text for t in tokenize("U.S. government’s isn't")] == [
        "U.S.",
        "government",
        "’s",
        "isn",
        "'t",
    ]


def test_protected_regions() -> None:
    toks = tokenize("see https://t.co/abc and @ALT_USCIS or <b>bold</b>")
    protected = {t.text for t in toks if t.protected}
    assert {"https", "co", "abc", "ALT", "USCIS", "b"} <= protected
    assert not any(t.protected for t in toks if t.text in {"see", "and", "or", "bold"})


def test_sentences_split_on_end_punctuation_and_lines_not_abbreviations() -> None:
    text = "Sen. Wyden said so. The U.S. agreed!\nNext line"
    toks = tokenize(text)
    firsts = [toks[a].text for a, _ in sentence_spans(toks, text)]
    assert firsts == ["Sen", "The", "Next"]


def test_case_transfer() -> None:
    assert transfer_case("Court docket", "court") == "Court"
    assert transfer_case("COURT DOCKET", "court") == "COURT"
    assert transfer_case("court docket", "court") == "court"
    assert transfer_case("primary modification", "First Amendment") == "First Amendment"
    assert transfer_case("In keeping with", "according to") == "According to"
