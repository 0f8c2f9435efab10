"""Localization: translation, CLDR formatting, market profiles, local time."""
