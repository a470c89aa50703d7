"""Spin-robust twin search (issue 28): fingerprint, candidates, verification, choice.

Every text here is written for these tests (no dev-set text): a story, a copy spun the way
heavy spinners spin (about a quarter of the words swapped, what is swapped in lower case,
figures written as words), clean versions of the story, a story told with the same
template, and an unrelated one.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.twins import candidates, fingerprint, verify
from unspin.twins.choose import choose

ORIGINAL = (
    "Harrowgate Mills Inc said its fourth-quarter net profit rose to 19.6 mln dlrs from "
    "12.4 mln dlrs a year earlier, helped by strong demand for its Kestrel carpets.\n"
    "The Atlanta-based company said sales in the quarter climbed 6.9 pct to 412 mln dlrs, "
    "and it expects the Dunmore plant in Georgia to reach full output by June.\n"
    "Chief executive Alden Voss told analysts the company would raise its dividend to 45 "
    "cts a share and would spend 78 mln dlrs on new looms over the next two years.\n"
    "Harrowgate shares rose 1-1/4 to 38-3/8 on the New York Stock Exchange."
)

# The same story through a heavy spinner: synonyms for common words (in lower case, even
# where the original had a capital: "Chief" -> "leader", "Stock Exchange" -> "inventory
# change"), figures written as words ("19.6" -> "nineteen.6", "6.9" -> "6.nine"), the first
# word of a sentence swapped in lower case.
HEAVY_COPY = (
    "Harrowgate Mills Inc stated its fourth-quarter internet benefit rose to nineteen.6 mln "
    "dlrs from twelve.4 mln dlrs a 12 months previous, helped through robust call for for "
    "its Kestrel carpets.\n"
    "the Atlanta-primarily based corporate stated gross sales within the quarter climbed "
    "6.nine pct to 412 mln dlrs, and it expects the Dunmore plant in Georgia to succeed in "
    "complete output by means of June.\n"
    "leader government Alden Voss advised analysts the corporate would elevate its dividend "
    "to forty five cts a proportion and would spend seventy eight mln dlrs on new looms over "
    "the following two years.\n"
    "Harrowgate stocks rose 1-1/4 to 38-3/8 at the New York inventory change."
)

# Another company's results told with the same template: other names, other figures.
LOOK_ALIKE = (
    "Brackenridge Foods Corp said its fourth-quarter net profit rose to 7.3 mln dlrs from "
    "5.1 mln dlrs a year earlier, helped by strong demand for its Tillbury snacks.\n"
    "The Denver-based company said sales in the quarter climbed 4.2 pct to 188 mln dlrs, "
    "and it expects the Carvell plant in Colorado to reach full output by June.\n"
    "Chief executive Marta Quill told analysts the company would raise its dividend to 20 "
    "cts a share and would spend 31 mln dlrs on new ovens over the next two years.\n"
    "Brackenridge shares rose 3/4 to 21-1/8 on the New York Stock Exchange."
)

UNRELATED = (
    "Heavy rain flooded parts of the Orsova valley on Tuesday, cutting the rail line to "
    "Lindqvist and forcing the evacuation of some 1,200 residents, regional officials said.\n"
    "Rescue teams used boats to reach villages along the Pallan river, where the water rose "
    "more than three metres overnight, and forecasters warned of more storms by Thursday."
)


def _share_found(reference: str, query: str) -> float:
    ref = set(fingerprint.reference_keys(reference))
    return len(ref & set(fingerprint.query_keys(query))) / len(ref)


# ---------------------------------------------------------------- fingerprint


def test_number_words_read_as_digits() -> None:
    assert fingerprint.canonical_numbers("6.nine pct, nineteen.6 and seventy eight") == (
        "6.9 pct, 19.6 and 78"
    )
    spelled = "rose 6.nine pct to one hundred,000 dlrs, Forty-Five cts and two.5 mln"
    digits = "rose 6.9 pct to 100,000 dlrs, 45 cts and 2.5 mln"
    assert fingerprint.anchors(spelled) == fingerprint.anchors(digits)
    assert " ".join(fingerprint.anchors(digits)) == "6.9 pct 100,000 dlrs 45 cts 2.5 mln"


def test_fingerprint_survives_heavy_spinning() -> None:
    assert _share_found(ORIGINAL, HEAVY_COPY) >= 0.7
    assert _share_found(ORIGINAL, UNRELATED) == 0.0
    # the template shares words ("mln", "dlrs", "cts") but few of their pairs
    assert _share_found(ORIGINAL, LOOK_ALIKE) < 0.3


def test_reference_keys_are_a_small_sorted_sample() -> None:
    keys = fingerprint.reference_keys(ORIGINAL)
    assert len(keys) == fingerprint.SAMPLE_SIZE
    assert keys == sorted(keys) and all(0 <= k < 2**63 for k in keys)
    assert keys == fingerprint.reference_keys(ORIGINAL)  # stable
    assert set(keys) <= set(fingerprint.query_keys(ORIGINAL))
    assert fingerprint.FINGERPRINT_VERSION.startswith("anchors-")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefghij KLMNOP.,0123456789\n")), max_size=300))
def test_a_reference_sample_is_among_its_own_query_keys(text: str) -> None:
    assert set(fingerprint.reference_keys(text)) <= set(fingerprint.query_keys(text))


# ---------------------------------------------------------------- candidates


def test_candidates_rank_the_original_first_and_skip_a_hot_key() -> None:
    postings = candidates.MemoryPostings(cap=3)
    texts = [LOOK_ALIKE, UNRELATED, ORIGINAL]
    for n, text in enumerate(texts):
        postings.add(n, fingerprint.reference_keys(text))
    hot = 12345
    for n in range(10, 20):  # a key every reference holds says nothing
        postings.add(n, [hot])
    assert len(postings.lookup([hot])[hot]) == 4  # cap + 1: the caller sees it is hot
    keys = fingerprint.query_keys(HEAVY_COPY) + [hot]
    ranked = candidates.rank(keys, postings.lookup, cap=3)
    assert ranked[0].reference == 2
    assert all(c.reference < 10 for c in ranked)  # the hot key brought no candidate
    assert [c.reference for c in candidates.rank([hot], postings.lookup, cap=3)] == []


def test_one_shared_key_is_not_a_candidate() -> None:
    lookup = {1: [5], 2: [5, 6], 3: [6]}.get
    found = candidates.rank([1, 2, 3], lambda keys: {k: lookup(k) for k in keys if lookup(k)})
    assert {c.reference for c in found} == {5, 6}
    alone = candidates.rank([1], lambda keys: {k: lookup(k) for k in keys if lookup(k)})
    assert alone == []


def test_pile_candidates_pair_a_heavy_copy_with_its_original() -> None:
    pile = candidates.PileCandidates(limit=1)
    assert pile.add(0, UNRELATED) == []
    pile.add(1, LOOK_ALIKE)
    pile.add(2, ORIGINAL)
    assert pile.add(3, HEAVY_COPY) == [2]


# ---------------------------------------------------------------- verification


def test_a_heavy_copy_verifies_as_spun() -> None:
    verdict = verify.verify(HEAVY_COPY, ORIGINAL)
    assert verdict.kind == "spun"
    assert verdict.evidence.changed_facts == 0  # "nineteen.6", "leader", "inventory change"
    assert verdict.evidence.swaps >= 10


@pytest.mark.parametrize(
    "version",
    [
        ORIGINAL,
        ORIGINAL[: ORIGINAL.index("Chief")],  # cut
        ORIGINAL.replace("412 mln", "413 mln"),  # a figure updated
        ORIGINAL.replace("climbed", "climed"),  # a typo
        "Posted in Business | 3 May 2024\n\n" + ORIGINAL + "\n\nShare this: Facebook Twitter",
        ORIGINAL.replace(
            " to reach full output by June",
            " to reach full output by June, a spokesman said on Friday",
        ).replace("told analysts", "told Reuters"),
    ],
    ids=["itself", "cut", "figure", "typo", "farm", "editor"],
)
def test_a_clean_version_verifies_as_clean(version: str) -> None:
    assert verify.verify(version, ORIGINAL).kind == "clean"


def test_a_story_told_with_the_same_template_is_another_story() -> None:
    assert verify.verify(LOOK_ALIKE, ORIGINAL).kind is None
    spun_look_alike = LOOK_ALIKE.replace("said", "stated").replace("strong", "robust")
    assert verify.verify(spun_look_alike.replace("company", "corporate"), ORIGINAL).kind is None


def test_an_unrelated_story_is_another_story() -> None:
    assert verify.verify(UNRELATED, ORIGINAL).kind is None


def test_heavy_spinning_keeps_sentences_apart() -> None:
    prepared = verify.prepare_text("Sales rose. the firm said it gained.")
    assert len(prepared.sentences) == 2


# ---------------------------------------------------------------- choice


def test_choose_links_a_spun_copy_to_its_original() -> None:
    verdicts = [(n, verify.verify(HEAVY_COPY, t)) for n, t in enumerate([LOOK_ALIKE, ORIGINAL])]
    choice = choose(verdicts)
    assert (choice.kind, choice.reference) == ("spun", 1)
    assert choose([(0, verify.verify(ORIGINAL, ORIGINAL))]).kind == "clean"
    assert choose([(0, verify.verify(UNRELATED, ORIGINAL))]).kind == "none"
