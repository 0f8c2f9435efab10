"""Meta-tests that keep the plugin surface honest (as datasette does)."""

from __future__ import annotations

import re
from pathlib import Path

from plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "crosslive_spec"))


def test_there_are_hooks():
    assert len(HOOKS) >= 16 and "market_profile" in HOOKS


def test_every_hook_has_a_test():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "plugins").glob("test_*.py"))
    missing = [name for name in HOOKS if not re.search(rf"^def test_hook_{name}\(", source, re.M)]
    assert not missing, f"hooks without a test_hook_<name>: {missing}"


def test_every_hook_is_documented():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    missing = [name for name in HOOKS if f"`{name}`" not in docs]
    assert not missing, f"hooks missing from docs/plugins.md: {missing}"


def test_every_hook_has_a_docstring():
    assert all((getattr(hookspecs, name).__doc__ or "").strip() for name in HOOKS)
