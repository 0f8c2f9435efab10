"""Meta-tests that keep the plugin surface honest (as datasette's and pytest's do)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugins.md"
HOOKS = sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "crosslive_spec"))
FIRSTRESULT = "Stops at first non-None result."


def signature(name: str) -> str:
    """``name(arg: type, ...) -> type`` as written in hookspecs.py (annotations are strings there)."""
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{name}({params}) -> {sig.return_annotation}"


def is_firstresult(name: str) -> bool:
    return bool(getattr(hookspecs, name).crosslive_spec["firstresult"])


def test_there_are_hooks():
    assert len(HOOKS) >= 17 and "market_profile" in HOOKS and "startup" in HOOKS


def test_every_hook_has_a_test():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "plugins").glob("test_*.py"))
    missing = [name for name in HOOKS if not re.search(rf"^def test_hook_{name}\(", source, re.M)]
    assert not missing, f"hooks without a test_hook_<name>: {missing}"


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_its_full_signature(name):
    # The docs list each hook as "- `<signature>` (<kind>): ..." with the exact signature of the spec.
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())  # list items wrap over lines
    entry = re.search(rf"- `{re.escape(signature(name))}`( \(([^)]*)\))?:", docs)
    assert entry, f"docs/plugins.md has no entry '- `{signature(name)}` ...:'"
    assert ("firstresult" in (entry.group(2) or "")) == is_firstresult(name), entry.group(0)


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_docstring_has_one_form(name):
    # As pytest's hookspec.py: what to return, "Stops at first non-None result." exactly on the
    # firstresult hooks, and one ":param <name>:" line per argument (and none for others).
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert doc.strip() and not doc.startswith(" ")
    assert (FIRSTRESULT in doc) == is_firstresult(name)
    documented = re.findall(r"^:param (\w+):", doc, re.M)
    assert documented == list(inspect.signature(getattr(hookspecs, name)).parameters)
