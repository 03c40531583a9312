"""The documentation's code runs: every Python block of the analysis guide, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "analysis-guide.md"


def test_analysis_guide_code_runs(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    blocks = re.findall(r"^```python\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.M | re.S)
    assert len(blocks) >= 10
    monkeypatch.chdir(ROOT)  # the guide reads tests/analysis/data/ from the checkout's top
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{GUIDE.name}, block {number}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "<Design weights='pw', strata='stype'" in out and "logit" in out
