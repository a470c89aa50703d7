"""Restoring once inputs are linked to their originals (unspin.twins.linked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from unspin import RestoreOptions, restore_and_explain
from unspin.models.table import load_table
from unspin.restore.api import apply_edits
from unspin.twins.align import align, prepare
from unspin.twins.linked import CLEAN, NO_TWIN, LinkedRestorer, TwinLink, beside, restore_linked
from unspin.twins.links_table import learn_from_links, write_links_table
from unspin.twins.spun_repairs import capitalised, figure_edits
from unspin.twins.twin_edits import twin_edits, uncovered

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
HEADER = "Posted by admin | Category: World News\nShare on Facebook | Tweet\n\n"
FOOTER = "\n\nRelated posts:\n- Ten things to know today\nCopyright 2024 Daily Farm.\n"

# The spinner of these tests: swaps the bundled table does not know (so what they restore
# comes from the twin or the table learned from the links) ...
SWAPS = {
    "spokesman": "mouthpiece",
    "lawyers": "attorneys",
    "judge": "choose",
    "customers": "clients",
    "expected": "anticipated",
    "declined": "refused",
    "decide": "determine",
}
# ... and one the bundled table knows (seed 000's spinner)
BUNDLED = {"according to": "in keeping with", "According to": "In keeping with"}

STORY = [
    "The lawyers told a federal judge on Friday that the bank would appeal the ruling.",
    "The judge said she would decide next week whether the case could go to trial.",
    "A spokesman for the bank declined to comment on the decision on Friday evening.",
    "The customers who filed the lawsuit say the bank hid fees from them for years.",
    "Their lawyers expected the judge to rule in their favour before the summer.",
    "The spokesman said the bank expected to win, according to people at the hearing.",
    "According to the filing, the customers want the judge to order a full refund.",
    "A spokesman for the customers declined to say how much they expected to get back.",
]
OTHERS = [
    [
        "A spokesman for the city declined to say when the bridge would reopen to traffic.",
        "Engineers expected the repairs to take most of the spring and part of the summer.",
        "The mayor said residents would decide in a vote whether to pay for a new bridge.",
        "Local customers of the ferry service expected longer waits through the holiday.",
    ],
    [
        "The lawyers for the airline told a judge it expected to settle the claims soon.",
        "A spokesman for the airline declined to give details of the talks with customers.",
        "The judge will decide in June whether the customers may sue the airline as a group.",
        "Analysts expected the airline to set aside money for the claims this quarter.",
    ],
    [
        "The lawyers said the judge had not yet set a date for the company's next hearing.",
        "A spokesman for the company declined to comment on the judge's latest order.",
        "Shareholders expected the board to decide on a new chief executive by the autumn.",
        "Some customers said they expected prices to rise once the merger was complete.",
    ],
]


def spin(text: str, swaps: dict[str, str] = SWAPS) -> str:
    for word, swap in swaps.items():
        text = text.replace(word, swap)
    return text


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def run_pairs() -> list[tuple[str, str]]:
    """The run's other linked copies, from which the table learns the spinner's swaps."""
    return [(spin(" ".join(o)), " ".join(o)) for o in OTHERS]


def test_a_linked_copy_takes_its_references_words_byte_for_byte(
    run_pairs: list[tuple[str, str]],
) -> None:
    original = "\n".join(STORY) + "\n"
    copy = HEADER + spin(original, {**SWAPS, **BUNDLED}) + FOOTER
    with LinkedRestorer([*run_pairs, (copy, original)]) as run:
        done = run.restore(copy, TwinLink("story-1", original))
    assert done.how == "twin" and done.reference == "story-1"
    assert done.restoration.text == HEADER + original + FOOTER  # the copy's own lines kept
    assert {e.source for e in done.restoration.edits} == {"twin:story-1"}
    assert apply_edits(copy, done.restoration.edits) == done.restoration.text


def test_a_heavily_spun_sentence_and_run_on_sentences_are_covered_too() -> None:
    """Sentences too changed to align on their own, or run together by a spinner that
    writes its swaps in lower case, still lie between aligned ones."""
    original = " ".join(STORY)
    copy = spin(
        original.replace(
            "The judge said she would decide next week", "the judge stated she may decide soon"
        )
    )
    assert "appeal the ruling. the choose" in copy  # one sentence for the tokenizer now
    done = twin_edits(align(prepare(copy), prepare(original)), "r")
    assert apply_edits(copy, done.edits) == original
    assert done.covered == [(0, len(copy))] and done.whole


def test_what_a_cut_reference_leaves_gets_the_learned_and_the_bundled_table(
    run_pairs: list[tuple[str, str]],
) -> None:
    original = " ".join(STORY)
    reference = " ".join(STORY[:4])  # the index holds the first half of the story
    copy = spin(original, {**SWAPS, **BUNDLED})
    with LinkedRestorer([*run_pairs, (copy, reference)]) as run:
        done = run.restore(copy, TwinLink("half", reference))
    text, edits = done.restoration.text, done.restoration.edits
    assert text.startswith(reference)  # the covered half, exactly
    rest = text[len(reference) :]
    sources = {e.source for e in edits if e.start >= len(reference)}
    assert "table:links" in sources  # the table learned from the run's links
    assert any(s.startswith("table:") and s != "table:links" for s in sources)  # bundled
    assert "spokesman" in rest and "mouthpiece" not in rest  # learned from the run's links
    assert "according to" in rest and "in keeping with" not in rest  # the bundled table's
    assert apply_edits(copy, edits) == text


def test_clean_inputs_come_back_byte_identical(run_pairs: list[tuple[str, str]]) -> None:
    original = " ".join(STORY)
    clean_version = " ".join(STORY[:5])
    unrelated = seed("003")
    inputs = [
        (spin(original), TwinLink("s", original)),
        (original, CLEAN),  # the reference itself
        (clean_version, CLEAN),  # a clean version of an indexed story
        (unrelated, NO_TWIN),  # clean, not indexed: through the no-twin gate
    ]
    done = restore_linked(
        [*((c, TwinLink(str(k), r)) for k, (c, r) in enumerate(run_pairs)), *inputs]
    )[len(run_pairs) :]
    assert done[0].restoration.text == original
    for (text, _), result in zip(inputs[1:], done[1:], strict=True):
        assert result.restoration.text == text and not result.restoration.edits
    assert [r.how for r in done[1:]] == ["clean", "clean", "unchanged"]


def test_a_copy_without_a_twin_gets_the_learned_table_when_the_gate_admits_it(
    run_pairs: list[tuple[str, str]],
) -> None:
    original = " ".join(STORY)
    with LinkedRestorer(run_pairs, RestoreOptions()) as run:
        assert run.gate is not None
        spun = spin(original)
        assert run.gate.admits(spun)
        done = run.restore(spun, NO_TWIN)
    assert done.how == "table"
    assert "mouthpiece" not in done.restoration.text and "spokesman" in done.restoration.text


def test_a_table_is_learned_from_links(tmp_path: Path, run_pairs: list[tuple[str, str]]) -> None:
    learned = learn_from_links(run_pairs, pile_min_count=1)
    rows = {(e.spun, e.original) for e in learned.entries}
    assert {("mouthpiece", "spokesman"), ("refused", "declined"), ("clients", "customers")} <= rows
    written = write_links_table(run_pairs, tmp_path / "links.tsv", references=[seed("003")])
    table = load_table(written.output)
    assert table.method == "aligned" and table.threshold is not None
    assert {(e.spun, e.original) for e in table.entries} == rows
    text = spin(OTHERS[0][0])
    restored = restore_and_explain(text, RestoreOptions(tables=(written.output,), min_spin=0))
    assert restored.text == OTHERS[0][0]


def _seed_errors(restored_edits: tuple, spun: str, clean: str) -> int:
    """Word errors of seed 000's sentences that seed 001 has a version of, once the edits
    are applied (as bench_restore's seed rows score them)."""
    from unspin.text.tokens import sentence_spans, tokenize

    def sentences(text: str) -> list[tuple[int, int]]:
        toks = tokenize(text)
        return [(toks[a].start, toks[b - 1].end) for a, b in sentence_spans(toks, text)]

    def words(text: str) -> list[str]:
        return [t.text.lower() for t in tokenize(text) if t.kind != "punct"]

    clean_sentences = [clean[a:b] for a, b in sentences(clean)]
    total = 0
    for a, b in sentences(spun):
        best = max(clean_sentences, key=lambda c: fuzz.ratio(spun[a:b], c))
        if len(words(spun[a:b])) < 6 or fuzz.ratio(spun[a:b], best) < 55:
            continue
        inside = [
            e._replace(start=e.start - a, end=e.end - a)
            for e in restored_edits
            if a <= e.start and e.end <= b
        ]
        total += Levenshtein.distance(words(apply_edits(spun[a:b], inside)), words(best))
    return total


def test_seed_000_restored_with_001_indexed_undoes_at_least_what_plain_restore_does() -> None:
    spun, twin, other = seed("000"), seed("001"), seed("003")
    runs = restore_linked([(spun, TwinLink("001", twin)), (twin, CLEAN), (other, CLEAN)])
    plain = restore_and_explain(spun)
    before = _seed_errors((), spun, twin)
    linked = _seed_errors(runs[0].restoration.edits, spun, twin)
    assert linked <= _seed_errors(plain.edits, spun, twin) < before
    # what 001 does not cover keeps the bundled table's edits ("court docket" -> "court")
    covered = twin_edits(align(prepare(spun), prepare(twin)), "001")
    spans = uncovered(covered, spun)
    kept = [e for e in plain.edits if any(a <= e.start and e.end <= b for a, b in spans)]
    made = {(e.start, e.end, e.restored) for e in runs[0].restoration.edits}
    assert kept and {(e.start, e.end, e.restored) for e in kept} <= made
    assert runs[1].restoration.text == twin and runs[2].restoration.text == other


def test_repairs_for_spun_text() -> None:
    text = "the corporate stated sales rose to five.ninety three mln from fifty,000. it said"
    edits = capitalised(text, beside([], figure_edits(text)))
    assert apply_edits(text, edits) == (
        "The corporate stated sales rose to 5.93 mln from 50,000. it said"
    )  # the last sentence has no edit: its case is left alone
    assert figure_edits("The index rose 6.9 pct to 1,234.5 in one day.") == []


def test_a_spinner_seen_spelling_figures_gets_rows_for_every_number() -> None:
    figures = [("seventy eight", 78), ("fifteen", 15), ("forty", 40), ("twenty one", 21)]
    pairs = [
        (f"Sales rose {w} pct to 9 mln dlrs.", f"Sales rose {n} pct to 9 mln dlrs.")
        for w, n in figures
    ] * 2
    rows = {(e.spun, e.original) for e in learn_from_links(pairs).entries}
    assert {("seventy eight", "78"), ("ninety two", "92"), ("ninety-two", "92")} <= rows
    # two clean versions writing one number both ways are no habit
    assert not any(e.original.isdigit() for e in learn_from_links(pairs[:1]).entries)


def test_names_the_spinner_lowers_get_their_capitals_back() -> None:
    from unspin.twins.spun_repairs import lowered_names, name_case_edits, names_in

    pairs = [("the japanese bank said", "The Japanese bank said"), ("in march", "in March")]
    lowered = lowered_names(pairs)
    assert lowered == {"japanese", "march"}
    clean = ["Shares of Japanese banks fell in March, the Tokyo exchange said."] * 5
    clean += ["Protesters began the march at noon."]
    names = {k: v for k, v in names_in(clean).items() if any(w in lowered for w in k)}
    text = "the japanese banks will march on"
    # "march" is written lower case in clean text too: only "japanese" is a name
    assert [(e.found, e.restored) for e in name_case_edits(text, names)] == [
        ("japanese", "Japanese")
    ]
