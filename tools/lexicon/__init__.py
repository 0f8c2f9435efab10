"""Lexicon curation (``python -m tools.lexicon``): builds the market lexicons the plugins ship."""
