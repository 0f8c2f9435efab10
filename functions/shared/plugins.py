"""The plugin manager of this function's region, built once per process."""

from __future__ import annotations

from functions.shared.config import get_settings
from plugins.manager import CrossliveManager, cached_plugin_manager


def get_plugins() -> CrossliveManager:
    settings = get_settings()
    return cached_plugin_manager(settings.plugins)
