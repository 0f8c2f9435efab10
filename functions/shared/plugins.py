"""The plugin manager of this function's region, built once per process."""

from __future__ import annotations

from functions.shared.config import get_settings
from plugins.manager import CrossliveManager, cached_plugin_manager


def get_plugins() -> CrossliveManager:
    """The region's manager. Deployed functions skip the upfront validation of every market's
    data: ``cdk synth`` already validated exactly this plugin set and data (the bundle cannot
    change after), and refuses to synthesize a region whose plugins return bad data."""
    settings = get_settings()
    return cached_plugin_manager(settings.plugins, validate=settings.is_local)
