"""crosslive's plugin surface: the hook specification, its markers and the plugin manager.

Built-in plugins and tests mark implementations with the one ``hookimpl`` exported here::

    from plugins import hookimpl

A third-party package may use ``pluggy.HookimplMarker("crosslive")`` instead (the same marker),
so that it needs nothing from this repository.
"""

from __future__ import annotations

from plugins.hookspecs import PROJECT_NAME, hookimpl, hookspec

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]
