"""The bundled reverse-synonym thesaurus, its loader and the inflection helpers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from unspin.errors import MissingDataError, ModelFormatError
from unspin.models.thesaurus import FORMAT_NAME, FORMAT_VERSION, Thesaurus, load_thesaurus
from unspin.text.inflect import inflect, inflect_like, inflections_like, lemmas

HEADER = f"{FORMAT_NAME}\t{FORMAT_VERSION}\tname=test"


@pytest.fixture(scope="module")
def bundled() -> Thesaurus:
    return load_thesaurus()


def test_bundled_file_has_header_and_attribution() -> None:
    from unspin.resources import data_path

    with gzip.open(data_path("thesaurus.tsv.gz"), "rt", encoding="utf-8") as f:
        head = [next(f) for _ in range(8)]
    assert head[0] == f"{FORMAT_NAME}\t{FORMAT_VERSION}\tname=moby2+wn30+ppdb1\n"
    text = "".join(head)
    assert "Grady Ward" in text and "public domain" in text
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text


def test_bundled_loads(bundled: Thesaurus) -> None:
    assert bundled.name == "moby2+wn30+ppdb1"
    assert len(bundled) > 50_000
    assert load_thesaurus() is bundled  # cached


# Pairs a spinner really made (seeds 000 and 004: spun word, original). Each is linked in
# the bundled data, checked by hand: Moby's "record" entry lists "annals" (a plural-only
# noun, so candidates are also offered in the plural); Moby's "attorney" entry lists
# "lawyer" and WordNet has them as one synset; Moby's "violate" entry lists "disregard";
# Moby's "government" entry lists "supervision"; Moby's "according to" entry lists
# "in keeping with".
@pytest.mark.parametrize(
    ("observed", "original"),
    [
        ("annals", "records"),
        ("attorneys", "lawyers"),
        ("disregarded", "violated"),
        ("supervision", "government"),
        ("in keeping with", "according to"),
        ("advised", "told"),
        ("stated", "said"),
        ("utilizing", "using"),
        ("pronounced", "said"),
        ("forsaken", "dropped"),
    ],
)
def test_sources_of_proposes_the_original(bundled: Thesaurus, observed: str, original: str) -> None:
    assert original in bundled.sources_of(observed)


# Not linked by either resource (checked): the spinner of seed 000 used a phrase dictionary.
@pytest.mark.parametrize(("observed", "original"), [("court docket", "court")])
def test_known_gaps(bundled: Thesaurus, observed: str, original: str) -> None:
    assert original not in bundled.sources_of(observed)


def test_sources_of_is_ranked_and_limited(bundled: Thesaurus) -> None:
    assert "government" in bundled.sources_of("supervision")[:3]
    assert len(bundled.sources_of("disregarded", 10)) == 10
    assert bundled.sources_of("qwzxv") == []
    assert "disregarded" not in bundled.sources_of("disregarded")


def test_sources_of_inflects_by_reading() -> None:
    th = Thesaurus.from_lines([HEADER, "go\tproceed\t5", "break\tviolate\t1"])
    assert th.sources_of("went") == ["proceeded"]
    # VBD and VBN readings give the same regular form once
    assert th.sources_of("broke") == ["violated"]
    assert th.sources_of("Breaking") == ["violating"]


@pytest.mark.parametrize(
    ("lemma", "observed", "expected"),
    [
        ("violate", "disregarded", "violated"),
        ("lawyer", "attorneys", "lawyers"),
        ("record", "annals", "records"),
        ("say", "pronouncing", "saying"),
        ("go", "considers", "goes"),
        ("good", "larger", "better"),
        ("man", "women", "men"),
        ("government", "supervision", "government"),
        ("turn over", "flipped", "turned over"),
    ],
)
def test_inflect_like(lemma: str, observed: str, expected: str) -> None:
    assert inflect_like(lemma, observed) == expected


def test_inflection_round_trips() -> None:
    for lemma, tag in [("go", "VBD"), ("child", "NNS"), ("run", "VBG"), ("big", "JJS")]:
        form = inflect(lemma, tag)
        assert form is not None
        assert (lemma, {"V": "VERB", "N": "NOUN", "J": "ADJ"}[tag[0]]) in lemmas(form)
    assert inflections_like("break", "disregarded") == ["broke", "broken"]
    assert inflect("annals", "VBZ", strict=True) is None


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "t.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [HEADER, "# comment", "ok\ta|b\t14", "bad\ta|b\t1"])
    with pytest.raises(ModelFormatError, match=r"t\.tsv\.gz, line 4"):
        load_thesaurus(path)


def test_wrong_header_and_version(tmp_path: Path) -> None:
    with pytest.raises(ModelFormatError, match="line 1: not an unspin thesaurus"):
        load_thesaurus(_write(tmp_path, ["#unspin-table\t1\tname=x"]))
    with pytest.raises(ModelFormatError, match="version '9'"):
        load_thesaurus(_write(tmp_path, [f"{FORMAT_NAME}\t9\tname=x"]))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError):
        load_thesaurus(tmp_path / "nope.tsv.gz")


def test_ppdb_links_are_read_with_the_others() -> None:
    from unspin.models.thesaurus import PPDB, WORDNET, Thesaurus

    th = Thesaurus.from_lines(["#unspin-thesaurus\t1\tname=x", "famous\tnoted|known\tc8"])
    assert th.sources_with_flags("famous") == [("noted", PPDB | WORDNET), ("known", PPDB)]
    with pytest.raises(ModelFormatError):
        Thesaurus.from_lines(["#unspin-thesaurus\t1\tname=x", "famous\tnoted\tg"])
