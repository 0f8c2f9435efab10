"""The code examples of docs/plugins.md run, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


def test_guide_has_examples():
    assert len(python_blocks(DOC.read_text(encoding="utf-8"))) >= 5


def test_guide_examples_run(capsys):
    namespace: dict[str, object] = {"__name__": "docs_plugins"}
    for index, block in enumerate(python_blocks(DOC.read_text(encoding="utf-8"))):
        code = compile(block, f"docs/plugins.md#python-block-{index + 1}", "exec")
        exec(code, namespace)
    printed = capsys.readouterr().out
    assert "DOES NOT conform" in printed  # the broken example's report was printed
