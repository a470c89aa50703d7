"""Alignment and substitution extraction (align.py) and near-duplicate detection (neardup.py)."""

from __future__ import annotations

from unspin.twins.align import align, align_texts, prepare
from unspin.twins.neardup import NearDupIndex

CLEAN = (
    "Twitter sued the Trump administration on Thursday, trying to stop an attempt at forcing "
    "the company to reveal personal information about the user of the account. "
    "The lawyers told a federal judge that the government had withdrawn its demand. "
    "Filed in federal court in California, the lawsuit seeks a court order. "
    "According to court papers, the summons was withdrawn one day after the lawsuit was filed."
)
SPIN = {
    "trying": "attempting",
    "stop": "cease",
    "attempt": "try",
    "company": "corporate",
    "reveal": "disclose",
    "lawyers": "attorneys",
    "told": "advised",
    "judge": "choose",
    "court": "court docket",
    "according to": "in keeping with",
    "one day": "sooner or later",
}
UNRELATED = (
    "Oil prices rose sharply in Asian trading on Monday as supplies tightened after a pipeline "
    "outage in the North Sea. Analysts said demand from refiners remained strong. "
    "Brent crude futures gained two dollars a barrel by midday, the biggest rise in a month."
)


def spin(text: str) -> str:
    """A tiny inline spinner: every dictionary phrase is swapped, keeping a capital."""
    import re

    for found, repl in sorted(SPIN.items(), key=lambda kv: -len(kv[0])):
        pattern = re.compile(rf"\b{found}\b", re.IGNORECASE)
        text = pattern.sub(
            lambda m, r=repl: r[0].upper() + r[1:] if m.group()[0].isupper() else r, text
        )
    return text


def test_near_duplicate_pairs_spun_copy_not_unrelated() -> None:
    index = NearDupIndex()
    assert index.add("clean", CLEAN) == []
    assert index.add("other", UNRELATED) == []
    assert index.add("spun", spin(CLEAN)) == ["clean"]


def test_sentence_alignment_survives_reordering() -> None:
    sentences = CLEAN.split(". ")
    shuffled = ". ".join(reversed(sentences))
    a = align(prepare(spin(shuffled)), prepare(CLEAN))
    assert len(a.pairs) == len(sentences)
    assert a.coverage > 0.9


def test_unrelated_documents_do_not_cover() -> None:
    assert align(prepare(UNRELATED), prepare(CLEAN)).coverage < 0.2


def test_extracts_multiword_pairs() -> None:
    found = {(s.spun, s.original) for s in align_texts(spin(CLEAN), CLEAN).substitutions()}
    assert ("court docket", "court") in found
    assert ("in keeping with", "according to") in found
    assert ("sooner or later", "one day") in found
    assert ("choose", "judge") in found


def test_numbers_and_names_are_filtered() -> None:
    spun = "Mr Jones said sales rose 12 pct to 400 mln dlrs in March, the corporate said."
    clean = "Mr Smith said sales rose 15 pct to 500 mln dlrs in April, the company said."
    subs = [(s.spun, s.original) for s in align_texts(spun, clean).substitutions()]
    assert subs == [("corporate", "company")]


def test_sentence_initial_capital_is_not_a_name() -> None:
    subs = align_texts("Attorneys for the firm declined.", "Lawyers for the firm declined.")
    assert [(s.spun, s.original) for s in subs.substitutions()] == [("attorneys", "lawyers")]


def test_fixed_case_original_is_kept() -> None:
    a = align_texts(
        "Free speech afforded beneath the primary modification is a right.",
        "Free speech afforded under the First Amendment is a right.",
    )
    assert ("primary modification", "First Amendment") in {
        (s.spun, s.original) for s in a.substitutions()
    }


def test_long_insertions_are_not_pairs() -> None:
    spun = "The court ruled on Friday that the account must be unmasked at once by the firm."
    clean = "The court ruled on Friday."
    assert align_texts(spun, clean, min_similarity=0.3).substitutions() == []


def test_merged_block_offers_splits() -> None:
    change = align_texts(
        "The attorneys advised a judge on Friday.", "The lawyers told a judge on Friday."
    ).changes()[0]
    assert (change.substitution.spun, change.substitution.original) == (
        "attorneys advised",
        "lawyers told",
    )
    assert any(
        (a.spun, a.original, b.spun, b.original) == ("attorneys", "lawyers", "advised", "told")
        for a, b in change.splits
    )


def test_a_number_on_one_side_is_part_of_a_phrase() -> None:
    a = align_texts(
        "Shares rose in the final 12 months, the company said on Friday.",
        "Shares rose in the last year, the company said on Friday.",
    )
    assert [(s.spun, s.original) for s in a.substitutions()] == [("final 12 months", "last year")]
    b = align_texts(
        "Shares rose 12 pct in the year, the company said on Friday.",
        "Shares rose 14 pct in the year, the company said on Friday.",
    )
    assert b.substitutions() == []  # a changed figure is version noise


def test_changes_know_whether_they_sit_in_a_rewrite() -> None:
    a = align_texts(
        "Twitter said the agency can not order Twitter to show over the knowledge except a "
        "number of situations are met in court on Friday.",
        "Twitter said the agency can not order Twitter to disclose information regarding the "
        "real identities of these users in court on Friday.",
    )
    steady = {c.substitution.spun: c.steady for c in a.changes()}
    assert steady["knowledge except a number"] < 0.5  # an editor's rewrite, among changes
    b = align_texts(
        "The agency stated on Friday that the plan was ready.",
        "The agency said on Friday that the plan was ready.",
    )
    assert [c.steady for c in b.changes()] == [1.0]  # a swap in kept text
