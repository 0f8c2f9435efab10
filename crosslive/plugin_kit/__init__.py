"""The plugin kit for platform teams: scaffold a market plugin package and check it conforms.

* ``scaffold.new_plugin(...)`` writes an installable package (``crosslive plugins new NAME``).
* ``conformance.check_plugin(...)`` runs the conformance suite (``crosslive plugins check ...``).
"""

from __future__ import annotations

from crosslive.plugin_kit.conformance import CheckReport, check_plugin, check_target, resolve_target
from crosslive.plugin_kit.scaffold import ScaffoldError, new_plugin

__all__ = ["CheckReport", "ScaffoldError", "check_plugin", "check_target", "new_plugin", "resolve_target"]
