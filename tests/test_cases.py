"""Data-driven cases (tests/cases/*.json): real and synthetic inputs with expected output.

Each case: label, input, expected, expect ("pass" or "fail"), comment, source. Known
failures run as strict xfails, so a fix forces the case to move to "pass".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin import restore

CASES = sorted(Path(__file__).with_name("cases").glob("*.json"))


def _load() -> list:
    params = []
    for path in CASES:
        for case in json.loads(path.read_text(encoding="utf-8")):
            marks = []
            if case["expect"] == "fail":
                marks.append(pytest.mark.xfail(strict=True, reason=case["comment"]))
            params.append(pytest.param(case, id=f"{path.stem}:{case['label']}", marks=marks))
    return params


@pytest.mark.parametrize("case", _load())
def test_case(case: dict) -> None:
    assert restore(case["input"]) == case["expected"]
