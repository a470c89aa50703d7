"""The pile's gate for texts without a twin (generated stories; see unspin.twins.pile_gate)."""

from __future__ import annotations

from pathlib import Path

from unspin.models.table import phrase_key
from unspin.twins.pile_gate import MIN_DOCUMENTS, fit_pile_gate, phrases_in

SWAPS = {
    "lawyers": "attorneys",
    "told": "advised",
    "judge": "choose",
    "company": "corporate",
    "declined": "refused",
    "customers": "clients",
    "expected": "anticipated",
    "decide": "determine",
    "help": "assist",
}
PAIRS = [(spun, original) for original, spun in SWAPS.items()]
STORIES = [
    "The lawyers told a federal judge on Friday that the company would appeal. The judge "
    "said she would decide next week. The company declined to comment on the ruling.",
    "Customers of the bank expected lower fees this year, the lawyers told reporters. A "
    "spokesman for the company declined to say when the board would decide on the plan.",
    "The judge expected both sides to help the court decide quickly. Lawyers for the "
    "customers told the judge that the company had hidden its fees for years.",
    "The company told its customers it expected to help them move their accounts. Its "
    "lawyers declined to say whether a judge would have to decide the matter.",
    "Shares in the company fell after lawyers told a judge it would not help customers "
    "who expected refunds. The judge will decide on Monday; the company declined comment.",
]

MORE = [
    "Farmers in the north expected rain to help their crops this week, officials told a "
    "meeting in the capital.",
    "The weather company told its customers that storms were expected on Thursday night.",
    "A regional judge will decide whether the water company must help farmers pay for wells.",
    "Lawyers for the farmers told the court the company had declined to share its records.",
    "Officials declined to say how many customers had lost power during the storm.",
    "The minister expected the cabinet to decide on emergency help before the weekend.",
    "The football club told supporters it expected the new stadium to open in August.",
    "Its lawyers declined to say whether a judge would have to decide on the building permit.",
    "The club's customers, season ticket holders, expected the company to help with refunds.",
    "A building company told the club that the roof was expected to be finished late.",
    "The mayor declined to help the club and told reporters the judge should decide.",
    "Supporters expected lawyers for both sides to help the judge decide by the summer.",
]


def spin(text: str) -> str:
    for word, swap in SWAPS.items():
        text = text.replace(word, swap).replace(word.capitalize(), swap.capitalize())
    return text


def test_phrases_are_counted_once_a_document() -> None:
    phrases = frozenset({("assist",), ("12", "months")})
    found = phrases_in("We assist. They assist in 12 months; 12 months on.", phrases, 2)
    assert found == {("assist",): 1, ("12", "months"): 1}


def test_no_clean_document_of_the_pile_passes_its_own_gate() -> None:
    gate = fit_pile_gate([spin(s) for s in STORIES], STORIES, PAIRS)
    assert gate is not None and gate.threshold >= 0.0
    assert not any(gate.admits(s) for s in STORIES)
    assert all(gate.admits(spin(s)) for s in STORIES)
    # a spun form's ratio is positive, the word it replaced negative
    assert gate.ratios[phrase_key("attorneys")] > 0 > gate.ratios[phrase_key("lawyers")]


def test_an_everyday_word_the_spinner_also_writes_does_not_make_a_story_spun() -> None:
    gate = fit_pile_gate([spin(s) for s in STORIES], STORIES, PAIRS)
    assert gate is not None
    clean = "The charity said it would assist flood victims, and its lawyers told the judge so."
    assert not gate.admits(clean)
    spun = "The charity's attorneys advised a choose it would assist clients of the corporate."
    assert gate.admits(spun)


def test_a_pile_with_too_few_pairs_has_no_gate() -> None:
    few = STORIES[: MIN_DOCUMENTS - 1]
    assert fit_pile_gate([spin(s) for s in few], few, PAIRS) is None
    assert fit_pile_gate([spin(s) for s in STORIES], STORIES, []) is None


def test_restore_pile_gates_texts_without_a_twin_by_the_piles_pairs(tmp_path: Path) -> None:
    from unspin.twins.pile_restore import PileRestorer

    originals = [" ".join(STORIES), " ".join(MORE[:6]), " ".join(MORE[6:])]
    pile = tmp_path / "pile"
    pile.mkdir()
    for k, text in enumerate(originals):
        (pile / f"original{k}.txt").write_text(text, encoding="utf-8")
        (pile / f"copy{k}.txt").write_text(spin(text), encoding="utf-8")
    restorer = PileRestorer([pile])
    try:
        assert len(restorer.pile.edges) == 3 and restorer.gate is not None
        # mostly the words the spinner replaces, two of its forms: the pile reads it clean
        # (restored from the table without the gate: anticipated, assist)
        clean = (
            "The charity anticipated that its customers would need help. "
            "Its lawyers said it would assist them."
        )
        assert not restorer.gate.admits(clean)
        assert restorer.restore(clean).restoration.text == clean
        spun = "The clients anticipated that the company would assist them, but it refused."
        assert restorer.gate.admits(spun)
        assert restorer.restore(spun).restoration.text != spun
    finally:
        restorer.close()
