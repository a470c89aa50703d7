"""Invariants over generated text, and fuzz targets with a fixed, deterministic budget.

Texts mix spun phrases from the bundled table with plain words, punctuation, markup,
emoji, combining marks and control characters. For every one of them:

- edits are in bounds, in order, non-overlapping, and ``found`` is the text there;
- everything outside the edits is kept byte for byte, and ``apply_edits`` replays them;
- restoring is idempotent: ``restore(restore(x)) == restore(x)`` (also with min_spin=0).

The fuzz targets (``restore`` on any string, the table loader on any bytes) run a fixed
number of derandomized examples, so CI runs the same cases in a few seconds every time.
"""

from __future__ import annotations

import random
import tempfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unspin import apply_edits, restore, restore_and_explain
from unspin.errors import UnspinError
from unspin.models.table import bundled_table_path, load_table

FAST = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@lru_cache(maxsize=1)
def _spun_phrases() -> list[str]:
    """Every 50th spun phrase of the bundled table (a fixed, varied sample)."""
    rows = []
    with bundled_table_path().open(encoding="utf-8") as f:
        for line in f:
            if line.startswith(("#", "spun\t")):
                continue
            rows.append(line.split("\t", 1)[0])
    return rows[::50] + ["court docket", "in keeping with", "in keeping within", "a supervision"]


WORDS = ["the", "a", "The", "court", "said", "law", "on", "Friday", "Mr.", "U.S.", "2024", "it's"]
PUNCT = [".", ",", "!", "?", ";", ":", "'", '"', "“", "”", "’", "—", "-", "(", ")", "..."]
MARKUP = [
    "<p>",
    "</p>",
    '<a href="http://x.com/court-docket">',
    "`in keeping with`",
    "**",
    "# ",
    "http://example.com/a_b?q=1",
    "@user_name",
    "#tag",
    "&amp;",
    "```\ncourt docket\n```",
]
ODD = ["👍", "👨\u200d👩\u200d👧", "e\u0301", "é", "ß", "İ", "ﬁ", "\u00a0", "\ufeff", "\u2028"]
CONTROL = ["\x00", "\x07", "\x0b", "\x0c", "\r", "\r\n", "\n", "\n\n", "\t", "\x1b[0m", "\udce9"]


def _pieces() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_spun_phrases()),
        st.sampled_from(WORDS),
        st.sampled_from(PUNCT),
        st.sampled_from(MARKUP),
        st.sampled_from(ODD),
        st.sampled_from(CONTROL),
    )


SEPARATORS = [" ", " ", " ", "", "\n", "  "]


def _mix(seed: int) -> str:
    """A random mix of up to 60 pieces, most of them spun phrases (hypothesis draws the
    seed; its own shrinking would favour short texts that rarely get an edit)."""
    rng = random.Random(seed)
    pools = [_spun_phrases(), WORDS, PUNCT, MARKUP, ODD, CONTROL]
    parts = []
    for _ in range(rng.randint(0, 60)):
        pool = rng.choice(pools) if rng.random() < 0.6 else pools[0]
        parts.append(rng.choice(pool) + rng.choice(SEPARATORS))
    return "".join(parts)


TEXTS = st.one_of(
    st.integers(0, 2**32).map(_mix),
    st.lists(st.tuples(_pieces(), st.sampled_from(SEPARATORS)), max_size=60).map(
        lambda parts: "".join(p + sep for p, sep in parts)
    ),
)


def _check_edits(text: str, min_spin: float) -> str:
    r = restore_and_explain(text, min_spin=min_spin)
    pos, kept = 0, []
    for e in r.edits:
        assert pos <= e.start <= e.end <= len(text), (e, pos)
        assert text[e.start : e.end] == e.found
        assert e.found != e.restored
        kept.append(text[pos : e.start])
        pos = e.end
    kept.append(text[pos:])
    # Lossless outside the edits: the untouched stretches appear in order, unchanged.
    out, at = r.text, 0
    for stretch, e in zip(kept, [*r.edits, None], strict=True):
        assert out.startswith(stretch, at)
        at += len(stretch)
        if e is not None:
            assert out.startswith(e.restored, at)
            at += len(e.restored)
    assert at == len(out)
    assert apply_edits(text, r.edits) == r.text
    return r.text


@FAST
@given(TEXTS)
def test_invariants_with_the_gate(text: str) -> None:
    restored = _check_edits(text, 0.5)
    assert restore(restored) == restored


@FAST
@given(TEXTS)
def test_invariants_restoring_everything(text: str) -> None:
    restored = _check_edits(text, 0.0)
    assert restore(restored, min_spin=0) == restored


def test_known_idempotence_case() -> None:
    """'in keeping within' once became 'in keeping in', then 'with it in keeping'."""
    for text in ("He spoke in keeping within the rules.", "in keeping within"):
        for min_spin in (0.5, 0.0):
            once = restore(text, min_spin=min_spin)
            assert restore(once, min_spin=min_spin) == once


# --- fuzz targets: fixed budget, derandomized ------------------------------------------

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)


@FUZZ
@given(st.one_of(ANY_TEXT, TEXTS))
def test_fuzz_restore(text: str) -> None:
    r = restore_and_explain(text, min_spin=0)
    assert apply_edits(text, r.edits) == r.text
    assert isinstance(r.signature, str)


_HEADER = "#unspin-table\t1\tname=fuzz"
_COLUMNS = "spun\toriginal\tcount\tkept\tp_restore\tp_channel\tsource"
FIELDS = st.one_of(
    st.sampled_from(["court docket", "court", "9", "0", "0.97", "-1", "nan", "inf", "", "1e999"]),
    st.text(max_size=12),
)
ROWS = st.lists(st.lists(FIELDS, min_size=0, max_size=9).map("\t".join), max_size=6)
HEADERS = st.one_of(
    st.just(_HEADER),
    st.sampled_from(
        [
            "#unspin-table\t2\tname=x",
            "#unspin-table\t1",
            "#unspin-table\t1\tname=x\tspin_gate=abc",
            "#unspin-table\t1\tname=x\tthreshold=",
            "#unspin-table\t1\tname=x\tspin_gate=0.02\tthreshold=-2.5",
            "#unspin-tab",
            "",
        ]
    ),
    st.text(max_size=30),
)


@FUZZ
@given(HEADERS, ROWS, st.binary(max_size=20), st.sampled_from(["\n", "\r\n"]))
def test_fuzz_table_loader(header: str, rows: list[str], tail: bytes, newline: str) -> None:
    """Any file is either a table or a TableFormatError naming it; nothing else."""
    data = newline.join([header, _COLUMNS, *rows]).encode("utf-8", "surrogatepass") + tail
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.tsv"
        path.write_bytes(data)
        try:
            table = load_table(path)
        except UnspinError as exc:
            assert "fuzz.tsv" in str(exc)
        else:
            assert len(table) >= 0
